"""Load the shipped articles from articles/content/*.md.

Creates the articles that are not in the database yet. An article that is
already there is brought up to the new shipped text only if nobody has changed
it since an earlier shipped text was loaded (articles/shipped.py); anything an
editor touched, or took offline, is left exactly as it is. So running this
again (every `make run` does) never undoes an editor's work.
"""

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand

from articles.shipped import CONTENT_DIR, load, parse_content_file, shipped_articles

__all__ = ["CONTENT_DIR", "Command", "parse_content_file"]

SAYS = {
    "updated": "updated to the new shipped text and published, with a note in its history",
    "kept": "left as it is: an editor has changed it, or it is offline",
}


class Command(BaseCommand):
    help = (
        "Create the shipped articles that are not in the database yet, and bring untouched earlier shipped "
        "texts up to date. Never changes an article an editor has changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--content-dir", type=Path, default=CONTENT_DIR)
        parser.add_argument(
            "--fingerprints",
            action="store_true",
            help="Only print each file's fingerprint: add it to the file's earlier_versions before you edit the text.",
        )

    def handle(self, *args, content_dir, fingerprints, **options):
        shipped = shipped_articles(content_dir)
        if fingerprints:
            for article in shipped:
                self.stdout.write(f"{article.slug} {article.fingerprint}")
            return
        counts = Counter()
        for article in shipped:
            outcome = load(article)
            counts[outcome] += 1
            if outcome in SAYS:
                self.stdout.write(f"{article.slug}: {SAYS[outcome]}.")
        self.stdout.write(
            f"Initial content: {counts['created']} article(s) created, {counts['updated']} updated, "
            f"{counts['current']} already up to date, {counts['kept']} left as editors have them."
        )
