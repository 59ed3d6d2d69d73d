"""Delete what the privacy notice promises to delete. The site also runs this by itself once a
day (operations/schedule.py); run it by hand after restoring a backup."""

from django.core.management.base import BaseCommand

from operations import schedule
from operations.models import ScheduledJob


class Command(BaseCommand):
    help = "Delete rejected stories older than STORY_RETENTION_DAYS and the empty rows left by withdrawn ones."

    def handle(self, *args, **options):
        # Recorded like a scheduled run, so the admin shows when retention last ran, whoever ran it.
        self.stdout.write(schedule.run(ScheduledJob.PURGE_STORIES))
