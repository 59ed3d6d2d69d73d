"""Whole public pages, kept by each process and served to anonymous readers.

Two parts, as in Django's own cache middleware:

- `public_page` marks a view's answer as a public page: the scopes it shows (a change to any
  of them retires it, page_cache/generations.py) and the query parameters it reads. Any other
  address is redirected to the canonical one, so nobody can fill memory with copies.
- `page_store_middleware`, the first middleware, keeps such an answer as the whole stack
  finished it (security headers included) and serves it again to anonymous readers before
  any other middleware runs: a stored page costs about what a bare Django view costs.

A page is kept only if the request came from an anonymous reader (no session or messages
cookie) and the answer is a 200 that sets no cookie, used no form token and is not private.

Nothing here talks to Redis: a cache outage cannot touch a page, and an invalidation cannot
be lost on the way.
"""

import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import cc_delim_re, get_conditional_response
from django.utils.encoding import escape_uri_path
from django.utils.http import http_date, parse_http_date
from zlib_ng import gzip_ng

from imuran_info import logs, metrics
from page_cache.generations import known

PAGE_SECONDS = 60 * 60
# Pages each process keeps; at about 30 KB a page (and its gzip copy) that is ~15 MB.
LOCAL_PAGES = 500
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Headers that belong to one answer, not to the page: set afresh each time it is served.
PER_ANSWER_HEADERS = {
    "cache-control",
    "content-encoding",
    "content-length",
    "date",
    "etag",
    "expires",
    "last-modified",
    "vary",
    "x-accel-expires",
    "x-page-cache",
    "x-request-id",
}


@dataclass(frozen=True)
class Entry:
    """What `public_page` tells the page store about a view's answer."""

    key: tuple
    scopes: tuple
    stamp: tuple
    on_hit: Callable | None


@dataclass(frozen=True)
class Copy:
    """One way a kept page is sent: its bytes and every header that does not change per answer."""

    body: bytes
    headers: tuple


@dataclass(frozen=True)
class Page:
    key: tuple
    scopes: tuple
    stamp: tuple
    expires_at: float
    plain: Copy
    gzipped: Copy
    on_hit: Callable | None = None

    def is_current(self, generations):
        return self.stamp == stamp(generations, self.scopes) and self.expires_at > time.time()


def stamp(generations, scopes):
    return tuple(generations.get(scope, 0) for scope in scopes)


class ProcessPages:
    """The pages this process served most recently, up to LOCAL_PAGES."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pages = OrderedDict()

    def clear(self):
        with self._lock:
            self._pages.clear()

    def get(self, key, generations):
        """The page kept under `key`, if what it shows is still current.

        `generations()` gives the current ones; it is asked only when a page is kept
        under `key`, so an address with no page (a health check) never reads them.
        """
        with self._lock:
            page = self._pages.get(key)
        if page is None:
            return None
        current = page.is_current(generations())
        with self._lock:
            if self._pages.get(key) is not page:
                return None  # replaced or dropped meanwhile by another thread
            if not current:
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return page

    def keep(self, page):
        with self._lock:
            self._pages[page.key] = page
            self._pages.move_to_end(page.key)
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


def public_page(*, scopes, params=(), on_hit=None):
    """Let the page store keep the view's page and serve it to anonymous readers.

    `scopes`: the parts of the site the page shows; a change to any of them
    retires the page. `params`: the query parameters the view reads. `on_hit(request)`
    runs for each reader served the stored page (the view itself does not run).
    A view may shorten its page's life with `response.cache_timeout` (seconds;
    0 = never store), e.g. until a scheduled article goes live or for an invalid filter.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            query = canonical_query(request.GET, params)
            if request.method in ("GET", "HEAD") and query != request.META.get("QUERY_STRING", ""):
                return HttpResponsePermanentRedirect(escape_uri_path(request.path) + (f"?{query}" if query else ""))
            if not is_anonymous_reader(request):
                response = view(request, *args, **kwargs)
                response["X-Page-Cache"] = "bypass"
                return response
            # Read before the view reads any content: a page is then never older than its stamp.
            generations = known.current()
            response = view(request, *args, **kwargs)
            response.page_cache_entry = Entry((request.path, query), tuple(scopes), stamp(generations, scopes), on_hit)
            return response

        return wrapper

    return decorator


