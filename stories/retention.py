"""What the privacy notice promises to delete: rejected stories STORY_RETENTION_DAYS after the
decision, and the empty rows withdrawn stories leave behind (their text went at once)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from stories import throttle
from stories.models import Story
from stories.records import Decision, Resubmission


def purge(limit=None):
    """Delete what has expired, at most `limit` stories of each kind; return (rejected, withdrawn) counts.

    Also deletes e-mail addresses kept that long for a decision e-mail that never went, the
    resubmission checks of stories sent more than an hour ago, and last hours' rate-limit counts.
    """
    cutoff = timezone.now() - timedelta(days=settings.STORY_RETENTION_DAYS)
    rejected = Story.objects.filter(status=Story.Status.REJECTED, decided_at__lt=cutoff)
    withdrawn = Story.objects.filter(status=Story.Status.WITHDRAWN)
    deleted = _delete(rejected, limit), _delete(withdrawn, limit)
    forget_unusable_addresses(cutoff)
    Resubmission.objects.filter(created_at__lt=timezone.now() - timedelta(hours=1)).delete()
    throttle.forget_old_counts()
    return deleted


def forget_unusable_addresses(cutoff):
    unsent = list(Story.objects.filter(decided_at__lt=cutoff).exclude(email="").only("pk"))
    for story in unsent:
        Decision.record(story, Decision.Action.EMAIL_FORGOTTEN)
    Story.objects.filter(pk__in=[story.pk for story in unsent]).update(email="", email_failed_at=None)


def _delete(stories, limit):
    if limit is not None:
        stories = Story.objects.filter(pk__in=list(stories.order_by("pk").values_list("pk", flat=True)[:limit]))
    return stories.delete_counted()  # keeps the queue's counts exact


def describe(rejected, withdrawn):
    return (
        f"Deleted {rejected} rejected stories decided more than {settings.STORY_RETENTION_DAYS} days ago "
        f"and {withdrawn} withdrawn stories."
    )
