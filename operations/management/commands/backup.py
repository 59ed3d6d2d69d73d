from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from operations import backup


class Command(BaseCommand):
    help = "Write a consistent, timestamped backup of the database and uploaded files (`make backup`)."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", default=settings.BACKUP_DIR, help="folder to write to (BACKUP_DIR)")

    def handle(self, *args, output_dir, **options):
        try:
            archive = backup.create(output_dir)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(archive))
