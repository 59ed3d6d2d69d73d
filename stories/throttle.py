"""Who is sending, as a keyed hash, and how often: the limit on stories and reports per client.

Counts live in the Django cache, so with Redis configured every app process shares them.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

WINDOW_SECONDS = 60 * 60


def client_address(request):
    if settings.STORY_TRUST_X_FORWARDED_FOR:
        # Our proxy appends the address it saw; anything before it the client could have typed.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")


def client_hash(request):
    # Keyed with SECRET_KEY: without the key nobody can test guessed addresses against it.
    return salted_hmac("stories.client", client_address(request), algorithm="sha256").hexdigest()


def _key(scope, client):
    return f"stories:{scope}:{client}"


def is_over_limit(scope, client):
    return cache.get(_key(scope, client), 0) >= settings.STORY_RATE_LIMIT


def record(scope, client):
    key = _key(scope, client)
    # add() starts the hour only for the first one; incr() is atomic in Redis.
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # the hour ended between add() and incr()
        cache.set(key, 1, timeout=WINDOW_SECONDS)
