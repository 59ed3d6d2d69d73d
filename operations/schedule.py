"""Jobs the site runs for itself, on a schedule, with no cron.

Ordinary requests drive the clock, as scheduled publishing needs no cron: once a response is
ready, each process looks at most every SCHEDULED_JOBS_CHECK_SECONDS for a job that is due.
One UPDATE claims the run (only one process across all servers wins it), and the job runs
before that one response leaves, in batches small enough not to keep it long. Health checks
never run jobs, nor do pages the page store answers before any middleware runs (page_cache/);
Prometheus's scrapes and every other request do.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from operations.models import ScheduledJob
from stories import retention

logger = logging.getLogger(__name__)

# The first run on a long backlog is split, so no request waits for thousands of deletions.
PURGE_BATCH = 1000


@dataclass(frozen=True)
class Job:
    every: timedelta
    run: Callable  # (limit) -> (rows deleted, outcome sentence, whether more is left)


def _purge_stories(limit):
    rejected, withdrawn = retention.purge(limit)
    more_left = limit is not None and limit in (rejected, withdrawn)
    return rejected + withdrawn, retention.describe(rejected, withdrawn), more_left


JOBS = {ScheduledJob.PURGE_STORIES: Job(every=timedelta(days=1), run=_purge_stories)}


class _Clock:
    """When this process may next look for due jobs (a monotonic time)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.next_look = 0.0

    def time_to_look(self):
        with self._lock:
            now = time.monotonic()
            if now < self.next_look:
                return False
            self.next_look = now + settings.SCHEDULED_JOBS_CHECK_SECONDS
            return True


clock = _Clock()


def claim(name):
    """True for exactly one caller once the job is due, whichever process or server asks."""
    now = timezone.now()
    ScheduledJob.objects.get_or_create(name=name, defaults={"next_run_at": now})
    due = ScheduledJob.objects.filter(name=name, next_run_at__lte=now)
    return due.update(next_run_at=now + JOBS[name].every) == 1


def run(name, *, limit=None):
    """Run the job now and record the outcome; return the outcome sentence."""
    job = JOBS[name]
    started = timezone.now()
    ScheduledJob.objects.update_or_create(
        name=name, defaults={"started_at": started, "next_run_at": started + job.every}
    )
    try:
        rows, outcome, more_left = job.run(limit)
    except Exception:
        ScheduledJob.objects.filter(name=name).update(
            finished_at=timezone.now(), succeeded=False, rows_deleted=0, outcome="Failed: see the error log."
        )
        raise
    changes = {"finished_at": timezone.now(), "succeeded": True, "rows_deleted": rows, "outcome": outcome}
    if more_left:
        changes["next_run_at"] = started  # due again at the next look
    ScheduledJob.objects.filter(name=name).update(**changes)
    logger.info("Scheduled job %s: %s", name, outcome)
    return outcome


def run_due_jobs():
    if not settings.SCHEDULED_JOBS or not clock.time_to_look():
        return
    for name in JOBS:
        try:
            if claim(name):
                run(name, limit=PURGE_BATCH)
        except Exception:
            # A job must never cost a visitor their page; the admin shows the failure.
            logger.exception("Scheduled job %s failed", name)


HEALTH_PATHS = ("/healthz", "/readyz")


def scheduled_jobs_middleware(get_response):
    """After each answer, run whatever job is due (see the module's docstring)."""

    def middleware(request):
        response = get_response(request)
        if not request.path.startswith(HEALTH_PATHS):
            run_due_jobs()
        return response

    return middleware
