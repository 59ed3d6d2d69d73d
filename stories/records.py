"""Small tables beside the stories: the decision log, the queue counts and the clients' counters."""

from django.conf import settings
from django.db import connection, models
from django.db.models import F
from django.utils import timezone

from imuran_info.formats import site_datetime


class Decision(models.Model):
    """One line of a story's history: who did what, when and why. Never changed, never holds story text."""

    class Action(models.TextChoices):
        APPROVED = "approved", "Approved and published"
        REJECTED = "rejected", "Rejected"
        REDACTED = "redacted", "Edited"
        WITHDRAWN = "withdrawn", "Withdrawn by its author"
        EMAIL_SENT = "email-sent", "Author told by e-mail"
        EMAIL_FAILED = "email-failed", "E-mail to the author failed"
        EMAIL_FORGOTTEN = "email-forgotten", "E-mail address deleted unsent (retention period)"

    # No foreign-key constraint and no cascade: the log outlives the story it describes.
    story = models.ForeignKey(
        "stories.Story", on_delete=models.DO_NOTHING, db_constraint=False, related_name="decisions"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    # The name is kept as written: the log still says who decided after their account is gone.
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    by_name = models.CharField("by", max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=20, blank=True)
    # Labels only (flag kinds, field names, an error's type); never the words of the story.
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["story", "at"], name="decision_story_at")]

    def __str__(self):
        return f"{self.get_action_display()} ({site_datetime(self.at)})"

    @classmethod
    def record(cls, story, action, *, by=None, reason="", detail=""):
        return cls.objects.create(
            story_id=story.pk,
            action=action,
            by=by,
            by_name=by.get_username() if by else "",
            reason=reason,
            detail=detail[:300],
        )


class QueueCount(models.Model):
    """How many stories have each status, kept exact by every workflow step that changes one.

    Counting a million rows on each view of the queue takes a fifth of a second;
    reading four rows takes nothing. Each step updates the rows in the same
    transaction as the story, always in the same order, so no two steps deadlock.
    """

    status = models.CharField(max_length=10, primary_key=True)
    count = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.status}: {self.count}"

    @classmethod
    def move(cls, steps):
        """Apply {status: change} for the statuses a step left and entered."""
        for status, change in sorted(steps.items()):
            if not (status and change):
                continue
            if not cls.objects.filter(status=status).update(count=F("count") + change):
                # The migration makes every row; a database emptied since (a test's flush) gets it back.
                cls.objects.bulk_create([cls(status=status, count=0)], ignore_conflicts=True)
                cls.objects.filter(status=status).update(count=F("count") + change)

    @classmethod
    def as_dict(cls):
        return dict(cls.objects.values_list("status", "count"))

    @classmethod
    def recount(cls):
        """Count again from the stories, after a bulk import (the benchmark's seed) or a repair."""
        from stories.models import Story

        counts = dict(Story.objects.order_by().values_list("status").annotate(models.Count("id")))
        for status in Story.Status.values:
            cls.objects.update_or_create(status=status, defaults={"count": counts.get(status, 0)})


class ClientCount(models.Model):
    """Submissions from one client (a keyed hash) in one hour, for the rate limits.

    Kept in the database rather than the cache: one atomic statement counts and
    answers, so concurrent requests can never both take the last place; nothing
    evicts a counter; and a stopped or full Redis cannot turn a form into a 500.
    """

    scope = models.CharField(max_length=20)
    client = models.CharField(max_length=64)
    hour = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "client", "hour"], name="clientcount_unique")]

    def __str__(self):
        return f"{self.scope} {self.hour}: {self.count}"

    @classmethod
    def add_one(cls, scope, client, hour):
        """Count one more and return the new count, in one statement (PostgreSQL and SQLite alike)."""
        quote = connection.ops.quote_name
        table = quote(cls._meta.db_table)
        count = quote("count")
        # Names from the model, values as parameters.
        sql = (
            f"INSERT INTO {table} (scope, client, hour, {count}) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (scope, client, hour) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [scope, client, hour])
            return cursor.fetchone()[0]


class Resubmission(models.Model):
    """A keyed hash of a new story's words and sender, for a few minutes: the same story sent twice is one.

    Its own small table, so the unique index never has to be built over the stories.
    """

    fingerprint = models.CharField(max_length=64, unique=True)
    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"Resubmission check for story {self.story_id}"
