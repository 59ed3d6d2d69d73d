"""The articles we ship in articles/content/*.md, and bringing existing databases up to date.

A database loaded earlier holds an older shipped text. We replace it with the
new one only when nobody has touched it: its draft and its live copy must both
still be exactly a text we shipped before. Each file's front matter lists the
fingerprints of those earlier texts under `earlier_versions`. An article that an
editor changed in any way (title, summary, body, references, the urgent-help
boxes), or took offline, is never overwritten.

When you change a shipped file, first add the fingerprint of its current text
to `earlier_versions` (`python manage.py load_initial_content --fingerprints`
prints them), then edit it and describe the change in `change_note`.
"""

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import reversion
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, Reference

CONTENT_DIR = Path(__file__).resolve().parent / "content"
# Front-matter keys that describe the shipped file itself, not fields of the article.
SHIPPING_KEYS = ("earlier_versions", "change_note")


def parse_content_file(path):
    """TOML front matter between "+++" lines, then the Markdown body."""
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


def fingerprint(*, title, summary, body, show_urgent_help, references):
    """A short digest of everything an editor can change in an article's text."""
    content = {
        "title": title.strip(),
        "summary": summary.strip(),
        # Browsers send "\r\n"; a save that changed nothing else is still the same text.
        "body": body.replace("\r\n", "\n").strip(),
        "show_urgent_help": bool(show_urgent_help),
        "references": [[ref["title"].strip(), ref["publisher"].strip(), ref["url"].strip()] for ref in references],
    }
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


@dataclass
class ShippedArticle:
    slug: str
    fields: dict
    references: list
    earlier_versions: set = field(default_factory=set)
    change_note: str = ""

    @classmethod
    def from_file(cls, path):
        meta, body = parse_content_file(path)
        earlier = set(meta.pop("earlier_versions", []))
        note = meta.pop("change_note", "")
        references = meta.pop("references", [])
        return cls(meta["slug"], {**meta, "body": body}, references, earlier, note)

    @property
    def fingerprint(self):
        return fingerprint(
            title=self.fields["title"],
            summary=self.fields["summary"],
            body=self.fields["body"],
            show_urgent_help=self.fields.get("show_urgent_help", False),
            references=self.references,
        )


def draft_fingerprint(article):
    return fingerprint(
        title=article.title,
        summary=article.summary,
        body=article.body,
        show_urgent_help=article.show_urgent_help,
        references=article.references.values("title", "publisher", "url"),
    )


def shipped_articles(content_dir=CONTENT_DIR):
    return [ShippedArticle.from_file(path) for path in sorted(content_dir.glob("*.md"))]


def _save_references(article, references):
    Reference.objects.bulk_create(
        Reference(article=article, position=number, **reference) for number, reference in enumerate(references, start=1)
    )


@transaction.atomic
def create(shipped):
    with reversion.create_revision():
        reversion.set_comment("First published.")
        # The editors' check of a new page is the day it goes live here (last_reviewed defaults to today).
        article = Article.objects.create(**shipped.fields)
        _save_references(article, shipped.references)
        article.publish(note="First published.")
    return article


def load(shipped):
    """Create, update or keep one shipped article; say which ("created", "updated", "current" or "kept")."""
    article = Article.objects.filter(slug=shipped.slug).first()
    if article is None:
        create(shipped)
        return "created"
    # Only a live article whose draft is its live copy can still be an untouched shipped text.
    untouched = article.status == Article.Status.PUBLISHED and not article.has_unpublished_changes
    current = draft_fingerprint(article) if untouched else None
    if current == shipped.fingerprint:
        return "current"
    if current in shipped.earlier_versions:
        update(article, shipped)
        return "updated"
    return "kept"


@transaction.atomic
def update(article, shipped, *, today=None):
    """Replace an unedited earlier shipped text with the new one, as a revision with a note, and publish it."""
    note = shipped.change_note or "Updated to the new text from the editorial team."
    with reversion.create_revision():
        reversion.set_comment(f"Shipped update: {note}")
        for name in ["title", "summary", "body", "show_urgent_help"]:
            setattr(article, name, shipped.fields.get(name, getattr(article, name)))
        # The new text was checked by the editors who wrote it: that is the check shown on the page.
        article.last_reviewed = today or timezone.localdate()
        article.next_review_due = max(article.next_review_due, _as_date(shipped.fields["next_review_due"]))
        article.references.all().delete()
        _save_references(article, shipped.references)
        article.save()
        article.publish(note=note)
    return article


def _as_date(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value))
