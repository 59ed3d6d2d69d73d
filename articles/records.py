"""What happens around an article: its former addresses, its public change log, readers' reports."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class FormerSlug(models.Model):
    """An address the article had before a publisher moved it: it answers with a permanent redirect."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="former_slugs")
    slug = models.SlugField(max_length=100, unique=True)
    moved_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"/articles/{self.slug}/ → {self.article}"


class Publication(models.Model):
    """One entry of the article's public change log: each time a draft went live."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="publications")
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField("what changed", max_length=300)
    # Staff only, never shown on the public page.
    # db_default: the release still running during a deploy inserts publications without it.
    dose_override_reason = models.CharField(
        "why dose numbers were published", max_length=500, blank=True, default="", db_default=""
    )

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

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="problem_reports")
    kind = models.CharField("problem", max_length=10, choices=Kind.choices)
    message = models.TextField("reader's message", max_length=2000)
    created_at = models.DateTimeField("sent", auto_now_add=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["resolved", "-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article}"
