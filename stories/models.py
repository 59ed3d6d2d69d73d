import secrets
from collections import Counter
from functools import cache
from types import MappingProxyType

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.text import Truncator

from page_cache.generations import Scope, changed, remember_until_changed
from stories.records import ClientCount, Decision, QueueCount, Resubmission  # noqa: F401 (registered here)
from stories.screening import URGENT_KINDS, find_flags
from stories.workflow import (  # noqa: F401 (the workflow's exceptions, importable with the model)
    DecidedMeanwhile,
    DecisionError,
    FlagsNeedConfirmation,
    StoryWithdrawn,
    StoryWorkflow,
)

# Deleting in batches keeps each statement's list of ids within SQLite's limit.
DELETE_BATCH = 5000


def new_token():
    # 256 random bits: the private status link is the author's only key to their story.
    return secrets.token_urlsafe(32)


class SideEffect(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True, help_text="Used in the address of the filtered story list.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Place in the list on the form (1 comes first).")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


@remember_until_changed(Scope.STORIES)
def side_effect_tags():
    """(id, slug, name) of every side-effect tag, in order. Renaming a tag moves the stories generation."""
    return tuple(SideEffect.objects.values_list("pk", "slug", "name"))


# What a story card shows (stories/cards.py): fetching no more keeps a list page light.
CARD_FIELDS = ("title", "text", "display_name", "role", "condition", "time_on_imuran", "submitted_at")
# What a story's own page shows besides: its "In brief" answers (StoryWords.facts).
FACT_FIELDS = ("age_band", "time_to_help", "helped_rating", "ease_rating", "overall_rating")


class StoryWords:
    """How a story names itself and its author to readers, from its public fields alone.

    Story has these, and so do the rows the public pages read, which are not model instances
    (stories.cards.StoryCard and StoryPageRow). Building twenty cards as models took a sixth of
    an uncached list page; a story page's query as a model took twice the CPU it takes as a row.
    facts() also reads FACT_FIELDS, which a story page's row has and a card's has not.
    """

    __slots__ = ()

    @property
    def heading(self):
        return self.title or f"A {self._teller}'s story"

    @property
    def page_title(self):
        """The browser tab's words: the heading, and whose story it is when the author titled it."""
        return f"{self.title}: a {self._teller}'s story" if self.title else self.heading

    @property
    def _teller(self):
        return "carer" if self.role == Story.Role.CARER else "patient"

    @property
    def byline(self):
        """Who wrote it and about what, in plain words: only the fields a reader may see."""
        labels = plain_labels()
        who = {Story.Role.CARER: ", who cares for someone taking Imuran", Story.Role.PATIENT: ", who takes Imuran"}
        parts = [f"By {self.display_name or 'Anonymous'}{who.get(self.role, '')}."]
        # Plain dictionaries, not get_FOO_display() and date_format(): a list page writes
        # twenty bylines, and those took a sixth of its time.
        if self.condition:
            parts.append(f"Condition: {labels['condition'].get(self.condition, self.condition)}.")
        if self.time_on_imuran:
            time_on = labels["time_on_imuran"].get(self.time_on_imuran, self.time_on_imuran)
            parts.append(f"Time on Imuran: {time_on.lower()}.")
        shared = local_time(self.submitted_at)
        parts.append(f"Shared in {labels['month'][shared.month]} {shared.year}.")
        return " ".join(parts)

    def facts(self, side_effects):
        """The story's "In brief" list, (question, answer) pairs, for the questions answered."""
        labels = plain_labels()
        answers = [
            ("Side effects", ", ".join(side_effects)),
            ("Age of the person taking Imuran", labels["age_band"].get(self.age_band, self.age_band)),
            ("How long it took to help", labels["time_to_help"].get(self.time_to_help, self.time_to_help)),
            ("Did it help?", self.helped_rating and f"{self.helped_rating} out of 5"),
            ("How easy was it to live with?", self.ease_rating and f"{self.ease_rating} out of 5"),
            ("Overall", self.overall_rating and f"{self.overall_rating} out of 5"),
        ]
        return [(question, answer) for question, answer in answers if answer]


class StoryQuerySet(models.QuerySet):
    def approved(self):
        # The one definition of "public". Views, the sitemap and the home page all use it.
        return self.filter(status=Story.Status.APPROVED)

    def public_fields(self):
        # Lists never need the private columns, nor the submitted original.
        return self.defer("original_text", "email", "client_hash", "flags", "moderator_note", "consent_version")

    def newest_first(self):
        return self.order_by("-submitted_at", "-id")

    def oldest_first(self):
        return self.order_by("submitted_at", "id")

    def resubmission_of(self, text, client):
        earlier = Resubmission.objects.filter(fingerprint__in=Story.fingerprints(text, client)).values("story")
        return self.filter(pk__in=earlier).exclude(status=Story.Status.WITHDRAWN).first()

    def delete_counted(self):
        """Delete these stories and keep the queue counts exact; returns how many went."""
        with transaction.atomic():
            rows = list(self.select_for_update().values_list("pk", "status"))
            for start in range(0, len(rows), DELETE_BATCH):
                Story.objects.filter(pk__in=[pk for pk, _ in rows[start : start + DELETE_BATCH]]).delete()
            QueueCount.move({status: -n for status, n in Counter(status for _, status in rows).items()})
        return len(rows)

    def reported_count(self):
        # Open reports are a short work list, read through their (resolved, story) index.
        return StoryReport.objects.filter(resolved=False).values("story").distinct().count()

    def needs_review(self):
        # Fetch the few reported ids first: "pending OR id IN (list)" lets the database
        # combine two index scans, where "OR id IN (subquery)" would scan every story.
        reported = list(StoryReport.objects.filter(resolved=False).values_list("story_id", flat=True).distinct())
        return self.filter(models.Q(status=Story.Status.PENDING) | models.Q(pk__in=reported))


