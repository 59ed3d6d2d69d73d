"""What the privacy notice promises to delete: rejected stories STORY_RETENTION_DAYS after the
decision, and the empty rows withdrawn stories leave behind (their text went at once)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from stories.models import Story


def purge(limit=None):
    """Delete what has expired, at most `limit` stories of each kind; return (rejected, withdrawn) counts."""
    cutoff = timezone.now() - timedelta(days=settings.STORY_RETENTION_DAYS)
    rejected = Story.objects.filter(status=Story.Status.REJECTED, decided_at__lt=cutoff)
    withdrawn = Story.objects.filter(status=Story.Status.WITHDRAWN)
    return _delete(rejected, limit), _delete(withdrawn, limit)


def _delete(stories, limit):
    if limit is not None:
        stories = Story.objects.filter(pk__in=list(stories.order_by("pk").values_list("pk", flat=True)[:limit]))
    _, counts = stories.delete()
    return counts.get("stories.Story", 0)


def describe(rejected, withdrawn):
    return (
        f"Deleted {rejected} rejected stories decided more than {settings.STORY_RETENTION_DAYS} days ago "
        f"and {withdrawn} withdrawn stories."
    )
