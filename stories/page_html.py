"""The story page and the story list's content, written as HTML in Python.

These are the two public pages a reader most often asks for that no cache holds yet: a
million stories, each page read rarely. Through the template engine, rendering them took a
third of an uncached story page's time (README, "The uncached rows"), so they are built here
as the story cards are (stories/cards.py), and set in the site's frame, base.html, rendered
once per process (pages/frame.py).

Every value a reader, a moderator or an editor wrote goes through html.escape, as a template
would escape it. Fixed parts (the notes under a story, the list's introduction) stay
templates, rendered once per process (site_part).
"""

from dataclasses import dataclass
from functools import cache
from html import escape
from urllib.parse import urlencode

from django.conf import settings
from django.utils.html import linebreaks

from pages.addresses import address, address_pattern, urls_in_use
from pages.frame import framed
from pages.templatetags.site_parts import site_part


def story_page(request, *, story, description, facts, themes):
    fixed = _story_parts() if settings.DEBUG else _kept_story_parts(*urls_in_use())
    parts = [
        fixed.opening,
        f'<h1 id="story-title" dir="auto">{escape(story.heading)}</h1>',
        f'<p class="story-meta">{escape(story.byline)}</p>',
        fixed.experience,
        # As {{ story.text|linebreaks }} wrote it: escaped, in paragraphs and line breaks.
        f'<div class="story-body" dir="auto">{linebreaks(story.text, autoescape=True)}</div>',
    ]
    if facts:
        answers = "".join(f"<dt>{escape(question)}</dt><dd>{escape(answer)}</dd>" for question, answer in facts)
        parts.append(f'<h2>In brief</h2>\n<dl class="story-facts">{answers}</dl>')
    if themes:
        links = "".join(f'<li><a href="{escape(theme["url"])}">{escape(theme["title"])}</a></li>' for theme in themes)
        parts += [
            '<h2 id="story-themes-title">Themes in this story</h2>',
            "<p>Each theme page gathers other people's stories about it"
            " and the parts of our guide that explain it.</p>",
            f'<ul class="story-themes" aria-labelledby="story-themes-title">{links}</ul>',
        ]
    parts += [fixed.report.format(story.pk), fixed.closing]
    return framed(
        request,
        title=escape(story.page_title),
        description=escape(description),
        content="\n".join(parts),
    )


@dataclass(frozen=True)
class _StoryParts:
    """What every story page shows around its story: links and notes, the same for each story."""

    opening: str
    experience: str
    report: str  # the report paragraph, a str.format() pattern for the story's number
    closing: str


def _story_parts():
    return _StoryParts(
        opening='<div class="wrap">\n<article class="story prose" aria-labelledby="story-title">\n'
        f'<p class="article-kicker"><a href="{address("stories:list")}">Patients\' stories</a></p>',
        experience=site_part("stories/includes/one_persons_experience.html"),
        report=(
            f'<p class="story-report"><a href="{address_pattern("stories:report", 1)}">Report this story</a>'
            f' if it breaks our <a href="{address("stories:guidelines")}">story guidelines</a>.</p>'
        ),
        closing=f"</article>\n{site_part('stories/includes/more_stories.html')}\n</div>",
    )


@cache
def _kept_story_parts(prefix, urlconf):
    # Made once per process, for the script prefix and URLconf its links follow (as site parts
    # are): asking for those two thread-local values once per link, six times a page, had cost
    # an uncached story page 3% of its time. In development (DEBUG) the notes' templates may
    # change while the server runs, so story_page makes the parts every time.
    return _story_parts()


def list_page(request, *, filter_fields, filtered, page=None, cards="", total=0, missing_page=False, status=200):
    """A page of the story list; `page` None when there is no page to show (a bad filter or position)."""
    show_all = address("stories:list")
    if missing_page:
        results = (
            "<p>There is no such page of stories. It may be an old link."
            f' <a href="{show_all}">See the newest stories</a>.</p>'
        )
    elif page:
        results = (
            f'<p class="results-count">{total:,} stor{"y" if total == 1 else "ies"} found'
            f"{' with these filters' if filtered else ''}, newest first.\n"
            f"      This page shows stories shared {escape(page.shared)}.</p>\n{cards}"
        )
    elif page is not None:
        see_all = f', or <a href="{show_all}">see all stories</a>' if filtered else ""
        results = f'<p>No stories match yet. <a href="{address("stories:share")}">Share yours</a>{see_all}.</p>'
    else:
        results = ""
    parts = [
        '<div class="wrap">',
        site_part("stories/includes/list_intro.html"),
        f'<form class="story-filters" method="get" action="{show_all}" aria-labelledby="filters-title">',
        '<h2 id="filters-title">Find stories</h2>',
        filter_fields,
        '<button type="submit">Show stories</button>',
        f'<a class="clear-filters" href="{show_all}">Show all stories</a>' if filtered else "",
        "</form>",
        '<section aria-labelledby="results-title">',
        '<h2 id="results-title" class="visually-hidden">Stories</h2>',
        results,
        "</section>",
        _pagination(request, page) if page is not None else "",
        "</div>",
    ]
    return framed(
        request,
        title="Patients' stories" + (" (older stories)" if page and not page.is_first else ""),
        description=(
            "Experiences of Imuran (azathioprine) shared by patients and carers,"
            " each read by a moderator before it appears."
        ),
        content="\n".join(parts),
        status=status,
    )


def _pagination(request, page):
    links = []
    if newer := page.newer_position:
        links.append(f'<li><a rel="prev" href="{_query(request, before=None, after=newer)}">Newer stories</a></li>')
    if not page.is_first:
        links.append(f'<li><a href="{_query(request, before=None, after=None)}">Newest stories</a></li>')
    if older := page.older_position:
        links.append(f'<li><a rel="next" href="{_query(request, after=None, before=older)}">Older stories</a></li>')
    if not (newer or older):
        return ""
    return f'<nav class="pagination" aria-label="More stories">\n<ul>{"".join(links)}</ul>\n</nav>'


def _query(request, **changes):
    # The page's own query with `changes` made (None drops a parameter), as {% querystring %}
    # writes it; a plain dict, since copying the QueryDict cost more than the rest of the links.
    params = dict(request.GET.lists())
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = [str(value)]
    return escape("?" + urlencode(params, doseq=True)) if params or request.GET else ""
