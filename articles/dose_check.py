"""Dose numbers in an article: the rule is "never write dose numbers" (shared/content/WRITING.md).

The stories' screener (stories/screening.py) finds amounts with units and counts of
tablets; articles also catch how often a dose is taken ("twice daily"), which a
story may say freely but an article must not.
"""

import re

from stories.screening import find_flags


class DoseNumbersFound(Exception):
    """Publishing refused: the text holds dose numbers and no publisher gave a reason to keep them."""

    def __init__(self, matches):
        super().__init__(", ".join(match["match"] for match in matches))
        self.matches = matches


_FREQUENCY = re.compile(
    r"\b(?:once|twice|(?:\d+|two|three|four|five|six)\s+times)\s+(?:a\s+|per\s+|each\s+|every\s+)?(?:day|daily)\b",
    re.IGNORECASE,
)


def dose_numbers(text):
    """Each dose number in `text` as {"match", "start", "end"}, in order, overlaps merged."""
    found = [(flag["start"], flag["end"]) for flag in find_flags(text) if flag["kind"] == "dose"]
    found += [match.span() for match in _FREQUENCY.finditer(text)]
    merged = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [{"match": text[start:end], "start": start, "end": end} for start, end in merged]


def in_context(text, match, width=40):
    """The words around a match, for showing it highlighted: (before, match, after)."""
    before = text[max(0, match["start"] - width) : match["start"]]
    after = text[match["end"] : match["end"] + width]
    return before.split("\n")[-1], match["match"], after.split("\n")[0]
