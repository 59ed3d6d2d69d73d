"""Whole public pages, kept by each process and served to anonymous readers.

A page is stored with the generations of the scopes it shows (page_cache/generations.py)
and served only while they are current. Nothing here talks to Redis: a cache outage
cannot touch a page, and an invalidation cannot be lost on the way.

Only the query parameters a page reads make a distinct page; any other address
is redirected to the canonical one, so nobody can fill memory with copies.
"""

import gzip
import hashlib
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.utils.encoding import escape_uri_path
from django.utils.http import http_date

from imuran_info import metrics
from page_cache.generations import known

PAGE_SECONDS = 60 * 60
# Pages each process keeps; at about 30 KB a page (and its gzip copy) that is ~15 MB.
LOCAL_PAGES = 500
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


@dataclass(frozen=True)
class Page:
    stamp: tuple
    expires_at: float
    content: bytes
    gzipped: bytes
    content_type: str
    etag: str
    rendered_at: float


class ProcessPages:
    """The pages this process served most recently, up to LOCAL_PAGES."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pages = OrderedDict()

    def clear(self):
        with self._lock:
            self._pages.clear()

    def get(self, key, stamp):
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if page.stamp != stamp or page.expires_at <= time.time():
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return page

    def keep(self, key, page):
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > LOCAL_PAGES:
                self._pages.popitem(last=False)


pages = ProcessPages()


def seconds_until(moment, default=PAGE_SECONDS):
    """A page's lifetime when it must change at `moment` (say, a scheduled article goes live)."""
    if moment is None:
        return default
    return max(0, min(default, int(moment.timestamp() - time.time())))


def canonical_query(query, params):
    """The query string with only `params`, each once, non-empty, in the order given."""
    return urlencode([(name, query[name]) for name in params if query.get(name)])


def is_anonymous_reader(request):
    # Decided from the cookies alone: touching the session would make every page
    # vary by cookie. Staff see previews and banners, and a page that shows a
    # one-off message ("Thank you...") must never be served to someone else.
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def public_page(*, scopes, params=()):
    """Serve the view's page from this process's copy to anonymous readers.

    `scopes`: the parts of the site the page shows; a change to any of them
    retires the page. `params`: the query parameters the view reads. A view may
    shorten its page's life with `response.cache_timeout` (seconds; 0 = never
    store), e.g. until a scheduled article goes live or for an invalid filter.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            started = time.time()
            query = canonical_query(request.GET, params)
            if request.method in ("GET", "HEAD") and query != request.META.get("QUERY_STRING", ""):
                return HttpResponsePermanentRedirect(escape_uri_path(request.path) + (f"?{query}" if query else ""))
            if not is_anonymous_reader(request):
                response = view(request, *args, **kwargs)
                response["X-Page-Cache"] = "bypass"
                return response
            # Read before the view reads any content: a page is then never older than its stamp.
            generations = known.current()
            stamp = tuple(generations.get(scope, 0) for scope in scopes)
            key = (request.path, query)
            page = pages.get(key, stamp)
            if page is None:
                response = view(request, *args, **kwargs)
                page = _storable(request, response, stamp)
                if page is None:
                    response["X-Page-Cache"] = "bypass"
                    return response
                pages.keep(key, page)
                result = "miss"
                metrics.page_cache_miss()
            else:
                result = "hit"
                metrics.page_cache_hit()
            return _respond(request, page, result, started)

        return wrapper

    return decorator


def _storable(request, response, stamp):
    timeout = getattr(response, "cache_timeout", PAGE_SECONDS)
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or timeout <= 0
        # A page that used a form token is one reader's: never store or compress it.
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    ):
        return None
    content, now = response.content, time.time()
    return Page(
        stamp=stamp,
        expires_at=now + timeout,
        content=content,
        # Compressed once, when stored. The page holds no secret (no form token, no
        # private data), so compression gives a BREACH attacker nothing to measure.
        gzipped=gzip.compress(content, compresslevel=6, mtime=0),
        content_type=response["Content-Type"],
        etag=hashlib.blake2b(content, digest_size=16).hexdigest(),
        rendered_at=now,
    )


def _respond(request, page, result, started):
    compressed = bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
    response = HttpResponse(page.gzipped if compressed else page.content, content_type=page.content_type)
    if compressed:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    # With these, ConditionalGetMiddleware answers a returning reader's browser
    # with a 304 instead of the whole page.
    response["ETag"] = f'"{page.etag}{"-gzip" if compressed else ""}"'
    response["Last-Modified"] = http_date(page.rendered_at)
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    # The front server (nginx) may keep this answer until one second after the
    # request began, never longer: a change reaches readers at most a second later.
    response["X-Accel-Expires"] = f"@{int(started) + 1}"
    response["X-Page-Cache"] = result
    return response
