"""The optional question "If Imuran helped, how long did it take to notice?", from the form to the counts."""

import re

import pytest
from django.urls import reverse

from insights.counts import InsightCount, recount
from stories.models import Story
from tests.moderation import change_form, change_url

pytestmark = pytest.mark.django_db

SHARE_URL = reverse("stories:share")


def counted(value):
    row = InsightCount.objects.filter(condition="crohns-disease", measure="time_to_help", value=value).first()
    return row.count if row else 0


def test_share_form_asks_how_long_it_took_to_help_and_saves_the_answer(client, story_form):
    form = client.get(SHARE_URL).text
    assert '<label for="id_time_to_help">If Imuran helped, how long did it take to notice? (optional)</label>' in form

    client.post(SHARE_URL, story_form(time_to_help="3-6-months"))

    assert Story.objects.get().time_to_help == "3-6-months"


def test_leaving_the_question_empty_stores_no_answer(client, story_form):
    client.post(SHARE_URL, story_form())

    assert Story.objects.get().time_to_help == ""


def test_an_invalid_form_keeps_the_answer(client, story_form):
    response = client.post(SHARE_URL, story_form(time_to_help="not-yet", text="Too short."))

    assert response.status_code == 200 and not Story.objects.exists()
    select = re.search(r'<select name="time_to_help".*?</select>', response.text, re.S).group()
    assert '<option value="not-yet" selected>It has not helped (yet)</option>' in select


def test_an_answer_not_offered_is_refused_next_to_the_field_with_the_story_kept(client, story_form):
    response = client.post(SHARE_URL, story_form(time_to_help="overnight"))

    assert response.status_code == 200 and not Story.objects.exists()
    assert 'id="id_time_to_help_error"' in response.text
    assert "Choose one of the options listed." in response.text
    assert "taking it after food helped" in response.text


def test_story_page_shows_the_answer_in_brief(client, make_story):
    story = make_story(time_to_help="1-3-months")

    html = client.get(story.get_absolute_url()).text

    assert "<dt>How long it took to help</dt><dd>1 to 3 months</dd>" in html


def test_moderator_corrects_the_answer_and_the_counts_follow(moderator_client, make_story):
    story = make_story(time_to_help="not-sure")

    response = moderator_client.post(change_url(story), change_form(story, time_to_help="over-6-months"))

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.time_to_help == "over-6-months"
    assert (counted("not-sure"), counted("over-6-months")) == (0, 1)


def test_approving_counts_the_answer_and_rejecting_takes_it_away(make_story, moderator):
    story = make_story(status=Story.Status.PENDING, time_to_help="within-1-month")
    assert counted("within-1-month") == 0

    story.approve(by=moderator)
    assert counted("within-1-month") == 1

    story.reject(by=moderator, reason=Story.RejectReason.OTHER)
    assert counted("within-1-month") == 0


def test_withdrawing_erases_the_answer_and_its_count(make_story):
    story = make_story(time_to_help="3-6-months")

    story.withdraw()

    story.refresh_from_db()
    assert story.time_to_help == ""
    assert counted("3-6-months") == 0


def test_recount_counts_the_answers_of_approved_stories_only(make_story):
    make_story(time_to_help="1-3-months")
    make_story(time_to_help="1-3-months", status=Story.Status.PENDING)
    Story.objects.update(time_to_help="not-yet")  # past the workflow, as a bulk import would

    recount()

    assert (counted("1-3-months"), counted("not-yet")) == (0, 1)
