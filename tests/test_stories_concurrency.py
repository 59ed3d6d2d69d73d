"""Races, run for real on PostgreSQL: requests in threads, each with its own database connection.

SQLite runs one writer at a time, so these races cannot happen there; CI runs the
suite on PostgreSQL too, where they do.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from stories.models import DecidedMeanwhile, Story, StoryWithdrawn
from stories.records import Decision, QueueCount

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a race needs PostgreSQL's concurrent writers"),
    pytest.mark.django_db(transaction=True),
]


def at_once(*tasks):
    """Run the tasks in threads released together; return each one's result or exception."""
    start = threading.Barrier(len(tasks))

    def run(task):
        try:
            start.wait()
            return task()
        except Exception as error:  # noqa: BLE001 (the test looks at what each task met)
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(tasks)) as pool:
        return list(pool.map(run, tasks))


def test_forty_stories_sent_at_once_from_one_client_let_exactly_the_limit_through(story_form):
    def send(number):
        text = f"Story {number} sent at the same moment. " + "Taking it with food helped me. " * 4
        return lambda: Client().post(reverse("stories:share"), story_form(text=text)).status_code

    answers = at_once(*(send(number) for number in range(40)))

    assert sorted(answers) == [302] * settings.STORY_RATE_LIMIT + [429] * (40 - settings.STORY_RATE_LIMIT)
    assert Story.objects.count() == settings.STORY_RATE_LIMIT


def test_the_same_story_sent_ten_times_at_once_is_stored_once(story_form):
    answers = at_once(*(lambda: Client().post(reverse("stories:share"), story_form())["Location"] for _ in range(10)))

    assert Story.objects.count() == 1
    assert set(answers) == {reverse("stories:thanks", args=[Story.objects.get().token])}


def pending_story(number):
    story = Story(text=f"Pending story {number}. " + "It took a few months to work. " * 4, email="a@example.org")
    story.submit(client="test")
    return story


@pytest.mark.parametrize("round_", range(8))
def test_approve_racing_a_withdrawal_never_publishes_a_blank_story(round_):
    moderator = User.objects.create_user(f"moderator{round_}")
    story = pending_story(round_)
    # The moderator's copy was loaded before the author acted, as in the admin.
    moderators_copy, authors_copy = Story.objects.get(pk=story.pk), Story.objects.get(pk=story.pk)

    approve, withdraw = at_once(lambda: moderators_copy.approve(by=moderator), authors_copy.withdraw)

    story.refresh_from_db()
    assert withdraw is None
    assert (story.status, story.text, story.email) == (Story.Status.WITHDRAWN, "", "")
    assert approve is None or isinstance(approve, StoryWithdrawn)
    actions = list(Decision.objects.filter(story_id=story.pk).values_list("action", flat=True))
    # If the approval came first, its e-mail went before the withdrawal or not at all.
    assert actions in (["withdrawn"], ["approved", "withdrawn"], ["approved", "email-sent", "withdrawn"])
    counts = QueueCount.as_dict()
    assert [counts.get(status, 0) for status in Story.Status.values] == [0, 0, 0, 1]


def test_two_moderators_deciding_at_once_make_exactly_one_decision():
    first, second = User.objects.create_user("first"), User.objects.create_user("second")
    story = pending_story(1)
    copies = Story.objects.get(pk=story.pk), Story.objects.get(pk=story.pk)

    answers = at_once(lambda: copies[0].approve(by=first), lambda: copies[1].reject(by=second, reason="other"))

    assert sorted(type(answer).__name__ for answer in answers) == ["DecidedMeanwhile", "NoneType"]
    assert Decision.objects.filter(action__in=["approved", "rejected"]).count() == 1
    assert any(isinstance(answer, DecidedMeanwhile) for answer in answers)
