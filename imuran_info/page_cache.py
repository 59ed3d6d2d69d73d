"""Whole-page cache for what anonymous readers see most.

Every cached page is stored under the current "content version". Anything that
changes what the public sees (publishing, unpublishing, a story decision) calls
public_content_changed(), which moves the version on: every process sharing the
cache (Redis in production) stops serving the old pages.

Each process also keeps its own copy of the pages it served last, and asks the
shared cache for the version at most once every PAGE_CACHE_RECHECK_SECONDS. A
hit then needs no network at all, which is what lets a cached page keep up with
a view that does nothing (issue 7). The price is bounded: after a change made
through another process, this one may serve the old page for up to that many
seconds. The process that made the change sees it at once.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.http import http_date

VERSION_KEY = "public-pages:version"
PAGE_TIMEOUT = 60 * 60
# Pages each process keeps; at about 25 KB a page that is at most ~12 MB a process.
LOCAL_PAGES = 500


class ProcessCopy:
    """The content version this process saw last, when it asked, and its most recently served pages."""

    def __init__(self):
        # The development server and the browser tests' live server answer in threads.
        self._lock = threading.Lock()
        self.forget()

    def forget(self):
        with self._lock:
            self.version = None
            self._asked_at = float("-inf")
            self._pages = OrderedDict()

    def known_version(self):
        """The version, if it was confirmed recently enough to trust without asking."""
        if time.monotonic() - self._asked_at < settings.PAGE_CACHE_RECHECK_SECONDS:
            return self.version
        return None

    def saw(self, version, asked_at):
        """Take the version the shared cache gave to a question asked at `asked_at`
        (time.monotonic()); return the version this process now holds."""
        with self._lock:
            # If another thread holds a newer answer, perhaps the bump of a publish
            # that committed while this question was on its way, that one stands.
            if asked_at >= self._asked_at:
                if version != self.version:
                    self._pages.clear()  # every page of the old version is out of date
                self.version, self._asked_at = version, asked_at
            return self.version

    def page(self, version, path):
        with self._lock:
            page = self._pages.get(path) if version == self.version else None
            if page is None:
                return None
            if page[-1] <= time.time():  # a page may expire early, e.g. when an article is scheduled
                del self._pages[path]
                return None
            self._pages.move_to_end(path)
            return page

    def keep(self, version, path, page):
        with self._lock:
            if version != self.version:
                return
            self._pages[path] = page
            self._pages.move_to_end(path)
            if len(self._pages) > LOCAL_PAGES:
                self._pages.popitem(last=False)


process_copy = ProcessCopy()


def content_version():
    version = process_copy.known_version()
    if version is None:
        asked_at = time.monotonic()
        version = cache.get(VERSION_KEY)
        if version is None:
            # A fresh cache starts from the clock, so it never reuses an old number.
            cache.add(VERSION_KEY, time.time_ns(), timeout=None)
            version = cache.get(VERSION_KEY)
        version = process_copy.saw(version, asked_at)
    return version


def _bump():
    asked_at = time.monotonic()
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:
        version = time.time_ns()
        cache.set(VERSION_KEY, version, timeout=None)
    process_copy.saw(version, asked_at)


def public_content_changed():
    """Forget every cached public page, once the current transaction commits."""
    transaction.on_commit(_bump)


def seconds_until(moment, default=PAGE_TIMEOUT):
    if moment is None:
        return default
    return max(0, min(default, int(moment.timestamp() - time.time())))


def _page_key(version, path):
    # Hashed: a query string may be long or hold characters a cache key must not.
    # "v2" is the layout of the stored tuple: change it with the layout, so a
    # deploy never reads pages an older release stored.
    return f"public-page:v2:{version}:{hashlib.blake2b(path.encode(), digest_size=16).hexdigest()}"


def _cached_page(path):
    """The current version and the page for path under it (None if not cached)."""
    version = process_copy.known_version()
    if version is None and process_copy.version is not None:
        # Time to confirm the version. If this process lacks the page, ask for
        # it too, under the version it last saw: one round trip either way.
        guess = process_copy.version
        page = process_copy.page(guess, path)
        keys = [VERSION_KEY] if page is not None else [VERSION_KEY, _page_key(guess, path)]
        asked_at = time.monotonic()
        found = cache.get_many(keys)
        if VERSION_KEY in found and process_copy.saw(found[VERSION_KEY], asked_at) == guess:
            if page is None:
                page = found.get(_page_key(guess, path))
                if page is not None:
                    process_copy.keep(guess, path, page)
            return guess, page
    version = content_version()
    page = process_copy.page(version, path)
    if page is None:
        page = cache.get(_page_key(version, path))
        if page is not None:
            process_copy.keep(version, path, page)
    return version, page


def cached_public_page(view):
    """Serve the page from the cache to anonymous readers.

    A view may shorten its page's life with `response.cache_timeout` (seconds),
    e.g. until a scheduled article goes live.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # Staff see previews and banners, and a page showing a one-off
        # message ("Thank you...") must never be served to someone else.
        if request.method != "GET" or request.user.is_authenticated or len(get_messages(request)):
            return view(request, *args, **kwargs)
        path = request.get_full_path()
        version, cached = _cached_page(path)
        if cached is not None:
            content, content_type, etag, rendered_at, _ = cached
            response = HttpResponse(content, content_type=content_type)
        else:
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            content, rendered_at = response.content, time.time()
            etag = f'"{hashlib.blake2b(content, digest_size=16).hexdigest()}"'
            timeout = getattr(response, "cache_timeout", PAGE_TIMEOUT)
            if timeout > 0:
                page = (content, response["Content-Type"], etag, rendered_at, rendered_at + timeout)
                cache.set(_page_key(version, path), page, timeout)
                process_copy.keep(version, path, page)
        # With these, ConditionalGetMiddleware answers a returning reader's
        # browser with a 304 instead of the whole page.
        response["ETag"] = etag
        response["Last-Modified"] = http_date(rendered_at)
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
        return response

    return wrapper
