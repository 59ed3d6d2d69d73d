"""Load the shipped articles from articles/content/*.md.

Each file is TOML front matter between "+++" lines, then the Markdown body.
An article whose slug is already in the database is left exactly as it is, so
running this again (every `make run` does) never undoes an editor's work.
"""

import tomllib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Article, Reference

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"


def parse_content_file(path):
    text = path.read_text(encoding="utf-8")
    try:
        _, front_matter, body = text.split("+++\n", 2)
    except ValueError:
        raise CommandError(f"{path.name}: expected TOML front matter between two '+++' lines.") from None
    try:
        meta = tomllib.loads(front_matter)
    except tomllib.TOMLDecodeError as error:
        raise CommandError(f"{path.name}: {error}") from error
    return meta, body.strip() + "\n"


class Command(BaseCommand):
    help = "Create the shipped articles that are not in the database yet. Never changes existing ones."

    def add_arguments(self, parser):
        parser.add_argument("--content-dir", type=Path, default=CONTENT_DIR)

    @transaction.atomic
    def handle(self, *args, content_dir, **options):
        created = kept = 0
        for path in sorted(content_dir.glob("*.md")):
            meta, body = parse_content_file(path)
            if Article.objects.filter(slug=meta["slug"]).exists():
                kept += 1
                continue
            references = meta.pop("references", [])
            article = Article.objects.create(body=body, **meta)
            Reference.objects.bulk_create(
                Reference(article=article, position=number, **reference)
                for number, reference in enumerate(references, start=1)
            )
            article.publish(note="First published.")
            created += 1
        self.stdout.write(f"Initial content: {created} article(s) created, {kept} already present and left unchanged.")
