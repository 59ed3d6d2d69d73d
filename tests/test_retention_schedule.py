import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from operations import schedule
from operations.models import ScheduledJob
from stories.models import Story

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 6, 1, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture
def scheduled_jobs(settings):
    """Jobs on, and every request free to look for due ones (production looks every five minutes)."""
    settings.SCHEDULED_JOBS = True
    settings.SCHEDULED_JOBS_CHECK_SECONDS = 0
    schedule.clock.next_look = 0.0


def rejected_days_ago(make_story, moderator, days):
    with time_machine.travel(START - datetime.timedelta(days=days), tick=False):
        story = make_story(status=Story.Status.PENDING)
        story.reject(by=moderator, reason=Story.RejectReason.ADVERTISING)
    return story


def test_an_ordinary_visit_runs_the_purge_once_it_is_due(client, scheduled_jobs, make_story, moderator):
    expired = rejected_days_ago(make_story, moderator, 91)
    recent = rejected_days_ago(make_story, moderator, 10)

    with time_machine.travel(START, tick=False):
        assert client.get(reverse("about")).status_code == 200

    assert not Story.objects.filter(pk=expired.pk).exists()
    assert Story.objects.filter(pk=recent.pk).exists()


def test_the_purge_runs_at_most_once_a_day(client, scheduled_jobs, make_story, moderator):
    with time_machine.travel(START, tick=False):
        client.get(reverse("about"))
    story = rejected_days_ago(make_story, moderator, 100)

    with time_machine.travel(START + datetime.timedelta(hours=23), tick=False):
        client.get(reverse("about"))
    assert Story.objects.filter(pk=story.pk).exists()

    with time_machine.travel(START + datetime.timedelta(hours=24), tick=False):
        client.get(reverse("about"))
    assert not Story.objects.filter(pk=story.pk).exists()


def test_only_one_process_wins_a_due_run(scheduled_jobs):
    assert schedule.claim(ScheduledJob.PURGE_STORIES) is True
    assert schedule.claim(ScheduledJob.PURGE_STORIES) is False


def test_each_process_looks_for_due_jobs_only_now_and_then(client, settings, scheduled_jobs, make_story, moderator):
    settings.SCHEDULED_JOBS_CHECK_SECONDS = 300
    client.get(reverse("about"))  # looks now: nothing to delete yet
    story = rejected_days_ago(make_story, moderator, 100)
    ScheduledJob.objects.update(next_run_at=timezone.now())  # due again at once

    client.get(reverse("about"))

    assert Story.objects.filter(pk=story.pk).exists()


def test_health_checks_never_run_the_purge(client, scheduled_jobs, make_story, moderator):
    story = rejected_days_ago(make_story, moderator, 100)

    client.get("/healthz")
    client.get("/readyz")

    assert Story.objects.filter(pk=story.pk).exists()
    assert not ScheduledJob.objects.exists()


def test_a_long_backlog_is_purged_in_batches_over_several_visits(client, scheduled_jobs, make_story, monkeypatch):
    monkeypatch.setattr(schedule, "PURGE_BATCH", 2)
    for _ in range(3):
        make_story().withdraw()

    client.get(reverse("about"))
    assert Story.objects.count() == 1
    client.get(reverse("about"))
    assert Story.objects.count() == 0


def test_moderators_see_on_the_admin_home_when_the_purge_last_ran_and_what_it_deleted(
    client, moderator_client, scheduled_jobs, make_story, moderator
):
    rejected_days_ago(make_story, moderator, 91)
    make_story().withdraw()
    with time_machine.travel(START, tick=False):
        client.get(reverse("about"))

    with time_machine.travel(START + datetime.timedelta(hours=3)):
        text = moderator_client.get(reverse("admin:index")).text

    assert "Last ran 3\xa0hours ago" in text
    assert "Deleted 1 rejected stories decided more than 90 days ago and 1 withdrawn stories." in text


def test_the_admin_home_warns_when_the_purge_has_not_run_for_two_days(client, moderator_client, scheduled_jobs):
    with time_machine.travel(START, tick=False):
        client.get(reverse("about"))

    with time_machine.travel(START + datetime.timedelta(days=3)):
        text = moderator_client.get(reverse("admin:index")).text

    assert "It has not finished a run for more than two days." in text


def test_the_purge_command_still_works_and_the_admin_records_its_run(make_story, superuser_client):
    make_story().withdraw()

    output = StringIO()
    call_command("purge_stories", stdout=output)

    assert "and 1 withdrawn stories." in output.getvalue()
    changelist = superuser_client.get(reverse("admin:operations_scheduledjob_changelist")).text
    assert "Delete expired stories (retention)" in changelist
    assert "and 1 withdrawn stories." in changelist


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "x" * 20))
    return client
