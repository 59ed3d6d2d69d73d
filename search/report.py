"""The content-gap report: how often each normalised query was searched each week.

Only (week, query, searches, results) is ever stored: no address, session, browser or
time. A query that holds an e-mail address or a long number (a phone or NHS number)
is not stored at all. Counts gather in this process and are written in one statement
at most every FLUSH_SECONDS, so a search costs no write of its own; a worker that
stops loses at most that many seconds of counts, which a weekly report can spare.
"""

import datetime
import re
import threading
import time

from django.db import DatabaseError, connection
from django.utils import timezone

from search.models import WeeklySearch

FLUSH_SECONDS = 30
FLUSH_QUERIES = 100
PERSONAL = re.compile(r"[^\s@]+@[^\s@]+|(?:\d[\s./-]?){6,}")

_lock = threading.Lock()
_pending = {}  # (week, query) -> [searches, results or None]
_last_flush = time.monotonic()


def this_week():
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday())


def storable(query):
    return bool(query) and not PERSONAL.search(query)


def count(query, results=None):
    """Count one search of a normalised query; `results` is None when the page came from the cache."""
    if not storable(query):
        return
    with _lock:
        entry = _pending.setdefault((this_week(), query[: WeeklySearch._meta.get_field("query").max_length]), [0, None])
        entry[0] += 1
        if results is not None:
            entry[1] = results
        due = len(_pending) >= FLUSH_QUERIES or time.monotonic() - _last_flush >= FLUSH_SECONDS
    if due:
        flush()


def forget():
    """Drop the counts gathered here and not yet written (tests)."""
    with _lock:
        _pending.clear()


def flush():
    """Add the counts gathered here to the table, in one statement."""
    global _last_flush
    with _lock:
        rows = [(week, query, n, results) for (week, query), (n, results) in _pending.items()]
        _pending.clear()
        _last_flush = time.monotonic()
    if not rows:
        return
    # The table's own name, spelt out: every value is a parameter.
    sql = (
        "INSERT INTO search_weeklysearch (week, query, searches, results) VALUES (%s, %s, %s, COALESCE(%s, 0)) "
        "ON CONFLICT (week, query) DO UPDATE SET searches = search_weeklysearch.searches + excluded.searches, "
        "results = CASE WHEN %s IS NULL THEN search_weeklysearch.results ELSE excluded.results END"
    )
    try:
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(week, query, n, results, results) for week, query, n, results in rows])
    except DatabaseError:
        pass  # a report count is never worth a failed search page
