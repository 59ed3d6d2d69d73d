"""Which generation of each part of the public site this process believes is current.

`changed()` moves a scope's number inside the transaction that changes its content,
so the change and the news of it commit together or not at all. Each process
reads the numbers again at most every PAGE_CACHE_RECHECK_SECONDS (one small
query); in between, a cached page costs no query and no network trip at all.
"""

import threading
import time
from functools import wraps

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F

from page_cache.models import Generation

Scope = Generation.Scope


def changed(*scopes):
    """Record that what the public sees in these scopes changed.

    Call it inside the transaction that makes the change: if that rolls back,
    so does this. Once it commits, this process reads the new numbers at once;
    other processes within PAGE_CACHE_RECHECK_SECONDS.
    """
    unknown = set(scopes) - set(Scope.values)
    if not scopes or unknown:
        raise ValueError(f"Unknown page-cache scope(s): {sorted(unknown) or 'none given'}")
    moved = Generation.objects.filter(scope__in=scopes).update(number=F("number") + 1)
    if moved < len(set(scopes)):
        # A database emptied by hand (or by a test) lost its rows: start them again.
        for scope in scopes:
            Generation.objects.get_or_create(scope=scope, defaults={"number": 1})
    transaction.on_commit(known.changed_here)


class KnownGenerations:
    def __init__(self):
        # The development server and the browser tests' live server answer in threads.
        self._lock = threading.Lock()
        self.forget()

    def forget(self):
        with self._lock:
            # Also retires every remembered answer (remember_until_changed), which tests rely on.
            self.epoch = getattr(self, "epoch", 0) + 1
            self._numbers = {}
            self._asked_at = float("-inf")
            self._changes_here = 0

    def changed_here(self):
        """A change made by this process has committed: read the numbers again on the next request."""
        with self._lock:
            self._asked_at = float("-inf")
            self._changes_here += 1

    def current(self):
        """{scope: number}, read from the database when the last reading is too old."""
        if time.monotonic() - self._asked_at < settings.PAGE_CACHE_RECHECK_SECONDS:
            return self._numbers
        try:
            return self.refresh()
        except DatabaseError:
            if not self._numbers:
                raise
            # Nothing can change while the database is out of reach, so the pages in
            # hand are still right: keep serving them, and ask again after the interval.
            with self._lock:
                self._asked_at = time.monotonic()
            return self._numbers

    def refresh(self):
        asked_at, changes_before = time.monotonic(), self._changes_here
        fresh = dict(Generation.objects.values_list("scope", "number"))
        with self._lock:
            # If another thread of this process committed a change while this answer was
            # on its way, the answer may predate it: use it for this request only.
            if self._changes_here == changes_before:
                self._numbers, self._asked_at = fresh, asked_at
        return fresh


known = KnownGenerations()


def remember_until_changed(scope, max_entries=1024):
    """Keep a function's answers in this process until `scope`'s generation moves.

    For small answers that every page of a scope needs (the side-effect tags, a
    filter's story count): computed once per change, not once per page.
    """

    def decorator(compute):
        answers, lock = {}, threading.Lock()

        @wraps(compute)
        def wrapper(*args):
            generation = (known.epoch, known.current().get(scope, 0))
            key = (generation, *args)
            if key in answers:
                return answers[key]
            answer = compute(*args)
            with lock:
                if len(answers) >= max_entries or any(old[0] != generation for old in answers):
                    answers.clear()
                answers[key] = answer
            return answer

        return wrapper

    return decorator
