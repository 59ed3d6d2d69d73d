import reversion
from django.conf import settings
from django.db import models, transaction
from django.db.models import Max, Subquery
from django.db.models.functions import Lower, Now
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from markdownx.models import MarkdownxField

from articles import review_mail
from articles.dose_check import DoseNumbersFound, dose_numbers
from articles.images import ArticleImage  # noqa: F401 (a model of this app, defined beside it)
from articles.markup import render
from articles.records import FormerSlug, ProblemReport, Publication  # noqa: F401 (models of this app)
from page_cache.generations import Scope, changed
from search.index import index_article

# What an editor drafts and a publish makes live. Review dates, names and the
# reading order are not drafted: they describe the article and apply on save.
CONTENT_FIELDS = ["title", "summary", "body", "body_html", "toc", "show_urgent_help"]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        # The one definition of "public": published, and its publish time has come.
        # Scheduling needs no cron job because the rule is evaluated on every read.
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def in_reading_order(self):
        return self.order_by("position", "title")

    def in_review(self):
        return self.filter(review_state=Article.ReviewState.IN_REVIEW)

    def with_next_go_live(self):
        """Each row also carries when the next scheduled article goes live (or None).

        Cached pages live no longer than that, so a scheduled article appears on
        time without a cron job, and without an extra query.
        """
        upcoming = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=Now()).order_by(
            "published_at"
        )
        return self.annotate(next_go_live=Subquery(upcoming.values("published_at")[:1]))


def next_free_position():
    return (Article.objects.aggregate(last=Max("position"))["last"] or 0) + 1


# Revisions keep what editors wrote; derived and workflow fields stay out of them.
@reversion.register(
    follow=["references"],
    fields=["title", "slug", "draft_slug", "summary", "body", "show_urgent_help", "go_live_at", "position",
            "author", "reviewer", "last_reviewed", "next_review_due"],
)  # fmt: skip
class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class ReviewState(models.TextChoices):
        NONE = "", "Not in review"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"

    title = models.CharField(max_length=200)
    # The address patients use. Once the article is published only publish()
    # changes it (from draft_slug), and the old address then redirects.
    slug = models.SlugField(
        "address",
        max_length=100,
        help_text="The last part of the page address, after /articles/. Lowercase letters, numbers and hyphens.",
    )
    # The columns added for the workflow default to "" in the database itself, so the
    # release still running during a deploy can insert rows that do not name them.
    draft_slug = models.SlugField(
        "new address",
        max_length=100,
        blank=True,
        default="",
        db_default="",
        help_text="Proposed by an editor; the page moves there when a publisher publishes, "
        "and the old address keeps working (it redirects).",
    )
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

    position = models.PositiveSmallIntegerField(
        default=next_free_position, help_text="Place in the reading order (1 comes first). Each article has its own."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Set only by publish(): when the article went (or goes) live. Patients see it as "First published".
    published_at = models.DateTimeField("first published", null=True, blank=True, editable=False)
    go_live_at = models.DateTimeField(
        "publish at",
        null=True,
        blank=True,
        help_text="Site time (UK). When a publisher publishes, the page goes live at this time; "
        "leave empty to go live at once.",
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
    # Raised on every save; a form opened at an older count is refused (the edit lock).
    # The column keeps its first name: the release still running during a deploy reads it.
    edit_count = models.PositiveIntegerField(editable=False, default=0, db_column="version")

    # The review workflow: an editor submits, a publisher publishes or requests changes.
    review_state = models.CharField(
        max_length=20, choices=ReviewState.choices, blank=True, editable=False, default="", db_default=""
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    submission_note = models.CharField(max_length=300, blank=True, editable=False, default="", db_default="")
    review_comment = models.TextField(max_length=2000, blank=True, editable=False, default="", db_default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        indexes = [models.Index(fields=["status", "published_at"])]
        constraints = [
            models.UniqueConstraint(
                Lower("slug"),
                name="article_slug_unique_any_case",
                violation_error_message="Another article uses this address.",
            ),
            models.UniqueConstraint(
                fields=["position"],
                name="article_position_unique",
                violation_error_message="Another article already has this place in the reading order.",
            ),
        ]
        permissions = [("publish_article", "Can publish articles and unpublish them")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        rendered = render(self.body)
        self.body_html, self.toc = rendered.html, rendered.toc
        self.edit_count += 1
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
        return self.live != self.snapshot() or self.moves_on_publish

    @property
    def moves_on_publish(self):
        return bool(self.draft_slug) and self.draft_slug != self.slug

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and not self.is_public

    @property
    def review_overdue(self):
        return self.next_review_due < timezone.localdate()

    def state_in_words(self):
        """What the article list and the change form say about it."""
        if self.review_state:
            return self.get_review_state_display()
        if self.status == self.Status.DRAFT:
            return "Draft"
        if self.is_scheduled:
            return f"Scheduled for {_when(self.published_at)}"
        return "Live with draft changes" if self.has_unpublished_changes else "Live"

    def dose_numbers(self):
        return dose_numbers("\n\n".join([self.title, self.summary, self.body]))

    # --- The workflow: every change to what patients see goes through these ---

    @transaction.atomic
    def publish(self, *, by=None, note="", dose_override_reason=""):
        """Make the saved draft what patients see: at once, or at go_live_at if that is later."""
        doses = self.dose_numbers()
        if doses and not dose_override_reason.strip():
            raise DoseNumbersFound(doses)
        if self.moves_on_publish:
            self._move_address(self.draft_slug)
        self.draft_slug = ""
        if not self.is_public:
            # A publish time already past means now: "First published" never claims an earlier date.
            self.published_at = max(self.go_live_at or timezone.now(), timezone.now())
        self.live = self.snapshot()
        self.status = self.Status.PUBLISHED
        self.review_state, self.review_comment, self.reviewed_by = self.ReviewState.NONE, "", by
        self.save()
        changed(Scope.ARTICLES)
        index_article(self)
        return Publication.objects.create(
            article=self, published_by=by, note=note or "Published.", dose_override_reason=dose_override_reason
        )

    def _move_address(self, new_slug):
        FormerSlug.objects.filter(slug__iexact=new_slug).delete()  # coming back to an old address
        FormerSlug.objects.create(article=self, slug=self.slug)
        self.slug = new_slug

    @transaction.atomic
    def unpublish(self):
        self.status = self.Status.DRAFT
        self.save()
        changed(Scope.ARTICLES)
        index_article(self)

    def submit_for_review(self, *, by, note, review_url):
        self._set_review(
            review_state=self.ReviewState.IN_REVIEW,
            review_comment="",
            submitted_by=by,
            submitted_at=timezone.now(),
            submission_note=note,
        )
        return review_mail.tell_publishers(self, review_url)

    def request_changes(self, *, by, comment, change_url):
        self._set_review(review_state=self.ReviewState.CHANGES_REQUESTED, review_comment=comment, reviewed_by=by)
        return review_mail.tell_editor(self, change_url)

    def _set_review(self, **fields):
        # An update, not save(): the review state is no edit, so it must not
        # trip the edit lock of someone who has the form open.
        Article.objects.filter(pk=self.pk).update(**fields)
        for name, value in fields.items():
            setattr(self, name, value)

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


def _when(moment):
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


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


@receiver(post_delete, sender=Article)
def forget_pages_that_showed_a_deleted_article(sender, instance, **kwargs):
    # A signal, not delete(): the admin deletes in bulk through the queryset.
    if instance.status == Article.Status.PUBLISHED:
        changed(Scope.ARTICLES)
