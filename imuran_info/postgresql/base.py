"""Django's PostgreSQL backend, with a health check that costs no round trip.

With CONN_HEALTH_CHECKS, Django asks a kept connection `SELECT 1` before each request's first
query, so that a connection the server has dropped (a restart, a failover) is replaced before
a reader's page fails on it. On an uncached story page that check cost as much as the page's
own query. A server that ends a connection, gracefully or not, tells the client: a notice
before it goes, or the end of the stream. Either makes the idle socket readable, and an idle
connection the server has said nothing on is as usable as a `SELECT 1` would prove it.

What neither check can see in advance (the machine gone without a word) fails that request
with the friendly 503, and Django closes the broken connection when the request ends.
"""

import select

import psycopg2.extensions
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is None or self.connection.closed:
            return False
        if self.connection.get_transaction_status() != psycopg2.extensions.TRANSACTION_STATUS_IDLE:
            # Mid-transaction (or a query outstanding): only asking the server can tell.
            return super().is_usable()
        try:
            waiting = select.poll()  # poll, not select: select refuses descriptors past 1023
            waiting.register(self.connection.fileno(), select.POLLIN)
            said_something = bool(waiting.poll(0))
        except (OSError, ValueError):
            return super().is_usable()
        return not said_something
