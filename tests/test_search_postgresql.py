"""What only PostgreSQL does for search: the stored, weighted vectors and the indexes the queries read."""

import pytest
from django.db import connection

from bench import seed
from bench.search import QUERIES, story_plan, uses_an_index
from search.models import Section, Word

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="full text and pg_trgm are PostgreSQL's"),
]


@pytest.fixture
def many_stories(db):
    # Enough rows, with statistics, that the planner chooses as it would at a million.
    from stories.models import SideEffect

    side_effects = [(pk, 1) for pk in SideEffect.objects.values_list("pk", flat=True)]
    for status, count in (("approved", 10_000), ("pending", 1_000), ("rejected", 1_000)):
        seed.insert_stories(status, count, side_effects)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE stories_story")


@pytest.fixture
def no_table_scans():
    # A tiny table is rightly scanned; forbidding that shows whether the query *can* use the index.
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = on")


def test_a_published_section_stores_its_weighted_search_vector(make_article):
    make_article(slug="sun", title="Sunshine", body="## Sunscreen\n\nPut it on before you go out.\n")
    vector = Section.objects.get(anchor="sunscreen").vector
    assert "'sunscreen':1A" in vector
    assert "'sunshin':2B" in vector


def test_no_story_search_reads_the_whole_table(many_stories):
    # Every kind of query the benchmark times (one fixture of 12,000 stories for all of them).
    plans = {params["q"]: story_plan(params) for params in QUERIES}
    assert not [plan for plan in plans.values() if not uses_an_index(plan)], plans


def test_a_rare_word_in_an_old_story_is_found_and_a_common_word_gives_the_newest_stories(many_stories, make_story):
    import datetime

    from django.utils import timezone

    from search.query import find_stories, understand
    from stories.models import Story

    old = make_story(text="Our xylophone band.", submitted_at=timezone.now() - datetime.timedelta(days=900))
    approved = Story.objects.approved().public_fields()
    assert [story.pk for story in find_stories(understand("xylophone"), approved)] == [old.pk]
    newest = list(find_stories(understand("flu jab"), approved))
    dates = [story.submitted_at for story in newest]
    assert len(newest) == 11 and dates == sorted(dates, reverse=True)
    expected = approved.filter(text__icontains="flu jab").order_by("-submitted_at", "-id")[:11]
    assert [story.pk for story in newest] == [story.pk for story in expected]


def test_section_search_can_read_the_gin_index(make_article, no_table_scans):
    make_article()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT id FROM search_section WHERE vector @@ plainto_tsquery('english', 'sun')")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_section_vector" in plan


def test_the_typo_lookup_can_be_answered_from_the_trigram_index(db):
    Word.objects.bulk_create(Word(word=f"word{number:05d}x") for number in range(20_000))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_word")
        # Whether the planner prefers the index for a table this small depends on statistics
        # other tests leave behind; what must hold is that the "%" lookup can use it at all
        # (the right operator class on the right column). The bench checks real plans.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT word FROM search_word WHERE word %% %s", ["nausia"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_word_trigram" in plan
