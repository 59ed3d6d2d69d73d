"""The story list tells a reader where they are, and answers a made-up address plainly."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from stories.models import Story

pytestmark = pytest.mark.django_db

LIST_URL = reverse("stories:list")


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_an_unknown_condition_in_the_address_is_answered_next_to_the_filter(client, make_story):
    make_story(title="Any story")

    response = client.get(LIST_URL, {"condition": "zzz"})

    assert response.status_code == 400
    assert 'id="id_condition_error"' in response.text
    assert 'aria-describedby="id_condition_error"' in response.text
    assert "We have no stories under that condition" in response.text
    assert "Any story" not in response.text


def test_an_unknown_side_effect_is_escaped_and_answered_next_to_its_filter(client, make_story):
    make_story()

    response = client.get(LIST_URL, {"side_effect": "<script>"})

    assert response.status_code == 400
    assert "We have no stories under that side effect" in response.text
    assert "<script>" not in response.text


def test_a_position_with_no_stories_beyond_it_is_no_page_at_all(client, make_story):
    for number in range(3):
        make_story(submitted_at=days_ago(number))

    response = client.get(LIST_URL, {"before": "1-1"})

    assert response.status_code == 404
    assert "There is no such page of stories" in response.text
    assert "stories found" not in response.text
    assert "No stories match yet" not in response.text


def test_a_broken_page_position_is_no_page_at_all(client, make_story):
    make_story(title="The newest story")

    response = client.get(LIST_URL, {"before": "not-a-position"})

    assert response.status_code == 404
    assert "See the newest stories" in response.text


def test_made_up_list_addresses_take_no_place_in_the_page_cache(client, make_story):
    make_story()

    client.get(LIST_URL, {"before": "1-1"})
    again = client.get(LIST_URL, {"before": "1-1"})

    assert again["X-Page-Cache"] == "bypass"


def test_the_list_says_which_stretch_of_time_the_page_shows(client, make_story):
    make_story(submitted_at=datetime.datetime(2026, 5, 3, 12, tzinfo=datetime.UTC))
    make_story(submitted_at=datetime.datetime(2026, 4, 12, 12, tzinfo=datetime.UTC))

    text = client.get(LIST_URL).text

    assert "2 stories found, newest first." in text
    assert "This page shows stories shared from 3 May 2026 back to 12 April 2026." in text


def test_the_story_count_has_a_thousands_separator(client, make_story):
    story = make_story()
    Story.objects.bulk_create(
        Story(
            text=story.text,
            original_text=story.text,
            status=Story.Status.APPROVED,
            consented_at=timezone.now(),
            token=f"t{n}",
        )
        for n in range(1233)
    )

    assert "1,234 stories found" in client.get(LIST_URL).text


def test_the_thank_you_page_of_a_withdrawn_story_shows_where_it_stands(client, make_story):
    story = make_story(status=Story.Status.PENDING)
    story.withdraw()

    response = client.get(reverse("stories:thanks", args=[story.token]), follow=True)

    assert "A moderator will read it soon" not in response.text
    assert "Withdrawn." in response.text


def test_a_story_in_a_right_to_left_script_takes_its_direction_from_its_text(client, make_story):
    story = make_story(title="تجربتي مع الدواء", text="بدأت تناول الدواء منذ سنتين. " * 10)

    page = client.get(story.get_absolute_url()).text
    listing = client.get(LIST_URL).text

    assert '<h1 id="story-title" dir="auto">' in page
    assert '<div class="story-body" dir="auto">' in page
    assert f'<h3 id="story-{story.pk}-title" dir="auto">' in listing
