"""Story cards for the story list and the home page, rendered in Python.

A list page shows twenty cards. Through the template engine (an include per card,
another for its byline, filters and a query for its side effects) the cards took
most of an uncached list page's time; as format_html calls on rows fetched with
two small queries they cost a fraction of it (README, "How the pages stay fast").
Everything a reader typed is escaped by format_html, as a template would.
"""

from collections import defaultdict

from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from stories.models import Story, side_effect_tags

EXCERPT_WORDS = 45
ADDRESS_MARKER = 987654321


def side_effects_of(stories):
    """{story id: [side-effect names]} for these stories, in the tags' own order: one query."""
    tags = side_effect_tags()
    names = {pk: name for pk, _, name in tags}
    order = {pk: position for position, (pk, _, _) in enumerate(tags)}
    links = Story.side_effects.through.objects.filter(story_id__in=[story.pk for story in stories])
    found = defaultdict(list)
    for story_id, tag_id in sorted(links.values_list("story_id", "sideeffect_id"), key=lambda link: order[link[1]]):
        found[story_id].append(names[tag_id])
    return found


def story_with_side_effects(stories, pk):
    """The story `pk` among `stories` and its side-effect names, in one query (404 if absent).

    One row per tag (a LEFT JOIN), so a story page costs a single round trip to the database.
    """
    rows = list(stories.filter(pk=pk).annotate(tag_id=F("side_effects")))
    if not rows:
        raise Http404("No such story.")
    tagged = {row.tag_id for row in rows}
    return rows[0], [name for tag_id, _, name in side_effect_tags() if tag_id in tagged]


def story_cards(stories, *, side_effects=None):
    """The cards, one <article> each; with `side_effects` (from side_effects_of) their tags too."""
    # Addresses differ only by the story's number: reverse() once, not once per card.
    address = reverse("stories:detail", args=[ADDRESS_MARKER]).replace(str(ADDRESS_MARKER), "{}")
    return mark_safe(  # noqa: S308 (built by format_html)
        "".join(_card(story, address.format(story.pk), (side_effects or {}).get(story.pk, ())) for story in stories)
    )


def _card(story, url, tags):
    tag_list = ""
    if tags:
        tag_list = format_html(
            '<p class="story-tags"><span class="visually-hidden">Side effects: </span>{}</p>',
            format_html_join("", '<span class="tag">{}</span>', ((name,) for name in tags)),
        )
    return format_html(
        '<article class="story-card" aria-labelledby="story-{pk}-title">'
        '<h3 id="story-{pk}-title" dir="auto"><a href="{url}">{heading}</a></h3>'
        '<p class="story-meta">{byline}</p>'
        '<p dir="auto">{excerpt}</p>{tags}</article>',
        pk=story.pk,
        url=url,
        heading=story.heading,
        byline=story.byline,
        excerpt=Truncator(story.text).words(EXCERPT_WORDS, truncate=" …"),
        tags=tag_list,
    )
