"""Each page runs a small, fixed number of queries, whether there are 3 stories or 300.

Measured on the first, uncached view: a cached page runs none. Each budget includes
the read of the page-cache generations, which a process repeats at most once a second.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stories.models import SideEffect, Story

pytestmark = pytest.mark.django_db

BUDGETS = {
    "home": 5,
    "article": 4,
    "stories list": 4,
    "filtered stories list": 4,
    # The generations, the story (with its side effects and themes, in one query), the side-effect
    # tags and the published themes: the tags and the themes are remembered until they change.
    "story": 4,
}


@pytest.fixture
def site(db, make_story):
    call_command("load_initial_content", verbosity=0)

    def with_stories(count):
        nausea = SideEffect.objects.get(slug="nausea")
        others = list(SideEffect.objects.exclude(slug="nausea"))
        for number in range(Story.objects.count(), count):
            # One in five waits in the moderation queue, so the queue grows too.
            status = Story.Status.PENDING if number % 5 == 0 else Story.Status.APPROVED
            story = make_story(title=f"Story {number}", condition=Story.Condition.LUPUS, status=status)
            story.side_effects.set([nausea, others[number % len(others)]])
        return Story.objects.approved().first()

    return with_stories


@pytest.fixture
def queries_for(clear_caches):
    def count(client, url):
        clear_caches()
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    return count


def page_urls(story):
    return {
        "home": reverse("home"),
        "article": reverse("articles:detail", args=["side-effects"]),
        "stories list": reverse("stories:list"),
        "filtered stories list": reverse("stories:list") + "?condition=lupus&side_effect=nausea",
        "story": story.get_absolute_url(),
    }


@pytest.mark.parametrize("page", BUDGETS)
def test_public_page_runs_the_same_small_number_of_queries_with_3_or_300_stories(client, site, queries_for, page):
    few = queries_for(client, page_urls(site(3))[page])
    many = queries_for(client, page_urls(site(300))[page])

    assert few > 0, "measured a cached page: the cache was not emptied first"
    assert few == many
    assert many <= BUDGETS[page]


def test_admin_moderation_queue_runs_at_most_12_queries_with_3_or_300_stories(moderator_client, site, queries_for):
    site(3)
    few = queries_for(moderator_client, reverse("admin:stories_story_changelist"))
    site(300)
    many = queries_for(moderator_client, reverse("admin:stories_story_changelist"))

    assert few > 0
    assert few == many
    assert many <= 12
