import reversion
from django.conf import settings
from django.db import models, transaction
from django.db.models import Subquery
from django.db.models.functions import Now
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from markdownx.models import MarkdownxField

from articles.markup import render
from page_cache.generations import Scope, changed

# What an editor drafts and a publish makes live. Review dates, names and the
# reading order are not drafted: they describe the article and apply on save.
CONTENT_FIELDS = ["title", "summary", "body_html", "toc", "show_urgent_help"]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        # The one definition of "public": published, and its publish time has come.
        # Scheduling needs no cron job because the rule is evaluated on every read.
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def in_reading_order(self):
        return self.order_by("position", "title")

    def with_next_go_live(self):
        """Each row also carries when the next scheduled article goes live (or None).

        Cached pages live no longer than that, so a scheduled article appears on
        time without a cron job, and without an extra query.
        """
        upcoming = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=Now()).order_by(
            "published_at"
        )
        return self.annotate(next_go_live=Subquery(upcoming.values("published_at")[:1]))


# Revisions keep what editors wrote; derived and workflow fields stay out of them.
@reversion.register(follow=["references"], exclude=["body_html", "toc", "live", "version", "status", "published_at"])
class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True, help_text="The page address: /articles/<slug>/")
    summary = models.TextField(
        max_length=600,
        help_text="One short paragraph in plain words. Shown on the home page and as the page description.",
    )
    body = MarkdownxField(
        help_text='Markdown. Start sections with "## A question as heading"; "###" for sub-sections. '
        "No dose numbers: say the doctor works out the dose.",
    )
    # Rendered once on save, so no request pays for Markdown or sanitising.
    body_html = models.TextField(editable=False, blank=True)
    toc = models.JSONField(editable=False, default=list)

    position = models.PositiveSmallIntegerField(default=0, help_text="Place in the reading order (1 comes first).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "published", null=True, blank=True, help_text="When the page goes live. Set automatically when left empty."
    )
    last_reviewed = models.DateField(default=timezone.localdate)
    next_review_due = models.DateField()
    author = models.CharField(max_length=200, help_text="Who wrote the article.")
    reviewer = models.CharField(
        max_length=200,
        blank=True,
        help_text="Name and role of the clinician who reviewed it. Leave empty until a real clinical review: "
        "the page then says it has not had clinical review yet.",
    )
    show_urgent_help = models.BooleanField(
        "show urgent-help boxes",
        default=False,
        help_text="Show the 'get help urgently' and 'emergency' boxes near the top of the page.",
    )
    # What patients see: a copy of the content taken by publish(). Editors'
    # later saves change the fields above, never this, until they publish again.
    live = models.JSONField(editable=False, default=dict)
    # Raised on every save; a form that was opened at an older version is refused.
    version = models.PositiveIntegerField(editable=False, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        indexes = [models.Index(fields=["status", "published_at"])]
        permissions = [("publish_article", "Can publish articles and unpublish them")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        rendered = render(self.body)
        self.body_html, self.toc = rendered.html, rendered.toc
        self.version += 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    def snapshot(self):
        content = {name: getattr(self, name) for name in CONTENT_FIELDS}
        content["references"] = [
            {"title": ref.title, "publisher": ref.publisher, "url": ref.url} for ref in self.references.all()
        ]
        return content

    @property
    def has_unpublished_changes(self):
        return self.live != self.snapshot()

    @transaction.atomic
    def publish(self, *, by=None, note=""):
        """Make the saved draft what patients see, at published_at (now when empty)."""
        self.live = self.snapshot()
        self.status = self.Status.PUBLISHED
        if self.published_at is None:
            self.published_at = timezone.now()
        self.save()
        changed(Scope.ARTICLES)
        return Publication.objects.create(article=self, published_by=by, note=note or "Published.")

    def restore(self, version):
        """Bring back an old revision's content as the draft, saved as a new revision."""
        old = version.field_dict
        for name in ["title", "summary", "body", "show_urgent_help"]:
            setattr(self, name, old[name])
        old_references = [v.field_dict for v in version.revision.version_set.all() if v._model is Reference]
        with transaction.atomic():
            self.references.all().delete()
            Reference.objects.bulk_create(
                Reference(article=self, **{k: ref[k] for k in ["position", "title", "publisher", "url"]})
                for ref in old_references
            )
            self.save()

    @transaction.atomic
    def unpublish(self):
        self.status = self.Status.DRAFT
        self.save()
        changed(Scope.ARTICLES)

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def review_overdue(self):
        return self.next_review_due < timezone.localdate()


@reversion.register()
class Reference(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200)
    url = models.URLField("address", max_length=500)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.title} ({self.publisher})"


class Publication(models.Model):
    """One entry of the article's public change log: each time a draft went live."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="publications")
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField("what changed", max_length=300)

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return f"{self.article}: {self.note}"


class ProblemReport(models.Model):
    """A reader's note that something on an article is wrong, unclear or out of date."""

    class Kind(models.TextChoices):
        WRONG = "wrong", "Something is wrong or out of date"
        UNCLEAR = "unclear", "Something is hard to understand"
        BROKEN = "broken", "A link or part of the page does not work"
        OTHER = "other", "Something else"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="problem_reports")
    kind = models.CharField("what is the problem?", max_length=10, choices=Kind.choices)
    message = models.TextField("tell us more", max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["resolved", "-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article}"


@receiver(post_delete, sender=Article)
def forget_pages_that_showed_a_deleted_article(sender, instance, **kwargs):
    # A signal, not delete(): the admin deletes in bulk through the queryset.
    if instance.status == Article.Status.PUBLISHED:
        changed(Scope.ARTICLES)
