"""Story cards for the story list and the home page, rendered in Python.

A list page shows twenty cards. Through the template engine (an include per card,
another for its byline, filters and a query for its side effects) the cards took
most of an uncached list page's time. As f-strings over rows fetched with two small
queries they cost a fraction of it (README, "How the pages stay fast"): format_html
and Truncator, which the cards used before, took three times as long again.
Everything a reader typed goes through html.escape, as a template would escape it.
"""

from collections import defaultdict
from dataclasses import make_dataclass
from html import escape

from django.http import Http404
from django.utils.safestring import mark_safe

from imuran_info.prepared import PreparedQuery
from pages.addresses import address_pattern
from stories.models import CARD_FIELDS, Story, StoryWords, side_effect_tags

EXCERPT_WORDS = 45


# A story as a list page's card shows it: a row of these columns, not a model instance.
STORY_CARD_COLUMNS = ("pk", *CARD_FIELDS)
StoryCard = make_dataclass("StoryCard", STORY_CARD_COLUMNS, bases=(StoryWords,), slots=True)


def _links(*story_ids):
    return Story.side_effects.through.objects.filter(story_id__in=story_ids).values_list("story_id", "sideeffect_id")


# Compiled once per process and number of stories (imuran_info/prepared.py).
links_of = PreparedQuery(_links)


def side_effects_of(stories):
    """{story id: [side-effect names]} for these stories, in the tags' own order: one query."""
    story_ids = [story.pk for story in stories]
    if not story_ids:
        return {}
    tags = side_effect_tags()
    names = {pk: name for pk, _, name in tags}
    order = {pk: position for position, (pk, _, _) in enumerate(tags)}
    found = defaultdict(list)
    for story_id, tag_id in sorted(links_of(*story_ids), key=lambda link: order[link[1]]):
        found[story_id].append(names[tag_id])
    return found


def with_side_effects(rows):
    """The story and its side-effect names from `rows`: one row per tag, from a LEFT JOIN
    annotated `tag_id`, so a story page costs a single round trip to the database."""
    if not rows:
        raise Http404("No such story.")
    tagged = {row.tag_id for row in rows}
    return rows[0], [name for tag_id, _, name in side_effect_tags() if tag_id in tagged]


def story_cards(stories, *, side_effects=None):
    """The cards, one <article> each; with `side_effects` (from side_effects_of) their tags too."""
    story_address = address_pattern("stories:detail", 1)
    return mark_safe(  # noqa: S308 (every value in a card is escaped by _card)
        "".join(
            _card(story, story_address.format(story.pk), (side_effects or {}).get(story.pk, ())) for story in stories
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
