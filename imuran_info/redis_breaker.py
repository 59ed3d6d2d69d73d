"""A circuit breaker for the Redis cache: after a failure, skip Redis for a few seconds.

django-redis (with IGNORE_EXCEPTIONS) already turns a failed call into "not cached",
and the socket timeouts bound each wait. Without a breaker, a frozen Redis would
still cost every request that timeout; with it, one request per process pays it,
and the others skip Redis at once until REDIS_BREAKER_SECONDS have passed.
"""

import logging
import threading
import time

from django.conf import settings
from redis import ConnectionPool
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)


class CircuitBreakerPool(ConnectionPool):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._breaker_lock = threading.Lock()
        self._skip_until = 0.0

    @property
    def is_open(self):
        return time.monotonic() < self._skip_until

    def trip(self):
        with self._breaker_lock:
            if not self.is_open:
                logger.warning("Redis failed; skipping it for %g s", settings.REDIS_BREAKER_SECONDS)
            self._skip_until = time.monotonic() + settings.REDIS_BREAKER_SECONDS

    def get_connection(self, *args, **kwargs):
        if self.is_open:
            raise ConnectionError("Redis is skipped for a few seconds after a failure.")
        try:
            return super().get_connection(*args, **kwargs)
        except (ConnectionError, TimeoutError, OSError):
            self.trip()
            raise

    def release(self, connection):
        # redis-py disconnects a connection whose command failed (a timeout, a
        # reset) before handing it back; a healthy one comes back connected.
        if not connection.is_connected:
            self.trip()
        super().release(connection)
