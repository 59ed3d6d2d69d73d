"""Whole-page cache for what anonymous readers see most.

Every cached page is stored under the current "content version". Anything that
changes what the public sees (publishing, unpublishing, a story decision) calls
public_content_changed(), which moves the version on: every process sharing the
cache (Redis in production) stops serving the old pages at once.
"""

import hashlib
import time
from functools import wraps

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.http import http_date

VERSION_KEY = "public-pages:version"
PAGE_TIMEOUT = 60 * 60

# The version this process saw last. A cache hit then costs one round trip:
# the version and the page under that version are fetched together.
_seen_version = None


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh cache starts from the clock, so it never reuses an old number.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def _bump():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def public_content_changed():
    """Forget every cached public page, once the current transaction commits."""
    transaction.on_commit(_bump)


def seconds_until(moment, default=PAGE_TIMEOUT):
    if moment is None:
        return default
    return max(0, min(default, int(moment.timestamp() - time.time())))


def _page_key(version, path):
    # Hashed: a query string may be long or hold characters a cache key must not.
    return f"public-page:{version}:{hashlib.blake2b(path.encode(), digest_size=16).hexdigest()}"


def _cached_page(path):
    global _seen_version
    guess = _seen_version
    found = cache.get_many([VERSION_KEY, _page_key(guess, path)]) if guess is not None else {}
    version = found.get(VERSION_KEY) or content_version()
    _seen_version = version
    if version == guess:
        return version, found.get(_page_key(version, path))
    return version, cache.get(_page_key(version, path))


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
        version, cached = _cached_page(request.get_full_path())
        if cached is not None:
            content, content_type, etag, rendered_at = cached
            response = HttpResponse(content, content_type=content_type)
        else:
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            content, rendered_at = response.content, time.time()
            etag = f'"{hashlib.blake2b(content, digest_size=16).hexdigest()}"'
            timeout = getattr(response, "cache_timeout", PAGE_TIMEOUT)
            if timeout > 0:
                page = (content, response["Content-Type"], etag, rendered_at)
                cache.set(_page_key(version, request.get_full_path()), page, timeout)
        # With these, ConditionalGetMiddleware answers a returning reader's
        # browser with a 304 instead of the whole page.
        response["ETag"] = etag
        response["Last-Modified"] = http_date(rendered_at)
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
        return response

    return wrapper
