"""The site's frame (base.html) around a page's own content, rendered once per process.

Around a story page, or a page of the story list, base.html is the same every time but for
the title, the description, the canonical link and any one-off message. Rendering it through
the template engine, with the page's content, cost a third of an uncached story page (README,
"The uncached rows"), so `framed()` renders it once per process, with a marker where each of
those goes, and each page then only fills them in. The frame is base.html itself: a change to
it reaches these pages as it reaches every other.

Everything filled in must already be HTML: a caller escapes what a reader or editor wrote.
The frame is rendered without a request, once for every reader: base.html may show nothing that
depends on the request or the reader outside these slots, and may use each slot once only (a
page then fails at once, in every test that opens a story).
"""

import re
from functools import cache
from html import escape

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from imuran_info.context_processors import canonical_url, site_wide
from pages.addresses import urls_in_use

SLOTS = ("title", "description", "canonical_url", "messages", "content")
# Characters no template writes: the frame is cut at each marker, and nothing else can match.
_MARKER = re.compile("\x00(" + "|".join(SLOTS) + ")\x00")


def framed(request, *, title, description, content, status=200):
    """The whole page: `title`, `description` and `content` (HTML) in the site's frame."""
    pieces = _frame(*urls_in_use()) if not settings.DEBUG else _cut(_render_frame())
    values = {
        "title": title,
        "description": description,
        "canonical_url": escape(canonical_url(request)),
        "messages": _messages(request),
        "content": content,
    }
    # pieces: fixed HTML, a slot's name, fixed HTML, a slot's name ... fixed HTML.
    html = "".join(values[piece] if position % 2 else piece for position, piece in enumerate(pieces))
    return HttpResponse(html, status=status)


def _messages(request):
    # Only a reader sent here after doing something (reporting a story) has a message: for
    # everyone else asking the storage is all it costs.
    found = get_messages(request)
    return render_to_string("includes/messages.html", {"messages": found}) if found else ""


@cache
def _frame(prefix, urlconf):
    # Its links follow the script prefix and URLconf it is rendered under, as site parts do.
    return _cut(_render_frame())


def _render_frame():
    markers = {slot: mark_safe(f"\x00{slot}\x00") for slot in SLOTS}  # noqa: S308 (fixed markers)
    return render_to_string("frame.html", {**site_wide(), **markers})


def _cut(html):
    pieces = _MARKER.split(html)
    if sorted(pieces[1::2]) != sorted(SLOTS):
        raise ValueError("frame.html must show each slot exactly once: " + ", ".join(SLOTS))
    return tuple(pieces)
