from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from stories.models import Story
from stories.records import ClientCount, Decision, QueueCount

pytestmark = pytest.mark.django_db


def purge():
    output = StringIO()
    call_command("purge_stories", stdout=output)
    return output.getvalue()


def rejected_story(make_story, moderator, **fields):
    story = make_story(status=Story.Status.PENDING, **fields)
    story.reject(by=moderator, reason=Story.RejectReason.ADVERTISING)
    return story


def test_purge_deletes_rejected_stories_once_the_retention_period_has_passed(make_story, moderator):
    with time_machine.travel("2026-01-01 12:00 +0000"):
        old = rejected_story(make_story, moderator)
    with time_machine.travel("2026-03-15 12:00 +0000"):
        recent = rejected_story(make_story, moderator)

    with time_machine.travel("2026-04-02 12:00 +0000"):  # 91 and 18 days later
        output = purge()

    assert not Story.objects.filter(pk=old.pk).exists()
    assert Story.objects.filter(pk=recent.pk).exists()
    assert "Deleted 1 rejected stories decided more than 90 days ago and 0 withdrawn stories." in output


def test_purge_follows_the_retention_setting(make_story, moderator, settings):
    settings.STORY_RETENTION_DAYS = 10
    with time_machine.travel("2026-01-01 12:00 +0000"):
        story = rejected_story(make_story, moderator)

    with time_machine.travel("2026-01-12 12:00 +0000"):
        purge()

    assert not Story.objects.filter(pk=story.pk).exists()


def test_purge_removes_what_withdrawn_stories_left_behind(make_story):
    story = make_story()
    story.withdraw()

    output = purge()

    assert not Story.objects.filter(pk=story.pk).exists()
    assert "and 1 withdrawn stories." in output


def test_purge_keeps_approved_and_pending_stories_however_old(make_story, moderator):
    with time_machine.travel("2020-01-01 12:00 +0000"):
        approved = make_story(status=Story.Status.PENDING)
        approved.approve(by=moderator)
        pending = make_story(status=Story.Status.PENDING)

    purge()

    assert Story.objects.filter(pk__in=[approved.pk, pending.pk]).count() == 2


def test_purge_keeps_the_queue_counts_exact(moderator_client, make_story, moderator):
    with time_machine.travel("2026-01-01 12:00 +0000"):
        rejected_story(make_story, moderator)
    make_story().withdraw()

    with time_machine.travel("2026-04-02 12:00 +0000"):
        purge()

    counts = QueueCount.as_dict()
    assert (counts["rejected"], counts["withdrawn"]) == (0, 0)


def test_purge_keeps_the_decision_log_of_the_stories_it_deletes(make_story, moderator):
    story = make_story(status=Story.Status.PENDING)
    story.approve(by=moderator)
    story.withdraw()

    purge()

    assert list(Decision.objects.filter(story_id=story.pk).values_list("action", flat=True)) == [
        "approved",
        "withdrawn",
    ]


def test_purge_deletes_an_address_whose_email_could_not_be_sent_within_the_retention_period(make_story, moderator):
    with time_machine.travel("2026-01-01 12:00 +0000"):
        story = make_story(status=Story.Status.PENDING, email="author@example.org")
        story.approve(by=moderator)  # its e-mail never went (nothing committed here)
    with time_machine.travel("2026-03-01 12:00 +0000"):
        purge()
        assert Story.objects.get(pk=story.pk).email == "author@example.org"

    with time_machine.travel("2026-04-02 12:00 +0000"):
        purge()

    assert Story.objects.get(pk=story.pk).email == ""
    assert Decision.objects.filter(story=story, action=Decision.Action.EMAIL_FORGOTTEN).exists()


def test_purge_forgets_rate_limit_counts_of_hours_gone_by(client, story_form):
    with time_machine.travel("2026-01-01 12:00 +0000"):
        client.post(reverse("stories:share"), story_form())
    assert ClientCount.objects.count() == 1

    with time_machine.travel("2026-01-01 14:00 +0000"):
        purge()

    assert not ClientCount.objects.exists()


def test_demo_stories_refuses_to_run_outside_development(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only runs in development"):
        call_command("demo_stories")

    assert not Story.objects.exists()


def test_demo_stories_fills_the_moderation_queue_once(settings):
    settings.DEBUG = True

    call_command("demo_stories", stdout=StringIO())
    call_command("demo_stories", stdout=StringIO())

    stories = Story.objects.all()
    assert stories.count() >= 5
    assert {story.status for story in stories} == {Story.Status.PENDING}
    assert any(story.flags for story in stories)