class Story(StoryWords, StoryWorkflow, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a moderator"
        APPROVED = "approved", "Published"
        REJECTED = "rejected", "Not published"
        WITHDRAWN = "withdrawn", "Withdrawn by its author"

    class Role(models.TextChoices):
        PATIENT = "patient", "I take Imuran"
        CARER = "carer", "I care for someone who takes Imuran"

    class Condition(models.TextChoices):
        RHEUMATOID_ARTHRITIS = "rheumatoid-arthritis", "Rheumatoid arthritis"
        CROHNS_DISEASE = "crohns-disease", "Crohn's disease"
        ULCERATIVE_COLITIS = "ulcerative-colitis", "Ulcerative colitis"
        LUPUS = "lupus", "Lupus"
        ORGAN_TRANSPLANT = "organ-transplant", "Organ transplant"
        AUTOIMMUNE_HEPATITIS = "autoimmune-hepatitis", "Autoimmune hepatitis"
        OTHER = "other", "Another condition"

    class TimeOnImuran(models.TextChoices):
        UNDER_3_MONTHS = "under-3-months", "Less than 3 months"
        UNDER_1_YEAR = "3-12-months", "3 to 12 months"
        UNDER_5_YEARS = "1-5-years", "1 to 5 years"
        OVER_5_YEARS = "over-5-years", "More than 5 years"

    class TimeToHelp(models.TextChoices):
        WITHIN_A_MONTH = "within-1-month", "Within a month"
        UNDER_3_MONTHS = "1-3-months", "1 to 3 months"
        UNDER_6_MONTHS = "3-6-months", "3 to 6 months"
        OVER_6_MONTHS = "over-6-months", "More than 6 months"
        NOT_YET = "not-yet", "It has not helped (yet)"
        NOT_SURE = "not-sure", "Not sure"

    class AgeBand(models.TextChoices):
        # The age of the person who takes Imuran: a carer may write about a child.
        UNDER_16 = "under-16", "Under 16"
        FROM_16 = "16-24", "16 to 24"
        FROM_25 = "25-34", "25 to 34"
        FROM_35 = "35-44", "35 to 44"
        FROM_45 = "45-54", "45 to 54"
        FROM_55 = "55-64", "55 to 64"
        FROM_65 = "65-74", "65 to 74"
        FROM_75 = "75-plus", "75 or over"

    class RejectReason(models.TextChoices):
        IDENTIFIES_SOMEONE = "identifies-someone", "It names or could identify someone"
        CONTACT_DETAILS = "contact-details", "It contains contact details or links"
        DOSING = "dosing", "It gives dosing instructions"
        STOP_TREATMENT = "stop-treatment", "It advises stopping or changing treatment"
        ADVERTISING = "advertising", "It advertises something"
        NOT_ABOUT_IMURAN = "not-about-imuran", "It is not about Imuran"
        OFFENSIVE = "offensive", "It is offensive or abusive"
        OTHER = "other", "Another reason"

    RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, editable=False)
    title = models.CharField(max_length=120, blank=True)
    text = models.TextField(
        "story as published", help_text="Plain text. Edit it to remove names, contact details or doses."
    )
    # What the author sent, untouched, kept for the record while the story exists.
    original_text = models.TextField("story as sent", editable=False)
    display_name = models.CharField(max_length=50, default="Anonymous")
    role = models.CharField(max_length=10, choices=Role.choices, blank=True)
    condition = models.CharField(max_length=30, choices=Condition.choices, blank=True)
    time_on_imuran = models.CharField(max_length=20, choices=TimeOnImuran.choices, blank=True)
    # db_default too: the release still running during a deploy inserts stories without this column.
    time_to_help = models.CharField(
        "how long it took to help", max_length=20, choices=TimeToHelp.choices, blank=True, default="", db_default=""
    )
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    side_effects = models.ManyToManyField(SideEffect, blank=True, related_name="stories")
    helped_rating = models.PositiveSmallIntegerField("did it help?", choices=RATING_CHOICES, null=True, blank=True)
    ease_rating = models.PositiveSmallIntegerField(
        "how easy was it to live with?", choices=RATING_CHOICES, null=True, blank=True
    )
    overall_rating = models.PositiveSmallIntegerField("overall", choices=RATING_CHOICES, null=True, blank=True)

    # Private: never shown on a public page.
    email = models.EmailField(blank=True)
    consented_at = models.DateTimeField(editable=False)
    consent_version = models.CharField(max_length=20, editable=False)
    client_hash = models.CharField(max_length=64, blank=True, editable=False)
    token = models.CharField(max_length=43, unique=True, default=new_token, editable=False)
    flags = models.JSONField(default=list, blank=True, editable=False)
    email_failed_at = models.DateTimeField("e-mail failed", null=True, blank=True, editable=False)

    submitted_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    reject_reason = models.CharField(max_length=20, choices=RejectReason.choices, blank=True, editable=False)
    moderator_note = models.TextField(blank=True, help_text="Only moderators see this.")

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "stories"
        permissions = [("moderate_story", "Can approve and reject stories")]
        indexes = [
            # The public list (newest first) and the admin queue (oldest first) read this one index.
            models.Index(fields=["status", "-submitted_at", "-id"], name="story_status_submitted"),
            models.Index(fields=["status", "condition", "-submitted_at"], name="story_status_condition"),
            # purge_stories: rejected stories by decision date.
            models.Index(fields=["status", "decided_at"], name="story_status_decided"),
        ]

    def __str__(self):
        # Readable in the admin and its history; a withdrawal rewrites the history's copies (withdraw()).
        if self.status == self.Status.WITHDRAWN:
            return f"Withdrawn story {self.pk}"
        return f"{self.title or Truncator(self.text).words(8)} (story {self.pk})"

    def get_absolute_url(self):
        return reverse("stories:detail", args=[self.pk])

    def get_status_url(self):
        return reverse("stories:status", args=[self.token])

    @property
    def has_urgent_flags(self):
        return any(flag["kind"] in URGENT_KINDS for flag in self.flags)

    @property
    def has_self_harm_flags(self):
        return any(flag["kind"] == "self_harm" for flag in self.flags)

    @property
    def reject_reason_sentence(self):
        return REJECT_REASON_SENTENCES.get(self.reject_reason, "")

    def unresolved_flags(self):
        """What screening finds in everything the story page would show as typed: name, title and text."""
        return [
            {**flag, "field": field}
            for field in ("display_name", "title", "text")
            for flag in find_flags(getattr(self, field))
        ]


