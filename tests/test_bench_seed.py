import pytest
from django.db import connection

from bench import run, scenario, seed
from stories.models import Story
from stories.pagination import Position

pytestmark = pytest.mark.django_db


def counts():
    return {status: Story.objects.filter(status=status).count() for status in ("approved", "pending", "rejected")}


def test_bench_seeder_creates_the_requested_stories_spread_over_side_effects():
    seed.prepare(approved=30, pending=3, rejected=2)

    assert counts() == {"approved": 30, "pending": 3, "rejected": 2}
    assert Story.objects.filter(side_effects__isnull=False).distinct().count() > 10


def test_bench_seeder_reuses_a_dataset_of_the_requested_size():
    seed.prepare(approved=30, pending=3, rejected=2)
    first = set(Story.objects.values_list("pk", flat=True))

    seed.prepare(approved=30, pending=3, rejected=2)

    assert set(Story.objects.values_list("pk", flat=True)) == first


def test_bench_seeder_replaces_a_bigger_dataset():
    seed.prepare(approved=30, pending=3, rejected=2)

    seed.prepare(approved=10, pending=1, rejected=1)

    assert counts() == {"approved": 10, "pending": 1, "rejected": 1}


def test_benchmark_rows_that_miss_the_cache_ask_for_real_pages_each_a_different_one(client):
    seed.prepare(approved=45, pending=3, rejected=2)
    newest_first = list(Story.objects.approved().newest_first())

    stories, lists = scenario.uncached_story_pages()

    assert len(set(stories.paths)) == 45
    assert set(lists.paths) == {
        f"/stories/?before={Position.of(newest_first[19])}",
        f"/stories/?before={Position.of(newest_first[39])}",
    }
    for path in [*stories.paths[:3], *lists.paths]:
        assert client.get(path).status_code == 200
    second_page = client.get(f"/stories/?before={Position.of(newest_first[19])}").text
    assert newest_first[20].get_absolute_url() in second_page
    assert newest_first[19].get_absolute_url() not in second_page


def test_bench_seeder_stores_stories_in_the_order_they_were_sent_as_the_live_site_does():
    seed.prepare(approved=30, pending=3, rejected=2)

    approved = list(Story.objects.approved().order_by("pk").values_list("submitted_at", flat=True))

    assert approved == sorted(approved)
    assert len(set(approved)) > 20


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_prewarm is PostgreSQL's")
def test_before_a_walk_the_benchmark_reads_every_story_table_and_index_whole():
    seed.prepare(approved=30, pending=3, rejected=2)
    with connection.cursor() as cursor:
        # The main data of both tables and of every index on them.
        cursor.execute(
            "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c"
            " LEFT JOIN pg_index i ON i.indexrelid = c.oid"
            " WHERE c.oid = ANY(%(tables)s::regclass[]) OR i.indrelid = ANY(%(tables)s::regclass[])",
            {"tables": ["stories_story", "stories_story_side_effects"]},
        )
        stories = dict(cursor.fetchall())

    read = run.read_into_memory()

    assert len(stories) > 2  # the two tables and their indexes
    assert {name: read.get(name) for name in stories} == stories