def page_store_middleware(get_response):
    """The first middleware: serves kept pages, and keeps the pages `public_page` marks."""

    def middleware(request):
        started = time.time()
        if is_anonymous_reader(request) and _others_would_answer(request):
            page = pages.get((request.path, request.META.get("QUERY_STRING", "")), known.current)
            if page is not None:
                request_id = logs.start_request(request)  # before on_hit, which may log
                metrics.page_cache_hit()
                if page.on_hit:
                    page.on_hit(request)
                return _respond(request, page, "hit", started, request_id)
        response = get_response(request)
        entry = getattr(response, "page_cache_entry", None)
        if entry is None:
            return response
        if not keeps(request, response):
            response["X-Page-Cache"] = "bypass"
            return response
        page = _page(response, entry)
        pages.keep(page)
        metrics.page_cache_miss()
        return _respond(request, page, "miss", started, logs.start_request(request))

    return middleware


class PageStoreAwareConditionalGetMiddleware(ConditionalGetMiddleware):
    """Django's ETags and 304s for every answer except a page the page store keeps.

    The store, outside this middleware, hashes such a page once when it keeps it and answers a
    returning reader's conditional request itself (_respond); Django's md5 of the same bytes
    was thrown away (README, "The uncached rows", change 10). Every middleware that can make an
    answer unfit to keep (cookies, Vary, Cache-Control) sits inside this one, so `keeps` says
    here what the store will decide.
    """

    def process_response(self, request, response):
        if keeps(request, response):
            return response
        return super().process_response(request, response)


def _others_would_answer(request):
    # The middleware behind this one refuses a host that is not allowed (the friendly 400
    # page) and plain HTTP where HTTPS is required (a redirect): a kept page must not skip them.
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return False
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True


def keeps(request, response):
    """Whether the page store keeps this answer: one `public_page` marked for an anonymous reader, fit to share."""
    if getattr(response, "page_cache_entry", None) is None:
        return False
    timeout = getattr(response, "cache_timeout", PAGE_SECONDS)
    cache_control = {word.split("=")[0].strip().lower() for word in response.get("Cache-Control", "").split(",")}
    varies_by = {word.lower() for word in cc_delim_re.split(response.get("Vary", "")) if word}
    return not (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or "Set-Cookie" in response
        or timeout <= 0
        # A page that used a form token is one reader's: never store or compress it.
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        # Whatever marked the answer private, or already encoded it, knows better than a store.
        or cache_control & {"private", "no-store", "no-cache"}
        or "Content-Encoding" in response
        # The store's key is the address: an answer that differs by anything else is not kept.
        or varies_by - {"cookie", "accept-encoding"}
    )


def _page(response, entry):
    timeout = getattr(response, "cache_timeout", PAGE_SECONDS)
    content, now = response.content, time.time()
    # Kept with the headers the whole middleware stack gave the first answer (type, security
    # policy...) and those that belong to the page, so serving it again only copies them.
    kept = tuple((name, value) for name, value in response.items() if name.lower() not in PER_ANSWER_HEADERS)
    etag = hashlib.blake2b(content, digest_size=16).hexdigest()
    vary = ", ".join(dict.fromkeys([*filter(None, cc_delim_re.split(response.get("Vary", ""))), "Accept-Encoding"]))
    last_modified = http_date(now)

    def copy(body, etag, encoding=()):
        return Copy(
            body,
            (
                *kept,
                *encoding,
                ("Vary", vary),
                ("Content-Length", str(len(body))),
                ("ETag", f'"{etag}"'),
                ("Last-Modified", last_modified),
                ("Cache-Control", "public, max-age=0, must-revalidate"),
            ),
        )

    return Page(
        key=entry.key,
        scopes=entry.scopes,
        stamp=entry.stamp,
        expires_at=now + timeout,
        plain=copy(content, etag),
        # Compressed once, when stored. The page holds no secret (no form token, no
        # private data), so compression gives a BREACH attacker nothing to measure.
        # zlib-ng: the same gzip, no larger than zlib's, at a third of the CPU; zlib took
        # an eighth of an uncached list page (README, "The uncached rows").
        gzipped=copy(
            gzip_ng.compress(content, compresslevel=6, mtime=0), f"{etag}-gzip", [("Content-Encoding", "gzip")]
        ),
        on_hit=entry.on_hit,
    )


def _respond(request, page, result, started, request_id):
    copy = page.gzipped if ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else page.plain
    response = HttpResponse(copy.body, headers=dict(copy.headers))
    # The front server (nginx) may keep this answer until the second in which the request
    # began has passed, never longer: a change reaches readers at most a second later.
    # nginx counts whole seconds and treats "@T" as current through all of second T.
    response["X-Accel-Expires"] = f"@{int(started)}"
    response["X-Page-Cache"] = result
    response["X-Request-ID"] = request_id
    if "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META:
        # A returning reader's browser that holds this very page gets a 304 instead.
        not_modified = get_conditional_response(
            request, etag=response["ETag"], last_modified=parse_http_date(response["Last-Modified"]), response=response
        )
        if not_modified is not response:
            not_modified["X-Request-ID"] = request_id
            return not_modified
    return response
