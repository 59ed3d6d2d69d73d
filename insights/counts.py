"""The insights page's counts, kept exact at each step that changes what the public sees.

Counting a million stories by every answer takes seconds; reading a few hundred
rows takes nothing. So, like the queue counts (stories/records.py), each step
that makes a story public or takes it away adds or removes that story's answers
in the same transaction: a decision, a withdrawal, a moderator's edit of a live
story and a delete. `recount()` counts again from the stories themselves (after
a bulk import, or to repair), and `tests/test_insights_counts.py` checks that
every step leaves the same numbers a recount gives.
"""

from collections import Counter

from django.db import models
from django.db.models import Count, F
from django.db.models.signals import pre_delete
from django.dispatch import receiver

RATINGS = ("helped_rating", "ease_rating", "overall_rating")
ANSWERS = ("time_on_imuran", "time_to_help", *RATINGS)
STORIES, SIDE_EFFECT = "stories", "side_effect"


class InsightCount(models.Model):
    """How many approved stories of one condition gave one answer ("stories": all of them)."""

    condition = models.CharField(max_length=30, blank=True)
    measure = models.CharField(max_length=20)
    value = models.CharField(max_length=30, blank=True)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["condition", "measure", "value"], name="insightcount_unique"),
        ]

    def __str__(self):
        return f"{self.condition or 'no condition'} {self.measure} {self.value}: {self.count}"

    @classmethod
    def move(cls, steps):
        """Apply {(condition, measure, value): change}, in one fixed order so no two steps deadlock."""
        for (condition, measure, value), change in sorted(steps.items()):
            if not change:
                continue
            row = cls.objects.filter(condition=condition, measure=measure, value=value)
            if not row.update(count=F("count") + change):
                cls.objects.bulk_create(
                    [cls(condition=condition, measure=measure, value=value, count=0)], ignore_conflicts=True
                )
                row.update(count=F("count") + change)


def answers(story):
    """The keys one story adds to the counts: its condition, each answer, each side-effect tag."""
    keys = Counter({(story.condition, STORIES, ""): 1})
    for name in ANSWERS:
        value = getattr(story, name)
        if value not in ("", None):
            keys[(story.condition, name, str(value))] += 1
    for tag in story.side_effects.values_list("pk", flat=True):
        keys[(story.condition, SIDE_EFFECT, str(tag))] += 1
    return keys


def joined(story):
    InsightCount.move(answers(story))


def left(story):
    InsightCount.move({key: -n for key, n in answers(story).items()})


def changed(before, after):
    """A live story's answers changed (a moderator's edit): move the difference."""
    steps = Counter(after)
    steps.subtract(before)
    InsightCount.move(dict(steps))


def public_status_changed(story, previous, status):
    """Called by the workflow after a decision: a story that became public adds, one that stopped removes."""
    approved = type(story).Status.APPROVED
    if previous != approved and status == approved:
        joined(story)
    elif previous == approved and status != approved:
        left(story)


def recount(Story=None, Count_=None):
    """Count everything again from the approved stories (a few grouped queries).

    The models may be a migration's historical ones (insights/migrations/0003).
    """
    if Story is None:
        from stories.models import Story
    Count_ = Count_ or InsightCount
    approved = Story.objects.filter(status="approved").order_by()
    fresh = Counter()
    for condition, n in approved.values_list("condition").annotate(n=Count("id")):
        fresh[(condition, STORIES, "")] += n
    # A migration's historical Story may predate a later answer (insights/0003 runs before stories/0006).
    fields = {field.name for field in Story._meta.get_fields()}
    for name in (name for name in ANSWERS if name in fields):
        given = approved.exclude(**{name: None} if name in RATINGS else {name: ""})
        for condition, value, n in given.values_list("condition", name).annotate(n=Count("id")):
            fresh[(condition, name, str(value))] += n
    links = Story.side_effects.through.objects.filter(story__status="approved").order_by()
    for condition, tag, n in links.values_list("story__condition", "sideeffect_id").annotate(n=Count("id")):
        fresh[(condition, SIDE_EFFECT, str(tag))] += n
    Count_.objects.all().delete()
    Count_.objects.bulk_create(
        Count_(condition=c, measure=m, value=v, count=n) for (c, m, v), n in sorted(fresh.items())
    )


@receiver(pre_delete, sender="stories.Story")
def forget_a_deleted_story(sender, instance, **kwargs):
    # A signal, as stories/models.py does for the page cache: the admin and purge_stories
    # delete in bulk through the queryset. pre_delete: its side-effect links still exist.
    if instance.status == "approved":
        left(instance)
