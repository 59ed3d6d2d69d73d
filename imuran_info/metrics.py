"""Prometheus metrics at /metrics, for allowed addresses and staff only.

Requests by view (count, latency, status) are recorded by `view_metrics_middleware` below, in
the three metrics django-prometheus defines for them, except the pages this process serves
from its page store before any middleware runs (page_cache/pages.py): those are counted once
each, as page-cache hits. This module adds what only the site knows: page-cache hits and
misses, failed mails (counted where they happen, through the functions below), and the
moderation queue (read from the database at each scrape, so every process reports the same).

Under gunicorn each worker counts in files under PROMETHEUS_MULTIPROC_DIR (set up by
imuran_info/gunicorn_conf.py) and a scrape adds them up; without it, each process counts alone.
"""

import ipaddress
import logging
import os
import time
from timeit import default_timer

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Min
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django_prometheus.middleware import Metrics
from prometheus_client import REGISTRY, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

logger = logging.getLogger(__name__)

_page_cache = Counter(
    "imuran_page_cache_requests", "Anonymous page requests the page cache answered (hit) or not (miss).", ["result"]
)
_page_cache_hits = _page_cache.labels(result="hit")
_page_cache_misses = _page_cache.labels(result="miss")
_mail_failures = Counter("imuran_mail_failures", "E-mails that could not be handed to the mail server.")


METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "OPTIONS", "CONNECT", "PATCH"}


def view_metrics_middleware(get_response):
    """Counts each request and its latency by view, and each response by status and view.

    These are the three request metrics the README lists and its alert uses, with
    django-prometheus's names and labels. Its own two middlewares write seventeen values for
    every request (body sizes, charsets, transports...), 9% of an uncached story page's
    instructions (README, "The uncached rows"); nothing here needs the other fourteen.
    """
    metrics = Metrics.get_instance()
    # labels() checks its arguments and takes a lock on every call: each combination of labels
    # (a few hundred at most: views, methods, statuses) is looked up once per process.
    children = {}

    def counters(view, transport, method, status):
        key = (view, transport, method, status)
        if key not in children:
            children[key] = (
                transport and metrics.requests_by_view_transport_method.labels(view, transport, method),
                metrics.responses_by_status_view_method.labels(status, view, method),
                metrics.requests_latency_by_view_method.labels(view, method),
            )
        return children[key]

    def middleware(request):
        started = default_timer()
        response = get_response(request)
        # A view that raised has already become its error page: it is counted by that status.
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else None) or "<unnamed view>"
        method = request.method if request.method in METHODS else "<invalid method>"
        # A request no URL matched is counted by its status only, as django-prometheus does.
        transport = ("https" if request.is_secure() else "http") if match else None
        requests, responses, latency = counters(view, transport, method, str(response.status_code))
        if requests:
            requests.inc()
        responses.inc()
        latency.observe(default_timer() - started)
        return response

    return middleware


def page_cache_hit():
    _page_cache_hits.inc()


def page_cache_miss():
    _page_cache_misses.inc()


def mail_failed():
    _mail_failures.inc()


class SiteCollector:
    """Figures read from the database when Prometheus asks: two cheap, indexed queries."""

    def collect(self):
        from operations.models import ScheduledJob
        from stories.models import Story

        try:
            pending = Story.objects.filter(status=Story.Status.PENDING)
            queue = pending.aggregate(waiting=Count("id"), oldest=Min("submitted_at"))
            purge = ScheduledJob.objects.filter(name=ScheduledJob.PURGE_STORIES).values_list("finished_at", flat=True)
            finished = next(iter(purge), None)
        except DatabaseError as error:
            # The request counts still matter most when the database is down: send those.
            logger.warning("metrics: the database did not answer (%s)", type(error).__name__)
            return
        yield GaugeMetricFamily("imuran_stories_waiting", "Stories waiting for a moderator.", value=queue["waiting"])
        age = time.time() - queue["oldest"].timestamp() if queue["oldest"] else 0
        yield GaugeMetricFamily(
            "imuran_stories_oldest_waiting_seconds", "How long the oldest waiting story has waited.", value=age
        )
        yield GaugeMetricFamily(
            "imuran_story_purge_last_finished_timestamp_seconds",
            "When the retention purge last finished (0: never).",
            value=finished.timestamp() if finished else 0,
        )


def _from_allowed_address(request):
    from stories.throttle import client_address

    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in network for network in settings.METRICS_ALLOWED_NETWORKS)


@never_cache
def metrics_page(request):
    # Addresses first: a scraper has no session, so asking about staff would read none.
    if not (_from_allowed_address(request) or (request.user.is_active and request.user.is_staff)):
        raise Http404  # as if there were nothing here
    registry = CollectorRegistry()
    registry.register(SiteCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(registry) + generate_latest(REGISTRY)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
