"""The story insights page on a cache miss (issue 16 item 3): its view's own time, in this process.

Every sample forgets the process's remembered counts and pages first, as a story
decision does, so each one runs the grouped queries over every approved story
and renders the page. It runs against the benchmark's database before the
servers start, one request at a time, so nothing else is measured with it.
"""

import statistics
import time

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

SAMPLES = 5
TARGET_MS = 100  # at 1,000,000 stories


def cache_miss_times(samples=SAMPLES):
    from insights.views import insights_page
    from page_cache.generations import known
    from page_cache.pages import pages

    path = reverse("insights:insights")
    times, queries = [], 0
    for _ in range(samples + 1):  # the first warms the connection and the templates
        known.forget()
        pages.clear()
        request = RequestFactory().get(path)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = insights_page(request)
            elapsed = (time.perf_counter() - started) * 1000
        # Called past the page store, the view renders every time; the mark says it made a public page.
        if response.status_code != 200 or not hasattr(response, "page_cache_entry"):
            raise RuntimeError(f"{path} answered {response.status_code} while timing it, not a public page.")
        times.append(elapsed)
        queries = len(captured)
    times = times[1:]
    return {
        "path": path,
        "count": samples,
        "p50_ms": statistics.median(times),
        "max_ms": max(times),
        "queries": queries,
        "target_ms": TARGET_MS,
    }
