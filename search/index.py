"""Keeping the search index in step with what patients can read.

Articles: their live text is cut into sections at each "##"/"###" heading. Called by
Article.publish() and unpublish() inside their transaction, beside page_cache's
changed(), so the index and the pages move together. A deleted article's sections go
with it (on delete cascade).

Stories need no call: on PostgreSQL their index is an expression index over the
stories table itself (stories migration 0005), which the database keeps current with
every approval, redaction and withdrawal in the same transaction.
"""

import html
import re

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Value
from django.utils.html import strip_tags

from search.models import Section, Synonym, Word
from search.text import STOP_WORDS, words

HEADING = re.compile(r'<h([23]) id="([^"]*)">(.*?)</h\1>', re.DOTALL)
# Words shorter than this are not worth suggesting as a spelling.
MIN_VOCABULARY_WORD = 4


def _plain(fragment):
    return " ".join(html.unescape(strip_tags(fragment)).split())


def sections_of(title, summary, body_html):
    """[(anchor, heading, text)] of one article's live HTML; the text above the first heading comes first."""
    found, start = [], 0
    anchor, heading, intro = "", title, summary
    for match in HEADING.finditer(body_html):
        found.append((anchor, heading, _plain(intro + " " + body_html[start : match.start()])))
        anchor, heading, intro, start = match.group(2), _plain(match.group(3)), "", match.end()
    found.append((anchor, heading, _plain(intro + " " + body_html[start:])))
    return [section for section in found if section[2] or section[0]]


def index_article(article, *, models=(Section, Word, Synonym)):
    """Replace the article's sections with those of its live copy (none once it is unpublished).

    `models`: the migrations pass their historical models.
    """
    Section = models[0]  # noqa: N806
    Section.objects.filter(article=article).delete()
    live = article.live or {}
    if article.status == "published" and live:
        title = live.get("title", article.title)
        Section.objects.bulk_create(
            Section(article=article, position=number, anchor=anchor, heading=heading, article_title=title, text=text)
            for number, (anchor, heading, text) in enumerate(
                sections_of(title, live.get("summary", ""), live.get("body_html", ""))
            )
        )
        if connection.vendor == "postgresql":
            Section.objects.filter(article=article).update(
                vector=SearchVector("heading", weight="A", config="english")
                + SearchVector(Value(title), weight="B", config="english")
                + SearchVector("text", weight="D", config="english")
            )
    rebuild_vocabulary(models=models)


def rebuild_vocabulary(*, models=(Section, Word, Synonym)):
    """Every word of the indexed sections and the synonyms: what "Did you mean" may suggest."""
    Section, Word, Synonym = models  # noqa: N806
    vocabulary = set()
    for row in Section.objects.values_list("heading", "article_title", "text"):
        vocabulary.update(words(" ".join(row)))
    for synonym_words, means in Synonym.objects.values_list("words", "means"):
        vocabulary.update(words(synonym_words + " " + means))
    vocabulary = {w for w in vocabulary if len(w) >= MIN_VOCABULARY_WORD and w not in STOP_WORDS and w.isalpha()}
    existing = set(Word.objects.values_list("word", flat=True))
    Word.objects.filter(word__in=existing - vocabulary).delete()
    Word.objects.bulk_create([Word(word=w) for w in sorted(vocabulary - existing)], ignore_conflicts=True)
