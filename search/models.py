from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SectionQuerySet(models.QuerySet):
    def public(self):
        # The one definition of "findable": a section of an article patients can read now.
        # Evaluated on every search, so a scheduled article is found from the minute it goes live.
        from articles.models import Article

        return self.filter(article__in=Article.objects.published())


class Section(models.Model):
    """One "##" or "###" section of a published article's live text, as search finds it.

    Rebuilt from the live copy whenever an article is published or unpublished (search/index.py);
    deleted with its article.
    """

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    # The heading's id in the page ("" for the text above the first heading).
    anchor = models.CharField(max_length=200, blank=True)
    heading = models.CharField(max_length=300)
    article_title = models.CharField(max_length=200)
    text = models.TextField()
    # PostgreSQL only: heading (A), article title (B) and text (D), stored so no search
    # pays for to_tsvector, and GIN-indexed (migration 0001). Empty on SQLite.
    vector = SearchVectorField(null=True, editable=False)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["article", "position"]
        constraints = [models.UniqueConstraint(fields=["article", "position"], name="search_section_place")]

    def __str__(self):
        return f"{self.article_title}: {self.heading}"

    def get_absolute_url(self):
        url = self.article.get_absolute_url()
        return f"{url}#{self.anchor}" if self.anchor else url


class Word(models.Model):
    """A word patients can read in a published article or a synonym: the vocabulary typos are matched against."""

    # Text, not varchar: PostgreSQL matches "word % 'typo'" to the trigram index only without a cast.
    word = models.TextField(unique=True)

    def __str__(self):
        return self.word


class Synonym(models.Model):
    words = models.CharField(
        "patients' words",
        max_length=100,
        unique=True,
        help_text='What a patient might type: one word or a phrase, such as "jab" or "hair falling out".',
    )
    means = models.CharField(
        "search for",
        max_length=200,
        help_text='The words the articles use, separated by commas, such as "vaccine, vaccination". '
        "A search for the patients' words also finds these.",
    )

    class Meta:
        ordering = ["words"]

    def __str__(self):
        return f"{self.words} → {self.means}"

    def save(self, *args, **kwargs):
        self.words = " ".join(self.words.casefold().split())
        super().save(*args, **kwargs)

    @property
    def alternatives(self):
        return [" ".join(part.casefold().split()) for part in self.means.split(",") if part.strip()]


class WeeklySearch(models.Model):
    """How often one normalised query was searched in one week, and how many results it found.

    Counts only: no address, session, browser or time of day is kept, and a query with an
    e-mail address or a long number is never stored (search/report.py).
    """

    week = models.DateField(help_text="The Monday the week starts.")
    query = models.CharField(max_length=100)
    searches = models.PositiveIntegerField(default=0)
    results = models.PositiveIntegerField(default=0, help_text="Results found the last time it was searched.")

    class Meta:
        verbose_name = "search this week"
        verbose_name_plural = "searches by week"
        ordering = ["-week", "-searches"]
        constraints = [models.UniqueConstraint(fields=["week", "query"], name="search_weekly_query")]
        indexes = [models.Index(fields=["week", "results"], name="search_weekly_results")]

    def __str__(self):
        return f"{self.query} ({self.week:%d %b %Y}): {self.searches}"
