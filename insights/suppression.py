"""Which counts may be shown without exposing a small group of storytellers.

Pure functions over plain numbers, so every rule is tested without a database.

The rules (README "Story insights and themes"):

- A cell (a bar, a table row) is never shown for fewer than MIN_CELL stories: it reads
  "fewer than 10". The implied cell counts too: "all but 4 of 40 reported tiredness"
  says as much about those 4 as "4 did not" would.
- A chart needs at least MIN_CHART stories behind it; a group below that shows nothing.
- Complementary suppression: every published total is the sum of its cells, and the
  "all" view is the sum of the condition views. Subtracting published numbers along
  any such line must never pin down a hidden cell, so a line that would hide exactly
  one cell hides a second one too (the smallest, to lose as little as possible).
"""

from dataclasses import dataclass

MIN_CELL = 10
MIN_CHART = 30
# The row of the "all stories" view; every other row is one group (a condition, or none given).
ALL = "*"


@dataclass
class Table:
    """Counts of one measure: {(group, bucket): stories}, and each group's story total.

    `totals` is the chart's denominator for each group: the stories that answered
    the question (a distribution), or every story in the group (a side effect,
    where the buckets are "reported it" and "did not").
    """

    groups: list
    buckets: list
    cells: dict
    totals: dict

    def value(self, group, bucket):
        if group == ALL:
            return sum(self.cells.get((g, bucket), 0) for g in self.groups)
        return self.cells.get((group, bucket), 0)

    def total(self, group):
        return sum(self.totals.get(g, 0) for g in self.groups) if group == ALL else self.totals.get(group, 0)


def chart_shown(table, group, published_groups):
    """A group's chart is shown if it is a view readers can choose and has MIN_CHART stories behind it."""
    return group in published_groups and table.total(group) >= MIN_CHART


def suppress(table, published_groups):
    """The set of (group, bucket) cells that must not be shown (or worked out), for every view at once.

    `published_groups`: the groups a reader can choose (the conditions; ALL). Groups
    never shown on their own (no condition given, or a condition below MIN_CHART)
    still count in the "all" view, so their cells are protected like any other.
    """
    groups = [g for g in table.groups if table.total(g) > 0]  # an empty group hides nothing
    rows = [*groups, ALL]
    shown = {g for g in rows if chart_shown(table, g, published_groups)}
    value = {(g, b): table.value(g, b) for g in rows for b in table.buckets}

    # A cell nobody may learn: a small count anywhere, or any count of a group too small to chart.
    unknown = {cell for cell, n in value.items() if n < MIN_CELL}
    unknown |= {(g, b) for g in rows if g not in shown and table.total(g) < MIN_CHART for b in table.buckets}
    # Readers can add and subtract along these lines: each group's buckets make its total
    # (story counts per condition are public on the story list), and each bucket's groups make "all".
    lines = [[(g, b) for b in table.buckets] for g in rows]
    lines += [[(g, b) for g in rows] for b in table.buckets]

    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden_here = [cell for cell in line if cell in unknown]
            if len(hidden_here) != 1:
                continue
            # Exactly one hidden cell: the others and the total would give it away. Hide one
            # more: a cell not on show anyway costs nothing; else one whose other line also
            # needs a second hidden cell (one cell mends both); else the smallest shown.
            candidates = [cell for cell in line if cell not in unknown]
            if not candidates:
                continue

            def cost(cell):
                mends = sum(1 for other in lines if cell in other and sum(c in unknown for c in other) == 1)
                return (cell[0] in shown, cell[0] == ALL, -mends, value[cell])

            candidates.sort(key=cost)
            unknown.add(candidates[0])
            changed = True
    return unknown
