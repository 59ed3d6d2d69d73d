"""Figures for the people who run the site, drawn as charts on the admin home page.

Each is a grouped query (a handful of rows back, whatever the number of stories),
kept in the shared cache for a few minutes: the admin home is opened often, and
these figures move slowly. Moderators see the stories' figures; editors the
problem reports. Nothing here reaches a public page.
"""

import datetime
import statistics
from collections import defaultdict

from django.core.cache import cache
from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from articles.models import ProblemReport
from insights.figures import Bar, Chart, svg_rows
from stories.models import Story

WEEKS = 12
CACHE_SECONDS = 5 * 60
QUEUE_AGES = [(1, "Less than a day"), (3, "1 to 3 days"), (7, "3 to 7 days"), (None, "More than a week")]


class Median(Aggregate):
    # PostgreSQL's own median, which works on intervals; SQLite has none (see _medians).
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def for_user(user, now=None):
    """{"admin_charts": [{"chart", "rows"}...]} for what this user may see."""
    charts = []
    if user.has_perm("stories.moderate_story"):
        charts += cached("stories", lambda: story_charts(now or timezone.now()))
    if user.has_perm("articles.view_problemreport"):
        charts += cached("problem-reports", lambda: [problem_report_chart(now or timezone.now())])
    return {"admin_charts": [{"chart": chart, "rows": svg_rows(chart)} for chart in charts]}


def cached(name, compute):
    key = f"insights:admin-figures:{name}"
    charts = cache.get(key)
    if charts is None:
        charts = compute()
        cache.set(key, charts, CACHE_SECONDS)
    return charts


def _weeks(now):
    start = timezone.localtime(now).date() - datetime.timedelta(days=timezone.localtime(now).weekday())
    return [start - datetime.timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]


def _since(now):
    first = _weeks(now)[0]
    return timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))


def _count_chart(slug, title, counts, labels=None, compact=False):
    """A chart of counts, each bar as long as its share of the largest."""
    chart = Chart(slug, title, sum(counts.values()), counts_only=True, compact=compact)
    chart.bars = [Bar(labels[key] if labels else key, n, None) for key, n in counts.items()]
    return chart


def _week_label(week):
    return f"w/c {week:%-d %b}"


def story_charts(now):
    weeks, since = _weeks(now), _since(now)
    received = dict.fromkeys(weeks, 0)
    rows = (
        Story.objects.filter(submitted_at__gte=since)
        .annotate(week=TruncWeek("submitted_at"))
        .order_by()
        .values_list("week")
        .annotate(n=Count("id"))
    )
    for week, n in rows:
        received[_as_date(week)] = received.get(_as_date(week), 0) + n

    decided_stories = Story.objects.filter(
        status__in=[Story.Status.APPROVED, Story.Status.REJECTED], decided_at__gte=since
    ).annotate(week=TruncWeek("decided_at"))
    decided, medians = dict.fromkeys(weeks, 0), _medians(decided_stories)
    for week, n in decided_stories.order_by().values_list("week").annotate(n=Count("id")):
        decided[_as_date(week)] = decided.get(_as_date(week), 0) + n

    median_chart = Chart(
        "median-time-to-decision", "Median time from sharing to a decision", 0, counts_only=True, compact=True
    )
    for week in weeks:
        hours = medians.get(week)
        text = "none" if hours is None else _duration(hours)
        median_chart.bars.append(Bar(_week_label(week), round(hours or 0), None, text=text))

    reasons = dict(
        Story.objects.filter(status=Story.Status.REJECTED, decided_at__gte=since)
        .order_by()
        .values_list("reject_reason")
        .annotate(n=Count("id"))
    )
    return [
        _count_chart("received", "Stories shared each week", _by_week(received, weeks), compact=True),
        _count_chart("decided", "Stories decided each week", _by_week(decided, weeks), compact=True),
        median_chart,
        _queue_age_chart(now),
        _count_chart(
            "rejection-reasons",
            f"Why stories were not published (last {WEEKS} weeks)",
            {label: reasons.get(value, 0) for value, label in Story.RejectReason.choices},
        ),
    ]


def _medians(decided):
    """{week: median hours from sharing to decision}."""
    waited = ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())
    if connection.vendor == "postgresql":
        rows = decided.order_by().values_list("week").annotate(median=Median(waited))
        return {_as_date(week): median.total_seconds() / 3600 for week, median in rows}
    by_week = defaultdict(list)  # SQLite (development): few rows, so in Python
    for week, submitted, decided_at in decided.values_list("week", "submitted_at", "decided_at"):
        by_week[_as_date(week)].append((decided_at - submitted).total_seconds() / 3600)
    return {week: statistics.median(hours) for week, hours in by_week.items()}


def _queue_age_chart(now):
    # One query through the (status, submitted_at) index: the waiting stories only.
    bands, lower = {}, None
    for number, (limit, _) in enumerate(QUEUE_AGES):
        since = now - datetime.timedelta(days=limit) if limit else None
        waited = Q()
        if since is not None:
            waited &= Q(submitted_at__gt=since)
        if lower is not None:
            waited &= Q(submitted_at__lte=lower)
        bands[f"band{number}"] = Count("id", filter=waited)
        lower = since
    counts = Story.objects.filter(status=Story.Status.PENDING).aggregate(**bands)
    by_label = {label: counts[f"band{number}"] for number, (_, label) in enumerate(QUEUE_AGES)}
    return _count_chart("queue-age", "How long waiting stories have waited", by_label, compact=True)


def problem_report_chart(now):
    since = _since(now)
    rows = (
        ProblemReport.objects.filter(created_at__gte=since)
        .order_by()
        .values_list("article__title")
        .annotate(n=Count("id"))
        .order_by("-n", "article__title")
    )
    return _count_chart("problem-reports", f"Problems readers reported, by article (last {WEEKS} weeks)", dict(rows))


def _by_week(counts, weeks):
    return {_week_label(week): counts.get(week, 0) for week in weeks}


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def _duration(hours):
    if hours < 48:
        return f"{hours:.0f} hour{'s' if round(hours) != 1 else ''}"
    return f"{hours / 24:.1f} days"
