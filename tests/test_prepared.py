"""Queries compiled once and run again with new values (imuran_info/prepared.py) answer exactly
as the QuerySets they come from."""

import datetime

import pytest
from django.db.models import F
from django.utils import timezone

from imuran_info import prepared
from imuran_info.prepared import PreparedQuery
from stories.models import SideEffect, Story
from stories.pagination import Position

pytestmark = pytest.mark.django_db


def test_a_prepared_query_finds_each_story_its_queryset_would_find(make_story):
    stories = [make_story(title=f"Story {number}", side_effects=["nausea", "tiredness"]) for number in range(3)]
    by_id = PreparedQuery(lambda pk: Story.objects.approved().filter(pk=pk).annotate(tag_id=F("side_effects")))

    for story in stories:
        found = by_id(story.pk)
        expected = list(Story.objects.approved().filter(pk=story.pk).annotate(tag_id=F("side_effects")))
        assert [(row.pk, row.title, row.submitted_at, row.tag_id) for row in found] == [
            (row.pk, row.title, row.submitted_at, row.tag_id) for row in expected
        ]
        assert len(found) == 2 and found[0].get_status_url() == story.get_status_url()


def test_a_story_that_is_not_public_is_not_found(make_story):
    pending = make_story(status=Story.Status.PENDING)
    by_id = PreparedQuery(lambda pk: Story.objects.approved().filter(pk=pk))

    assert by_id(pending.pk) == []


def test_moments_are_compared_as_the_database_stores_them(make_story):
    now = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)
    older, same_time, newer = (make_story(title=title) for title in ("older", "same time", "newer"))
    Story.objects.filter(pk=older.pk).update(submitted_at=now - datetime.timedelta(microseconds=1))
    Story.objects.filter(pk__in=[same_time.pk, newer.pk]).update(submitted_at=now)
    before = PreparedQuery(
        lambda at, pk: Story.objects.filter(Position(at, pk).older()).values_list("title", flat=False).order_by("id")
    )

    # Older than (now, newer): the story a microsecond earlier and the one at the same time with a lower id.
    assert before(now, newer.pk) == [("older",), ("same time",)]
    assert before(now - datetime.timedelta(microseconds=1), older.pk + 1) == [("older",)]


def test_each_shape_is_compiled_once_and_values_never_change_the_sql(make_story):
    story = make_story()
    built = []

    def build(pk, *, status):
        built.append(status)
        return Story.objects.filter(pk=pk, status=status).values_list("pk")

    by_status = PreparedQuery(build)
    assert by_status(story.pk, status="approved") == [(story.pk,)]
    assert by_status(story.pk + 1, status="approved") == []
    assert by_status(story.pk, status="pending") == []
    # Built twice on first use (with stand-ins, then with the values, to check the SQL), never again.
    assert built == ["approved", "approved", "pending", "pending"]


def test_a_value_the_sql_does_not_carry_as_a_parameter_is_refused(make_story):
    ignores_its_value = PreparedQuery(lambda pk: Story.objects.values_list("pk"))

    with pytest.raises(TypeError, match="parameter"):
        ignores_its_value(1)


def test_only_numbers_and_moments_can_be_values(make_story):
    by_title = PreparedQuery(lambda title: Story.objects.filter(title=title))

    with pytest.raises(TypeError, match="numbers or moments"):
        by_title("A title")


def test_the_shapes_kept_are_bounded(make_story, monkeypatch):
    monkeypatch.setattr(prepared, "MAX_SHAPES", 3)
    story = make_story()
    by_id = PreparedQuery(lambda pk, *, shape: Story.objects.filter(pk=pk).values_list("pk"))

    for shape in range(10):
        assert by_id(story.pk, shape=shape) == [(story.pk,)]
    assert 1 <= by_id.shapes_kept() <= 3


def test_a_number_too_large_for_the_database_is_answered_as_its_queryset_would(make_story):
    story = make_story()
    by_id = PreparedQuery(lambda pk: Story.objects.filter(pk=pk).values_list("pk"))
    below = PreparedQuery(lambda pk: Story.objects.filter(pk__lt=pk).values_list("pk"))

    assert by_id(10**30) == []
    assert below(10**30) == [(story.pk,)]


def test_a_query_whose_values_steer_its_sql_is_refused(make_story):
    # Django drops "position >= -1000..." on a positive field: the stand-in would change the SQL.
    steered = PreparedQuery(lambda n: SideEffect.objects.filter(position__gte=n, pk__gt=n).values_list("position"))

    with pytest.raises(TypeError, match="cannot be prepared"):
        steered(5)


def test_a_query_that_reads_the_clock_when_built_is_refused(make_story):
    since_now = PreparedQuery(lambda pk: Story.objects.filter(pk__gt=pk, submitted_at__lte=timezone.now()))

    with pytest.raises(TypeError, match="cannot be prepared"):
        since_now(1)


def test_only_model_instances_and_value_tuples_can_come_back(make_story):
    flat = PreparedQuery(lambda pk: Story.objects.filter(pk=pk).values_list("pk", flat=True))
    dicts = PreparedQuery(lambda pk: Story.objects.filter(pk=pk).values("pk"))

    for query in (flat, dicts):
        with pytest.raises(TypeError, match="model instances or values_list"):
            query(1)


def test_a_column_selected_only_for_the_order_is_left_out_as_the_queryset_leaves_it(make_story):
    story = make_story(title="Only this")
    titles = PreparedQuery(
        lambda pk: Story.objects.filter(pk=pk).values_list("title").distinct().order_by("-submitted_at")
    )

    assert titles(story.pk) == [("Only this",)]


def test_a_moment_without_its_time_zone_is_refused(make_story):
    before = PreparedQuery(lambda at: Story.objects.filter(submitted_at__lt=at).values_list("pk"))

    with pytest.raises(TypeError, match="time zone"):
        before(datetime.datetime(2026, 6, 1, 12, 30))
