"""Story cards for the story list and the home page, rendered in Python.

A list page shows twenty cards. Through the template engine (an include per card,
another for its byline, filters and a query for its side effects) the cards took
most of an uncached list page's time. As f-strings over rows fetched with one query
they cost a fraction of it (README, "How the pages stay fast"): format_html and
Truncator, which the cards used before, took three times as long again.
Everything a reader typed goes through html.escape, as a template would escape it.
"""

from dataclasses import make_dataclass
from html import escape

from django.db.models import CharField, Value
from django.utils.safestring import mark_safe

from imuran_info.joined_ids import joined_ids, split_ids
from page_cache.generations import Scope, remember_until_changed
from pages.addresses import address_pattern
from stories.models import CARD_FIELDS, FACT_FIELDS, Story, StoryWords, side_effect_tags

EXCERPT_WORDS = 45


def side_effect_ids():
    """For annotate(): each story's side-effect tag ids as one string, "3,7" (None without any)."""
    return joined_ids(Story.side_effects.through.objects, "sideeffect_id", "story_id")


def tag_names(joined, tags=None):
    """The names of the tags whose ids `joined` holds (side_effect_ids(): "3,7"), in the tags' own order.

    `tags`: named_tags(), when the caller asks for many stories' names.
    """
    if not joined:
        return []
    ids = split_ids(joined)
    return [name for pk, name in tags or named_tags() if pk in ids]


@remember_until_changed(Scope.STORIES)
def named_tags():
    """(id as the query writes it, name) of every side-effect tag, in order."""
    return tuple((str(pk), name) for pk, _, name in side_effect_tags())


# A story as a card shows it: a row of these columns, not a model instance, with its side-effect
# tag ids in the same query (fetched apart, they cost an uncached list page a second round trip
# and 3% more of its own instructions; README, "The uncached rows").
STORY_CARD_COLUMNS = ("pk", *CARD_FIELDS, "side_effect_ids")
StoryCard = make_dataclass("StoryCard", STORY_CARD_COLUMNS, bases=(StoryWords,), slots=True)
# A story as its own page shows it: the card's columns, its "In brief" answers and the ids of its
# themes (None when the query did not ask). As a model instance of all its public columns, the
# story page's query took twice the CPU: 160 µs against 80 (README, "The uncached rows").
STORY_PAGE_COLUMNS = ("pk", *CARD_FIELDS, *FACT_FIELDS, "side_effect_ids", "theme_ids")
StoryPageRow = make_dataclass("StoryPageRow", STORY_PAGE_COLUMNS, bases=(StoryWords,), slots=True)


def card_rows(stories, *, tags=True):
    """The stories as rows of STORY_CARD_COLUMNS (make each a StoryCard): one query, however many.

    `tags`: with each story's side-effect tag ids, which its card then shows (else None).
    """
    ids = side_effect_ids() if tags else Value(None, output_field=CharField())
    return stories.annotate(side_effect_ids=ids).values_list(*STORY_CARD_COLUMNS)


def first_cards(stories, count, *, tags=True):
    """The first `count` of the stories (a QuerySet, in its order) as StoryCards."""
    return [StoryCard(*row) for row in card_rows(stories, tags=tags)[:count]]


def story_cards(cards):
    """One <article> for each StoryCard, with the side effects its row carries."""
    story_address = address_pattern("stories:detail", 1)
    # Looked up once for all the cards, and only when one has tags to name.
    every_tag = named_tags() if any(card.side_effect_ids for card in cards) else []
    return mark_safe(  # noqa: S308 (every value in a card is escaped by _card)
        "".join(
            _card(card, story_address.format(card.pk), tag_names(card.side_effect_ids, every_tag)) for card in cards
        )
    )


def excerpt(text, words=EXCERPT_WORDS):
    """The first `words` words of the text, with " …" when there is more (as Truncator.words)."""
    # Split no further than needed: anything past `words` words stays one piece.
    found = text.split(maxsplit=words)
    return " ".join(found[:words]) + (" …" if len(found) > words else "")


def _card(story, url, tags):
    tag_list = ""
    if tags:
        names = "".join(f'<span class="tag">{escape(name)}</span>' for name in tags)
        tag_list = f'<p class="story-tags"><span class="visually-hidden">Side effects: </span>{names}</p>'
    pk = story.pk
    return (
        f'<article class="story-card" aria-labelledby="story-{pk}-title">'
        f'<h3 id="story-{pk}-title" dir="auto"><a href="{escape(url)}">{escape(story.heading)}</a></h3>'
        f'<p class="story-meta">{escape(story.byline)}</p>'
        f'<p dir="auto">{escape(excerpt(story.text))}</p>{tag_list}</article>'
    )
