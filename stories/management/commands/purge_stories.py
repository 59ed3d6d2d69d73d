"""Delete what the privacy notice promises to delete. Run it daily from cron."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from stories.models import Story


class Command(BaseCommand):
    help = "Delete rejected stories older than STORY_RETENTION_DAYS and the empty rows left by withdrawn ones."

    def handle(self, *args, **options):
        days = settings.STORY_RETENTION_DAYS
        cutoff = timezone.now() - timedelta(days=days)
        rejected = Story.objects.filter(status=Story.Status.REJECTED, decided_at__lt=cutoff)
        withdrawn = Story.objects.filter(status=Story.Status.WITHDRAWN)
        _, rejected_counts = rejected.delete()
        _, withdrawn_counts = withdrawn.delete()
        self.stdout.write(
            f"Deleted {rejected_counts.get('stories.Story', 0)} rejected stories decided more than {days} days ago "
            f"and {withdrawn_counts.get('stories.Story', 0)} withdrawn stories."
        )
