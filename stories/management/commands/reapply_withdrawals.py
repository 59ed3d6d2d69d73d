"""After restoring a backup: withdraw again every story withdrawn since that backup was made."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stories import withdrawal_log
from stories.models import Story

CHUNK = 500


class Command(BaseCommand):
    help = "Withdraw again every story the withdrawal log names (run after a restore, before purge_stories)."

    def add_arguments(self, parser):
        parser.add_argument(
            "logs", nargs="*", help="withdrawal logs to read (default: STORY_WITHDRAWAL_LOG), e.g. a newer backup's"
        )

    def handle(self, *args, logs, **options):
        wanted = {}
        for path in logs or [settings.STORY_WITHDRAWAL_LOG]:
            try:
                wanted |= withdrawal_log.read(path)
            except FileNotFoundError:
                if logs:
                    raise CommandError(f"No withdrawal log at {path}.") from None
                self.stdout.write(f"No withdrawal log at {path}: no story was withdrawn on this server.")
        ids, withdrawn = sorted(wanted), 0
        for start in range(0, len(ids), CHUNK):
            stories = Story.objects.filter(pk__in=ids[start : start + CHUNK]).exclude(status=Story.Status.WITHDRAWN)
            for story in stories:
                # The id alone could name a different story, if ids were reused after the restore.
                if withdrawal_log.token_digest(story.token) == wanted[story.pk]:
                    story.withdraw()
                    withdrawn += 1
        self.stdout.write(f"Withdrew {withdrawn} stories again ({len(wanted)} withdrawals in the log).")