@cache
def plain_labels():
    """The words a story's byline and "In brief" list show for each answer, looked up once per process.

    The month names are lazy translations: the site speaks one language (settings.LANGUAGE_CODE;
    nothing activates another), and translating them again for every byline took a tenth of a
    list page. The choices' labels are plain text, gathered here so every reader of them is alike.
    """
    choices = {
        "condition": Story.Condition.choices,
        "time_on_imuran": Story.TimeOnImuran.choices,
        "time_to_help": Story.TimeToHelp.choices,
        "age_band": Story.AgeBand.choices,
        "month": MONTHS.items(),
    }
    return {kind: MappingProxyType({value: str(label) for value, label in pairs}) for kind, pairs in choices.items()}


def local_time(moment):
    # In the site's time zone (settings.TIME_ZONE), which is the only one: nothing activates
    # another, so this skips asking for the current one (a tenth of a byline's time).
    return timezone.localtime(moment, timezone.get_default_timezone())


# What the author reads about a rejection, in their e-mail and on their status page.
REJECT_REASON_SENTENCES = {
    Story.RejectReason.IDENTIFIES_SOMEONE: "It names someone, or says enough that someone could be recognised.",
    Story.RejectReason.CONTACT_DETAILS: "It includes contact details or links, which we never publish.",
    Story.RejectReason.DOSING: "It gives doses or dosing instructions, which we never publish: "
    "the right dose is different for each person.",
    Story.RejectReason.STOP_TREATMENT: "It suggests stopping or changing treatment, "
    "which should only ever be decided with a care team.",
    Story.RejectReason.ADVERTISING: "It advertises a product or service.",
    Story.RejectReason.NOT_ABOUT_IMURAN: "It is not about living with Imuran (azathioprine).",
    Story.RejectReason.OFFENSIVE: "Parts of it could hurt or offend other readers.",
    Story.RejectReason.OTHER: "It does not follow our story guidelines.",
}


class StoryReport(models.Model):
    class Reason(models.TextChoices):
        PERSONAL_DETAILS = "personal-details", "It shows someone's name or contact details"
        MEDICAL_ADVICE = "medical-advice", "It gives doses or tells people to change treatment"
        ADVERTISING = "advertising", "It is advertising or spam"
        OFFENSIVE = "offensive", "It is offensive or upsetting"
        OTHER = "other", "Something else"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    resolved = models.BooleanField(
        default=False,
        help_text="Ticked when a moderator has dealt with it. Approving or rejecting the story does this.",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["resolved", "story"], name="storyreport_open")]

    def __str__(self):
        return f"Report {self.pk} on story {self.story_id}"


@receiver(post_delete, sender=Story)
def forget_pages_that_showed_a_deleted_story(sender, instance, **kwargs):
    # A signal, not delete(): the admin and purge_stories delete in bulk through the queryset.
    if instance.status == Story.Status.APPROVED:
        changed(Scope.STORIES)
