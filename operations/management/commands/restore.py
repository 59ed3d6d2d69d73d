import tarfile

from django.core.management.base import BaseCommand, CommandError

from operations import backup


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty database and media folder, and check every row and file "
        "against the backup (`make restore FILE=...` also re-applies withdrawals and the purge)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a backup written by `manage.py backup`")
        parser.add_argument(
            "--check-only", action="store_true", help="only check the file against its manifest; restore nothing"
        )

    def handle(self, *args, file, check_only, **options):
        try:
            if check_only:
                with tarfile.open(file) as tar:
                    manifest = backup.read_manifest(tar)
                    backup.check(tar, manifest)
            else:
                manifest = backup.restore(file)
        except (backup.BackupError, OSError, tarfile.TarError) as error:
            raise CommandError(str(error)) from error
        tables = manifest["database"]["tables"]
        rows = sum(table["rows"] for table in tables.values())
        done = "Checked" if check_only else "Restored and checked"
        self.stdout.write(
            f"{done}: backup of {manifest['created_at']}, {len(tables)} tables, {rows} rows, "
            f"{len(manifest['media'])} uploaded files."
        )
