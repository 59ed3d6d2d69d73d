"""Moderators' decisions: approve and reject, one at a time or in bulk, and the pages that ask first."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from stories.models import Story, StoryReport
from stories.records import Decision
from tests.moderation import CHANGELIST, DOSE_STORY, PHONE_STORY, action, change_form, change_url, hidden_fields

pytestmark = pytest.mark.django_db


def test_moderator_approves_stories_in_bulk_and_the_decision_is_recorded(moderator_client, moderator, make_story):
    first = make_story(status=Story.Status.PENDING)
    second = make_story(status=Story.Status.PENDING)

    moderator_client.post(CHANGELIST, action("approve_stories", first, second))

    for story in (first, second):
        story.refresh_from_db()
        assert story.status == Story.Status.APPROVED
        assert story.decided_by == moderator
        assert timezone.now() - story.decided_at < datetime.timedelta(minutes=1)


def test_bulk_reject_asks_for_a_reason_and_shows_each_story_first(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING, text="I was <b>nervous</b> at first. " * 5)

    response = moderator_client.post(CHANGELIST, action("reject_stories", story))

    assert response.status_code == 200
    assert "It gives dosing instructions" in response.text
    assert "I was &lt;b&gt;nervous&lt;/b&gt; at first." in response.text
    story.refresh_from_db()
    assert story.status == Story.Status.PENDING


def test_bulk_reject_records_the_reason_and_note(moderator_client, moderator, make_story):
    story = make_story(status=Story.Status.PENDING)

    moderator_client.post(
        CHANGELIST, action("reject_stories", story, confirm="yes", reason="dosing", note="Gives a dose in mg.")
    )

    story.refresh_from_db()
    assert (story.status, story.reject_reason) == (Story.Status.REJECTED, Story.RejectReason.DOSING)
    assert story.moderator_note == "Gives a dose in mg."
    assert story.decided_by == moderator


def test_bulk_reject_without_a_reason_is_asked_again(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING)

    response = moderator_client.post(CHANGELIST, action("reject_stories", story, confirm="yes"))

    assert "This field is required." in response.text
    story.refresh_from_db()
    assert story.status == Story.Status.PENDING


def test_bulk_reject_of_stories_outside_the_queue_keeps_the_list_filter(moderator_client, make_story):
    story = make_story(status=Story.Status.APPROVED)

    moderator_client.post(
        f"{CHANGELIST}?status=approved", action("reject_stories", story, confirm="yes", reason="other")
    )

    story.refresh_from_db()
    assert story.status == Story.Status.REJECTED


def test_change_page_approve_button_saves_a_redaction_and_approves(moderator_client, moderator, make_story):
    story = make_story(status=Story.Status.PENDING, text="I am Sam Smith and I felt sick. " * 4)

    response = moderator_client.post(
        change_url(story), change_form(story, text="I am [name removed] and I felt sick. " * 4, _approve="1")
    )

    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.status, story.decided_by) == (Story.Status.APPROVED, moderator)
    assert "Sam Smith" not in story.text
    assert "Sam Smith" in story.original_text


def test_change_page_reject_button_shows_the_story_and_asks_for_a_reason(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING, text="A story with <i>markup</i> in it. " * 4)

    response = moderator_client.post(change_url(story), change_form(story, _reject="1"))

    assert response.status_code == 200
    assert "Choose a reason" not in response.text
    assert "A story with &lt;i&gt;markup&lt;/i&gt; in it." in response.text
    assert 'name="reason"' in response.text


def test_reject_page_rejects_the_story_with_its_reason_and_saves_the_edits(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING)
    page = moderator_client.post(change_url(story), change_form(story, _reject="1", moderator_note="Too vague."))

    moderator_client.post(change_url(story), {**hidden_fields(page), "reason": "advertising", "note": "Spam."})

    story.refresh_from_db()
    assert (story.status, story.reject_reason, story.moderator_note) == (Story.Status.REJECTED, "advertising", "Spam.")


def test_cancel_on_the_reject_page_leaves_the_story_as_it_was(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING, title="As sent")

    page = moderator_client.post(change_url(story), change_form(story, title="Edited before rejecting", _reject="1"))

    assert f'href="{change_url(story)}" class="button cancel-link">Cancel' in page.text
    story.refresh_from_db()
    assert (story.title, story.status) == ("As sent", Story.Status.PENDING)


def test_reject_page_without_a_reason_asks_again_and_keeps_the_edits_unsaved(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING, title="As sent")
    page = moderator_client.post(change_url(story), change_form(story, title="Edited", _reject="1"))

    again = moderator_client.post(change_url(story), hidden_fields(page))

    assert "Choose a reason to reject." in again.text
    story.refresh_from_db()
    assert (story.title, story.status) == ("As sent", Story.Status.PENDING)


def test_approving_a_reported_story_resolves_its_reports(moderator_client, make_story):
    story = make_story()
    story.report(reason="other")

    moderator_client.post(CHANGELIST, action("approve_stories", story))

    assert not StoryReport.objects.filter(resolved=False).exists()
    assert moderator_client.get(CHANGELIST).context["cl"].result_count == 0


def test_withdrawn_story_cannot_be_approved_or_rejected(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING)
    story.withdraw()

    moderator_client.post(f"{CHANGELIST}?status=all", action("approve_stories", story))
    moderator_client.post(f"{CHANGELIST}?status=all", action("reject_stories", story, confirm="yes", reason="other"))

    story.refresh_from_db()
    assert story.status == Story.Status.WITHDRAWN


# --- Flags gate publication (item 1).


def test_bulk_approve_publishes_clean_stories_and_asks_before_publishing_flagged_ones(moderator_client, make_story):
    clean = make_story(status=Story.Status.PENDING)
    dosed = make_story(status=Story.Status.PENDING, text=DOSE_STORY)

    response = moderator_client.post(CHANGELIST, action("approve_stories", clean, dosed))

    assert "Publish a story with screening flags?" in response.text
    assert "Dose or dosing instruction: <mark>150 mg</mark>" in response.text
    assert '<mark title="Dose or dosing instruction">150 mg</mark>' in response.text
    clean.refresh_from_db()
    dosed.refresh_from_db()
    assert (clean.status, dosed.status) == (Story.Status.APPROVED, Story.Status.PENDING)


def test_flagged_story_is_published_only_when_its_box_is_ticked_on_the_confirmation_page(moderator_client, make_story):
    dosed = make_story(status=Story.Status.PENDING, text=DOSE_STORY)
    phoned = make_story(status=Story.Status.PENDING, text=PHONE_STORY)
    page = moderator_client.post(CHANGELIST, action("approve_stories", dosed, phoned))
    ticked = next(value for value in page.context["waiting"] if value.story.pk == phoned.pk)

    moderator_client.post(CHANGELIST, {**hidden_fields(page), "publish_flagged": f"{phoned.pk}:{ticked.digest}"})

    dosed.refresh_from_db()
    phoned.refresh_from_db()
    assert (dosed.status, phoned.status) == (Story.Status.PENDING, Story.Status.APPROVED)
    assert (
        Decision.objects.get(story=phoned, action="approved").detail
        == "Phone number, Long number (possible health-service number)"
    )


def test_a_confirmation_no_longer_covers_a_story_whose_text_changed_meanwhile(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING, text=PHONE_STORY)
    page = moderator_client.post(CHANGELIST, action("approve_stories", story))
    Story.objects.filter(pk=story.pk).update(text=PHONE_STORY + " Or e-mail sam@example.org.")

    again = moderator_client.post(
        CHANGELIST, {**hidden_fields(page), "publish_flagged": f"{story.pk}:{page.context['waiting'][0].digest}"}
    )

    assert "E-mail address: <mark>sam@example.org</mark>" in again.text
    story.refresh_from_db()
    assert story.status == Story.Status.PENDING


def test_save_and_approve_of_a_flagged_story_asks_first_and_saves_nothing_until_confirmed(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING, title="As sent", text=PHONE_STORY)

    page = moderator_client.post(change_url(story), change_form(story, title="Edited", _approve="1"))

    assert "Publish a story with screening flags?" in page.text
    assert "Phone number: <mark>07700 900123</mark>" in page.text
    story.refresh_from_db()
    assert (story.title, story.status) == ("As sent", Story.Status.PENDING)


def test_confirming_the_flags_on_the_change_page_saves_the_edits_and_publishes(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING, title="As sent", text=PHONE_STORY)
    page = moderator_client.post(change_url(story), change_form(story, title="Edited", _approve="1"))

    moderator_client.post(change_url(story), hidden_fields(page))

    story.refresh_from_db()
    assert (story.title, story.status) == ("Edited", Story.Status.APPROVED)


def test_redacting_the_flagged_words_lets_save_and_approve_publish_at_once(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING, text=PHONE_STORY)
    redacted = PHONE_STORY.replace("Ring me on 07700 900123 if you want to talk about it.", "")

    response = moderator_client.post(change_url(story), change_form(story, text=redacted, _approve="1"))

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Story.Status.APPROVED


def test_adding_a_phone_number_to_a_published_story_needs_confirming(moderator_client, make_story):
    story = make_story(status=Story.Status.APPROVED)

    page = moderator_client.post(change_url(story), change_form(story, text=story.text + " Call 07700 900123."))

    assert "Phone number: <mark>07700 900123</mark>" in page.text
    story.refresh_from_db()
    assert "07700" not in story.text


def test_the_model_refuses_to_publish_flags_nobody_confirmed(moderator, make_story):
    from stories.models import FlagsNeedConfirmation

    story = make_story(status=Story.Status.PENDING, text=DOSE_STORY)

    with pytest.raises(FlagsNeedConfirmation):
        story.approve(by=moderator)

    story.refresh_from_db()
    assert story.status == Story.Status.PENDING


def test_a_phone_number_typed_as_the_name_shown_with_the_story_needs_confirmation(
    moderator, moderator_client, make_story
):
    from stories.models import FlagsNeedConfirmation

    story = make_story(status=Story.Status.PENDING, display_name="Sam 07700 900123")

    with pytest.raises(FlagsNeedConfirmation):
        story.approve(by=moderator)
    page = moderator_client.post(CHANGELIST, action("approve_stories", story))
    assert "Phone number: <mark>07700 900123</mark> (in the name shown with the story)" in page.text
    story.refresh_from_db()
    assert story.status == Story.Status.PENDING


def test_redacting_a_published_story_updates_its_cached_public_page(
    moderator_client, client, make_story, django_capture_on_commit_callbacks
):
    story = make_story(text="I take it with my breakfast. Call me on 07700 900123 any time. " * 3)
    assert "07700 900123" in client.get(story.get_absolute_url()).text
    form = moderator_client.get(change_url(story)).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "side_effects"}
    data |= {"text": "I take it with my breakfast. " * 6, "reports-TOTAL_FORMS": 0, "reports-INITIAL_FORMS": 0}

    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(change_url(story), data)

    assert "07700 900123" not in client.get(story.get_absolute_url()).text


# --- The decision log (item 5).


def test_each_decision_is_logged_with_who_what_when_and_why_and_shown_on_the_story(
    moderator_client, moderator, make_story
):
    story = make_story(status=Story.Status.PENDING)
    story.reject(by=moderator, reason="advertising", note="secret note")

    text = moderator_client.get(change_url(story)).text

    assert '<table class="decision-log">' in text
    assert "<td>Rejected</td><td>moderator</td><td>It advertises something</td>" in text
    assert "secret note" not in text.split('class="decision-log"')[1]


def test_the_decision_log_is_kept_without_any_words_when_the_author_withdraws(moderator, make_story):
    story = make_story(status=Story.Status.PENDING, title="Private words")
    story.approve(by=moderator)

    story.withdraw()

    actions = list(Decision.objects.filter(story_id=story.pk).values_list("action", "by_name"))
    assert actions == [("approved", "moderator"), ("withdrawn", "")]
    assert not any("Private" in str(value) for row in Decision.objects.values() for value in row.values())


def test_the_admin_history_forgets_a_withdrawn_storys_words(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING, title="Words to forget")
    moderator_client.post(change_url(story), change_form(story, title="Words to forget too"))
    assert LogEntry.objects.filter(object_repr__contains="Words to forget").exists()

    story.withdraw()

    assert list(LogEntry.objects.values_list("object_repr", flat=True)) == [f"Withdrawn story {story.pk}"]


def test_the_story_history_writes_its_dates_as_the_rest_of_the_admin_does_in_site_time(
    moderator, moderator_client, make_story
):
    story = make_story(status=Story.Status.PENDING)
    story.approve(by=moderator)
    # A summer moment: site time (Europe/London) is an hour ahead of UTC.
    Decision.objects.filter(story=story).update(at=datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC))

    page = moderator_client.get(change_url(story)).text

    assert "2 July 2026, 00:30" in page
    assert "01 Jul 2026" not in page and "1 Jul 2026 23:30" not in page
