import re

from django.db import models
from django.urls import reverse
from markdownx.models import MarkdownxField

from articles.markup import render
from imuran_info.joined_ids import joined_ids, split_ids
from insights.counts import InsightCount  # noqa: F401 (a model of this app, kept beside its steps)
from page_cache.generations import Scope, remember_until_changed


class ThemeQuerySet(models.QuerySet):
    def published(self):
        # The one definition of "public" for themes: views, the sitemap and the list use it.
        return self.filter(status=Theme.Status.PUBLISHED)


class Theme(models.Model):
    """A talking point that gathers article sections and the stories moderators tag with it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=120)
    slug = models.SlugField(
        "address",
        max_length=100,
        unique=True,
        help_text="The last part of the page address, after /themes/. Lowercase letters, numbers and hyphens.",
    )
    summary = models.CharField(max_length=300, help_text="One sentence, shown in the list of themes.")
    intro = MarkdownxField(
        "introduction",
        help_text='A short introduction in Markdown. Start any section with "##". No dose numbers.',
    )
    # Rendered once on save through the articles' sanitiser, so no request pays for it.
    intro_html = models.TextField(editable=False, blank=True)
    keywords = models.CharField(
        max_length=300,
        blank=True,
        help_text="Words or phrases, separated by commas, that suggest this theme to moderators "
        "when a story contains them (for example: blood test, blood count).",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Place in the list of themes (1 comes first).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    stories = models.ManyToManyField("stories.Story", blank=True, related_name="themes")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        permissions = [("publish_theme", "Can publish themes and unpublish them")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.intro_html = render(self.intro).html
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("insights:theme", args=[self.slug])

    def keyword_list(self):
        return [word.strip() for word in self.keywords.split(",") if word.strip()]

    def matches(self, text):
        """The keywords found in the text, as whole words, whatever their case."""
        folded = text.casefold()
        return [word for word in self.keyword_list() if re.search(rf"\b{re.escape(word.casefold())}", folded)]


@remember_until_changed(Scope.THEMES)
def published_themes():
    """(id, slug, title) of every published theme, in order: a few dozen at most.

    Every theme change in the admin moves the themes generation (insights/admin.py).
    """
    return tuple(Theme.objects.published().values_list("pk", "slug", "title"))


def theme_ids():
    """For annotate(): the ids of every theme a story is tagged with, published or not, as "3,7"."""
    return joined_ids(Theme.stories.through.objects, "theme_id", "story_id")


def themes_of(story, themes):
    """The published `themes` (published_themes()) a story annotated with theme_ids() is tagged with, as links."""
    tagged = split_ids(story.theme_ids)
    links = [(slug, title) for pk, slug, title in themes if str(pk) in tagged]
    return [{"title": title, "url": reverse("insights:theme", args=[slug])} for slug, title in links]


class ThemeSection(models.Model):
    """A link from a theme to one heading of an article, picked from the article's own headings."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="sections")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    # The heading's id in the article, as the article's contents list has it.
    anchor = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.article} \u203a {self.anchor}"
