"""Keyset ("seek") pagination for the public story list, newest first.

A page link carries the position of a story on the page, not a page number, so
the two-thousandth page costs the same as the first: the database starts reading
its (status, submitted_at, id) index at that position instead of counting past
tens of thousands of rows with OFFSET.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from stories.models import local_time, plain_labels

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Position:
    submitted_at: datetime.datetime
    pk: int

    @classmethod
    def of(cls, story):
        return cls(story.submitted_at, story.pk)

    @classmethod
    def from_address(cls, value):
        """ "<microseconds since 1970>-<id>" as the page links write it; None when absent.

        Raises ValueError for anything else: no page of stories has that address.
        """
        if not value:
            return None
        try:
            micros, pk = (int(part) for part in value.split("-"))
            return cls(EPOCH + datetime.timedelta(microseconds=micros), pk)
        except (ValueError, OverflowError) as error:
            raise ValueError(f"Not a page position: {value!r}") from error

    def __str__(self):
        # Whole microseconds in integer arithmetic: a float would round some of them.
        return f"{(self.submitted_at - EPOCH) // datetime.timedelta(microseconds=1)}-{self.pk}"

    def older(self):
        # The first condition alone bounds the index scan; the second breaks ties.
        at = self.submitted_at
        return Q(submitted_at__lte=at) & (Q(submitted_at__lt=at) | Q(pk__lt=self.pk))

    def newer(self):
        at = self.submitted_at
        return Q(submitted_at__gte=at) & (Q(submitted_at__gt=at) | Q(pk__gt=self.pk))


def window(stories, size, *, before=None, after=None):
    """The QuerySet of a page's stories as the database reads them, one more than `size`.

    The one extra story says whether there is more beyond the page. After a position the
    stories come oldest first (the index read upwards); StoryPage puts them back in order.
    """
    if after is not None:
        return stories.filter(after.newer()).order_by("submitted_at", "id")[: size + 1]
    if before is not None:
        stories = stories.filter(before.older())
    return stories.order_by("-submitted_at", "-id")[: size + 1]


class StoryPage:
    """Up to `size` stories before or after a position, newest first, from window()'s rows."""

    def __init__(self, rows, size, *, before=None, after=None):
        rows = list(rows)
        if after is not None:
            self.has_newer, self.has_older = len(rows) > size, True
            rows = rows[:size][::-1]
        else:
            self.has_older, self.has_newer = len(rows) > size, before is not None
            rows = rows[:size]
        self.object_list = rows
        self.is_first = not self.has_newer

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def shared(self):
        """When this page's stories were shared: "on 3 May 2026" or "from 3 May 2026 back to 12 April 2026"."""
        if not self.object_list:
            return ""
        newest, oldest = _day(self.object_list[0].submitted_at), _day(self.object_list[-1].submitted_at)
        return f"on {newest}" if newest == oldest else f"from {newest} back to {oldest}"

    @property
    def older_position(self):
        return Position.of(self.object_list[-1]) if self.has_older and self.object_list else None

    @property
    def newer_position(self):
        return Position.of(self.object_list[0]) if self.has_newer and self.object_list else None


def _day(moment):
    # As the template filter date:"j F Y" writes it, at a fraction of its cost (it took a
    # quarter of the list template's time).
    local = local_time(moment)
    return f"{local.day} {plain_labels()['month'][local.month]} {local.year}"
