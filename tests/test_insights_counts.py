"""The insights page's counts stay exactly what a recount from the stories gives, after every step."""

import io

import pytest
from django.core.management import call_command

from insights.counts import STORIES, InsightCount, recount
from stories.models import SideEffect, Story
from tests.moderation import change_form, change_url


def counted():
    return {(r.condition, r.measure, r.value): r.count for r in InsightCount.objects.filter(count__gt=0)}


def recounted():
    recount()
    return counted()


@pytest.fixture
def live(make_story):
    make_story(condition="lupus", side_effects=["tiredness"], helped_rating=4, time_on_imuran="1-5-years")
    return make_story(condition="crohns-disease", side_effects=["nausea", "tiredness"], ease_rating=2)


def test_approving_adds_the_story_s_answers(live, make_story, moderator):
    story = make_story(status=Story.Status.PENDING, condition="lupus", side_effects=["nausea"], overall_rating=5)

    story.approve(by=moderator)

    assert counted()[("lupus", STORIES, "")] == 2
    assert counted() == recounted()


def test_rejecting_a_live_story_takes_its_answers_away(live, moderator):
    live.reject(by=moderator, reason=Story.RejectReason.OTHER)

    assert ("crohns-disease", STORIES, "") not in counted()
    assert counted() == recounted()


def test_withdrawing_a_live_story_takes_its_answers_away(live):
    live.withdraw()

    assert counted() == recounted()
    assert ("crohns-disease", "ease_rating", "2") not in counted()


def test_deleting_stories_takes_their_answers_away(live, make_story):
    make_story(status=Story.Status.REJECTED, condition="lupus")

    Story.objects.all().delete_counted()

    assert counted() == {} == recounted()


def test_a_moderator_s_edit_of_a_live_story_moves_its_answers(moderator_client, live):
    nausea = SideEffect.objects.get(slug="nausea")

    response = moderator_client.post(
        change_url(live), change_form(live, condition="ulcerative-colitis", side_effects=[nausea.pk], ease_rating=5)
    )

    assert response.status_code == 302
    assert counted() == recounted()
    assert counted()[("ulcerative-colitis", "ease_rating", "5")] == 1
    assert ("crohns-disease", STORIES, "") not in counted()


def test_pending_stories_edited_and_approved_in_one_go_count_once(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING, condition="lupus", side_effects=["nausea"])

    moderator_client.post(change_url(story), change_form(story, helped_rating=3, _approve="1"))

    assert counted() == recounted()
    assert counted()[("lupus", "helped_rating", "3")] == 1


def test_recount_command_repairs_counts_a_bulk_import_left_behind(live, make_story):
    Story.objects.filter(pk=live.pk).update(condition="lupus")  # as a bulk import would, past the workflow

    call_command("recount_insights", stdout=io.StringIO())

    assert counted()[("lupus", STORIES, "")] == 2
    assert ("crohns-disease", STORIES, "") not in counted()
