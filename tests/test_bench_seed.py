import pytest

from bench import seed
from stories.models import Story

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
