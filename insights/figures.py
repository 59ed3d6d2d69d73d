"""The insights page's numbers: the counts kept at each decision, then suppression.

Everything is counted once per stories generation for every view at once (each
condition and "all"), because suppression must see every view together: what
one view hides, another must not give away (insights/suppression.py).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from insights import counts as insight_counts
from insights import leaflet
from insights.counts import InsightCount
from insights.suppression import ALL, MIN_CELL, MIN_CHART, Table, chart_shown, suppress
from page_cache.generations import Scope, remember_until_changed
from stories.models import SideEffect, Story

NOT_GIVEN = ""
RATINGS = {
    "helped_rating": ("Did Imuran help?", "How much people said Imuran helped them"),
    "ease_rating": ("How easy was it to live with?", "How easy people found Imuran to live with"),
    "overall_rating": ("Overall rating", "How people rated Imuran overall"),
}
# The answers that are not ratings, with their charts' titles.
DISTRIBUTIONS = {
    "time_on_imuran": "How long people had been taking Imuran",
    "time_to_help": "How long people said Imuran took to help",
}
RATING_LABELS = {1: "1 (not at all, or very poor)", 2: "2", 3: "3", 4: "4", 5: "5 (very much, or very good)"}
SMALL = "fewer than 10"
PROTECTED = "not shown, so that a smaller group cannot be worked out"


@dataclass
class Bar:
    label: str
    count: int | None
    share: int | None  # whole per cent of the chart's stories
    hidden_because: str = ""
    leaflet: object = None  # a leaflet.Frequency, for side effects
    text: str = ""  # what the bar says, when not a count or a share (the admin's "2.5 days")

    @property
    def value_text(self):
        return self.text or (f"{self.share}%" if self.share is not None else f"{self.count:,}")


@dataclass
class Chart:
    slug: str
    title: str
    total: int
    bars: list = field(default_factory=list)
    shown: bool = True
    # Side effects: each storyteller may tick several, so the shares do not add up to 100.
    several_answers: bool = False
    # The admin's charts: plain counts, each bar as long as its share of the largest.
    counts_only: bool = False
    # Short labels (weeks, ages): label, bar and figure on one line.
    compact: bool = False

    @property
    def summary(self):
        """One sentence a screen reader or a skimming reader gets instead of the picture."""
        known = [bar for bar in self.bars if bar.count is not None]
        if not known:
            return f"Every answer in this chart comes from fewer than {MIN_CELL} people, so none is shown."
        top = max(known, key=lambda bar: bar.count)
        hidden = len(self.bars) - len(known)
        if self.several_answers:
            what = f"the side effect reported most was {top.label.lower()}"
        else:
            what = f"the most common answer was “{top.label}”"
        text = f"Of {self.total:,} stories, {what}: {top.count:,} ({top.share}%)."
        if hidden:
            text += f" {hidden} {'answer is' if hidden == 1 else 'answers are'} not shown to protect small groups."
        return text


@dataclass
class View:
    condition: str
    label: str
    stories: int
    charts: list
    counted_at: object

    @property
    def shown(self):
        return any(chart.shown for chart in self.charts)


def conditions_with_figures():
    """The conditions a reader may choose: those with enough stories for a chart."""
    counts = story_counts()
    return [(value, label) for value, label in Story.Condition.choices if counts.get(value, 0) >= MIN_CHART]


def view(condition=ALL):
    """The charts for one condition (or ALL), with every suppression applied."""
    figures = counted()
    label = "all stories" if condition == ALL else Story.Condition(condition).label
    charts = [_side_effects_chart(figures, condition)]
    charts += [_chart(figures, spec, condition) for spec in figures["specs"] if spec["kind"] != "side-effect"]
    stories = figures["story_totals"].total(condition)
    return View(condition, label, stories, charts, figures["counted_at"])


def story_counts():
    table = counted()["story_totals"]
    return {group: table.total(group) for group in table.groups}


@remember_until_changed(Scope.STORIES)
def counted():
    """Every count the page needs, for every view: one query for the counts, one for the tags."""
    groups = [*Story.Condition.values, NOT_GIVEN]
    published = {*Story.Condition.values, ALL}  # NOT_GIVEN is never a view of its own

    # The counts kept at each decision (insights/counts.py): a few hundred rows, whatever the
    # number of stories.
    stories, answers = defaultdict(int), {name: defaultdict(int) for name in insight_counts.ANSWERS}
    reported = {}
    for condition, measure, value, n in InsightCount.objects.filter(count__gt=0).values_list(
        "condition", "measure", "value", "count"
    ):
        if measure == insight_counts.STORIES:
            stories[condition] += n
        elif measure == insight_counts.SIDE_EFFECT:
            reported[(condition, int(value))] = n
        elif measure in answers:
            key = int(value) if measure in insight_counts.RATINGS else value
            answers[measure][(condition, key)] += n

    story_totals = Table(groups, ["stories"], {(g, "stories"): stories[g] for g in groups}, dict(stories))
    specs = []
    # The tags themselves (a handful of rows).
    for tag in SideEffect.objects.order_by("position", "name"):
        cells = {}
        for g in groups:
            cells[(g, "yes")] = reported.get((g, tag.pk), 0)
            cells[(g, "no")] = stories[g] - cells[(g, "yes")]
        table = Table(groups, ["yes", "no"], cells, dict(stories))
        specs.append({"kind": "side-effect", "tag": tag, "table": table, "hidden": suppress(table, published)})

    time_labels, help_labels = dict(Story.TimeOnImuran.choices), dict(Story.TimeToHelp.choices)
    for name, buckets, labels in [
        ("time_on_imuran", list(time_labels), time_labels),
        ("time_to_help", list(help_labels), help_labels),
        *((rating, list(RATING_LABELS), RATING_LABELS) for rating in RATINGS),
    ]:
        totals = defaultdict(int)
        for (g, _), n in answers[name].items():
            totals[g] += n
        table = Table(groups, buckets, dict(answers[name]), dict(totals))
        specs.append({"kind": name, "labels": labels, "table": table, "hidden": suppress(table, published)})
    return {"specs": specs, "story_totals": story_totals, "published": published, "counted_at": timezone.now()}


def _bar(table, condition, bucket, hidden, label, denominator, **extra):
    count = table.value(condition, bucket)
    if (condition, bucket) in hidden:
        return Bar(label, None, None, SMALL if count < MIN_CELL else PROTECTED, **extra)
    return Bar(label, count, round(100 * count / denominator) if denominator else 0, **extra)


def _chart(figures, spec, condition):
    published = figures["published"]
    table, hidden = spec["table"], spec["hidden"]
    slug = spec["kind"].replace("_", "-")
    title = DISTRIBUTIONS[spec["kind"]] if spec["kind"] in DISTRIBUTIONS else RATINGS[spec["kind"]][1]
    total = table.total(condition)
    chart = Chart(slug, title, total, shown=chart_shown(table, condition, published))
    if chart.shown:
        chart.bars = [_bar(table, condition, bucket, hidden, spec["labels"][bucket], total) for bucket in table.buckets]
    return chart


def _side_effects_chart(figures, condition):
    specs = [spec for spec in figures["specs"] if spec["kind"] == "side-effect"]
    total = figures["story_totals"].total(condition)
    chart = Chart("side-effects", "Side effects people reported", total, several_answers=True)
    chart.shown = bool(specs) and chart_shown(specs[0]["table"], condition, figures["published"])
    if chart.shown:
        frequencies = leaflet_frequencies()
        chart.bars = [
            _bar(
                spec["table"],
                condition,
                "yes",
                spec["hidden"],
                spec["tag"].name,
                total,
                leaflet=frequencies.get(spec["tag"].slug),
            )
            for spec in specs
        ]
    return chart


@remember_until_changed(Scope.ARTICLES)
def leaflet_frequencies():
    return leaflet.frequencies()


# --- The drawing: a horizontal bar per answer, in SVG user units (scaled by CSS to the column).
SVG_WIDTH = 400
ROW_HEIGHT = 52
LEAFLET_LINE = 20


COMPACT_LABEL, COMPACT_VALUE, COMPACT_ROW = 130, 80, 26


def svg_rows(chart):
    """Each bar with its place in the picture: label line, then the bar beneath it (or all on one line)."""
    rows, y = [], 0
    largest = max((bar.count or 0 for bar in chart.bars), default=0)
    track = SVG_WIDTH - COMPACT_LABEL - COMPACT_VALUE if chart.compact else SVG_WIDTH
    for bar in chart.bars:
        extra = LEAFLET_LINE if chart.several_answers else 0
        if chart.counts_only:
            width = round(track * (bar.count or 0) / largest) if largest else 0
        else:
            width = round(track * bar.share / 100) if bar.share else 0
        rows.append(
            {
                "bar": bar,
                "label_y": y + 18 if not chart.compact else y + 17,
                "leaflet_y": y + 18 + LEAFLET_LINE,
                "bar_x": COMPACT_LABEL if chart.compact else 0,
                "bar_y": y + 5 if chart.compact else y + 26 + extra,
                "track": track,
                "width": width,
            }
        )
        y += COMPACT_ROW if chart.compact else ROW_HEIGHT + extra
    return {"rows": rows, "height": y}
