"""Health checks for load balancers and the front server.

/healthz: the process answers (no database, no cache). /readyz: the database answers one
cheap query (503 if not); a cache that fails (or whose circuit breaker is open, see
imuran_info/redis_breaker.py) makes it "degraded" but still 200, so a cache
outage never takes every instance out of the load balancer at once. Neither is cached, uses
the session, sets a cookie or says anything about versions or settings.
"""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

PROBE_KEY = "readyz:probe"


def _answer(text, status=200):
    return HttpResponse(f"{text}\n", content_type="text/plain; charset=utf-8", status=status)


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning("readyz: the database did not answer (%s)", type(error).__name__)
        return False
    return True


def cache_answers():
    # Any answer, True or False, means the cache works. django-redis with IGNORE_EXCEPTIONS
    # turns an error, or the circuit breaker's "skip Redis", into None; other backends raise.
    try:
        answer = cache.has_key(PROBE_KEY)
    except Exception as error:  # any backend, any failure
        logger.warning("readyz: the cache did not answer (%s)", type(error).__name__)
        return False
    return answer is not None


@never_cache
def healthz(request):
    return _answer("ok")


@never_cache
def readyz(request):
    if not database_answers():
        return _answer("unavailable: database", status=503)
    if not cache_answers():
        return _answer("degraded: cache")
    return _answer("ok")
