import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from stories.models import Story, StoryReport
from stories.screening import find_flags

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:stories_story_changelist")


def change_url(story):
    return reverse("admin:stories_story_change", args=[story.pk])


def reject_url(story):
    return reverse("admin:stories_story_reject", args=[story.pk])


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def change_form(story, **changes):
    """The admin change form's data for a story, as a browser would post it."""
    story.refresh_from_db()
    data = {
        "moderator_note": story.moderator_note,
        "title": story.title,
        "text": story.text,
        "display_name": story.display_name,
        "role": story.role,
        "age_band": story.age_band,
        "condition": story.condition,
        "time_on_imuran": story.time_on_imuran,
        "side_effects": list(story.side_effects.values_list("pk", flat=True)),
        "helped_rating": story.helped_rating or "",
        "ease_rating": story.ease_rating or "",
        "overall_rating": story.overall_rating or "",
        "reports-TOTAL_FORMS": 0,
        "reports-INITIAL_FORMS": 0,
    }
    return {**data, **changes}


def listed(response):
    return [story.title for story in response.context["cl"].result_list]


# --- The queue.


def test_story_list_opens_on_pending_and_reported_stories_oldest_first(moderator_client, make_story):
    make_story(title="Newer pending", status=Story.Status.PENDING, submitted_at=days_ago(1))
    make_story(title="Older pending", status=Story.Status.PENDING, submitted_at=days_ago(5))
    reported = make_story(title="Reported", submitted_at=days_ago(3))
    reported.report(reason="advertising")
    make_story(title="Quietly approved")
    make_story(title="Rejected", status=Story.Status.REJECTED)

    response = moderator_client.get(CHANGELIST)

    assert listed(response) == ["Older pending", "Reported", "Newer pending"]


def test_status_filter_shows_stories_in_any_state(moderator_client, make_story):
    make_story(title="Rejected", status=Story.Status.REJECTED)
    make_story(title="Pending", status=Story.Status.PENDING)

    assert listed(moderator_client.get(CHANGELIST, {"status": "rejected"})) == ["Rejected"]
    assert set(listed(moderator_client.get(CHANGELIST, {"status": "all"}))) == {"Rejected", "Pending"}


def test_story_list_shows_counts_per_status_and_the_age_of_the_oldest_pending_story(moderator_client, make_story):
    make_story(status=Story.Status.PENDING, submitted_at=days_ago(3))
    make_story(status=Story.Status.PENDING, submitted_at=days_ago(1))
    make_story(status=Story.Status.APPROVED)

    text = moderator_client.get(CHANGELIST).text

    assert "Waiting for a moderator: <strong>2</strong>" in text
    assert "Published: <strong>1</strong>" in text
    assert "Not published: <strong>0</strong>" in text
    assert "The oldest story waiting for a decision was sent 3\xa0days ago." in text


def test_story_list_shows_flags_and_open_reports(moderator_client, make_story):
    text = "Call me on 07700 900123 about it."
    story = make_story(status=Story.Status.PENDING, text=text, flags=find_flags(text))
    story.report(reason="other")
    story.report(reason="advertising")

    response = moderator_client.get(CHANGELIST)

    assert '<td class="field-flag_list">Phone number, Long number' in response.text
    assert '<td class="field-open_reports">2</td>' in response.text


def test_has_flags_filter_finds_flagged_stories(moderator_client, make_story):
    make_story(title="Flagged", status=Story.Status.PENDING, flags=find_flags("mail me at a@example.org"))
    make_story(title="Clean", status=Story.Status.PENDING)

    assert listed(moderator_client.get(CHANGELIST, {"flags": "yes"})) == ["Flagged"]
    assert listed(moderator_client.get(CHANGELIST, {"flags": "no"})) == ["Clean"]


def test_open_reports_filter_finds_reported_stories(moderator_client, make_story):
    make_story(title="Reported").report(reason="other")
    make_story(title="Not reported")

    assert listed(moderator_client.get(CHANGELIST, {"status": "all", "reports": "open"})) == ["Reported"]


def test_condition_filter_narrows_the_queue(moderator_client, make_story):
    make_story(title="Lupus", status=Story.Status.PENDING, condition=Story.Condition.LUPUS)
    make_story(title="Crohn's", status=Story.Status.PENDING)

    assert listed(moderator_client.get(CHANGELIST, {"condition": "lupus"})) == ["Lupus"]


# --- Decisions.


def test_moderator_approves_stories_in_bulk_and_the_decision_is_recorded(moderator_client, moderator, make_story):
    first = make_story(status=Story.Status.PENDING)
    second = make_story(status=Story.Status.PENDING)

    moderator_client.post(CHANGELIST, {"action": "approve_stories", ACTION_CHECKBOX_NAME: [first.pk, second.pk]})

    for story in (first, second):
        story.refresh_from_db()
        assert story.status == Story.Status.APPROVED
        assert story.decided_by == moderator
        assert timezone.now() - story.decided_at < datetime.timedelta(minutes=1)


def test_bulk_reject_asks_for_a_reason_before_rejecting(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING)

    response = moderator_client.post(CHANGELIST, {"action": "reject_stories", ACTION_CHECKBOX_NAME: [story.pk]})

    assert response.status_code == 200
    assert "It gives dosing instructions" in response.text
    story.refresh_from_db()
    assert story.status == Story.Status.PENDING


def test_bulk_reject_records_the_reason_and_note(moderator_client, moderator, make_story):
    story = make_story(status=Story.Status.PENDING)

    moderator_client.post(
        CHANGELIST,
        {
            "action": "reject_stories",
            ACTION_CHECKBOX_NAME: [story.pk],
            "confirm": "yes",
            "reason": "dosing",
            "note": "Gives a dose in mg.",
        },
    )

    story.refresh_from_db()
    assert story.status == Story.Status.REJECTED
    assert story.reject_reason == Story.RejectReason.DOSING
    assert story.moderator_note == "Gives a dose in mg."
    assert story.decided_by == moderator


def test_bulk_reject_without_a_reason_is_asked_again(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING)

    response = moderator_client.post(
        CHANGELIST, {"action": "reject_stories", ACTION_CHECKBOX_NAME: [story.pk], "confirm": "yes"}
    )

    assert "This field is required." in response.text
    story.refresh_from_db()
    assert story.status == Story.Status.PENDING


def test_bulk_reject_of_stories_outside_the_queue_keeps_the_list_filter(moderator_client, make_story):
    story = make_story(status=Story.Status.APPROVED)
    url = f"{CHANGELIST}?status=approved"

    moderator_client.post(
        url, {"action": "reject_stories", ACTION_CHECKBOX_NAME: [story.pk], "confirm": "yes", "reason": "other"}
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
    assert story.status == Story.Status.APPROVED
    assert story.decided_by == moderator
    assert "Sam Smith" not in story.text
    assert "Sam Smith" in story.original_text


def test_change_page_reject_button_leads_to_the_reason_page(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING)

    response = moderator_client.post(change_url(story), change_form(story, _reject="1"))

    assert response["Location"] == reject_url(story)


def test_reject_page_rejects_one_story_with_a_reason(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING)

    moderator_client.post(reject_url(story), {"reason": "advertising", "note": ""})

    story.refresh_from_db()
    assert (story.status, story.reject_reason) == (Story.Status.REJECTED, "advertising")


def test_change_page_shows_the_original_beside_the_edited_text_with_flags_highlighted(moderator_client, make_story):
    original = "<script>alert(1)</script> Ring 07700 900123 any time, I take 150 mg."
    story = make_story(status=Story.Status.PENDING, original_text=original, flags=find_flags(original))

    text = moderator_client.get(change_url(story)).text

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert(1)" not in text
    assert '<mark title="Phone number">07700 900123</mark>' in text
    assert '<mark title="Dose or dosing instruction">150 mg</mark>' in text
    assert 'name="_approve"' in text


def test_change_page_tells_the_moderator_what_the_edited_text_still_contains(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING, text="Write to me at sam@example.org please. " * 3)

    text = moderator_client.get(change_url(story)).text

    assert "E-mail address \u201csam@example.org\u201d" in text


def test_approving_a_reported_story_resolves_its_reports(moderator_client, make_story):
    story = make_story()
    story.report(reason="other")

    moderator_client.post(CHANGELIST, {"action": "approve_stories", ACTION_CHECKBOX_NAME: [story.pk]})

    assert not StoryReport.objects.filter(resolved=False).exists()
    assert moderator_client.get(CHANGELIST).context["cl"].result_count == 0


# --- E-mail to the author.


def test_author_who_left_an_email_is_told_of_publication_and_the_address_is_then_forgotten(
    moderator_client, make_story
):
    story = make_story(status=Story.Status.PENDING, email="author@example.org")

    moderator_client.post(CHANGELIST, {"action": "approve_stories", ACTION_CHECKBOX_NAME: [story.pk]})

    (message,) = mail.outbox
    assert message.to == ["author@example.org"]
    assert message.subject == "Your story on Imuran Info is published"
    assert f"http://testserver{story.get_absolute_url()}" in message.body
    assert f"http://testserver{story.get_status_url()}" in message.body
    assert not message.alternatives
    story.refresh_from_db()
    assert story.email == ""


def test_author_is_told_the_reason_for_a_rejection_but_not_the_moderator_note(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING, email="author@example.org")

    moderator_client.post(reject_url(story), {"reason": "dosing", "note": "INTERNAL NOTE"})

    (message,) = mail.outbox
    assert "The reason: It gives dosing instructions." in message.body
    assert "INTERNAL NOTE" not in message.body


def test_no_email_is_sent_when_the_author_left_none(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING, email="")

    moderator_client.post(CHANGELIST, {"action": "approve_stories", ACTION_CHECKBOX_NAME: [story.pk]})

    assert mail.outbox == []


# --- Permissions of both groups.


def test_moderators_group_has_exactly_the_moderation_permissions():
    codenames = set(Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True))

    assert codenames == {
        "view_story",
        "change_story",
        "moderate_story",
        "view_storyreport",
        "change_storyreport",
        "add_sideeffect",
        "change_sideeffect",
        "delete_sideeffect",
        "view_sideeffect",
    }


def test_editors_group_has_no_story_permissions():
    perms = Group.objects.get(name="Editors").permissions

    assert not perms.filter(content_type__app_label="stories").exists()


def test_moderator_gets_403_on_an_article_change_page(moderator_client, make_article):
    article = make_article()

    assert moderator_client.get(reverse("admin:articles_article_change", args=[article.pk])).status_code == 403


def test_editor_gets_403_on_the_story_list_and_change_page(editor_client, make_story):
    story = make_story(status=Story.Status.PENDING)

    assert editor_client.get(CHANGELIST).status_code == 403
    assert editor_client.get(change_url(story)).status_code == 403


def test_editor_cannot_approve_a_story(editor_client, make_story):
    story = make_story(status=Story.Status.PENDING)

    responses = [
        editor_client.post(CHANGELIST, {"action": "approve_stories", ACTION_CHECKBOX_NAME: [story.pk]}),
        editor_client.post(change_url(story), change_form(story, _approve="1")),
        editor_client.post(reject_url(story), {"reason": "other"}),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403]
    story.refresh_from_db()
    assert story.status == Story.Status.PENDING


def test_staff_who_may_edit_stories_but_not_moderate_cannot_approve(client, staff_without_permissions, make_story):
    from django.contrib.auth.models import Permission

    staff_without_permissions.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_story", "change_story"])
    )
    client.force_login(staff_without_permissions)
    story = make_story(status=Story.Status.PENDING)

    response = client.post(change_url(story), change_form(story, _approve="1"))

    assert response.status_code == 403
    story.refresh_from_db()
    assert story.status == Story.Status.PENDING
    assert 'name="_approve"' not in client.get(change_url(story)).text


def test_moderator_manages_side_effect_tags(moderator_client):
    moderator_client.post(
        reverse("admin:stories_sideeffect_add"), {"name": "Headaches", "slug": "headaches", "position": 10}
    )

    assert "Headaches</label>" in moderator_client.get(reverse("stories:share")).text


def test_moderator_cannot_add_or_delete_stories(moderator_client, make_story):
    story = make_story()

    assert moderator_client.get(reverse("admin:stories_story_add")).status_code == 403
    assert moderator_client.get(reverse("admin:stories_story_delete", args=[story.pk])).status_code == 403


def test_withdrawn_story_cannot_be_approved(moderator_client, make_story):
    story = make_story(status=Story.Status.PENDING)
    story.withdraw()

    moderator_client.post(f"{CHANGELIST}?status=all", {"action": "approve_stories", ACTION_CHECKBOX_NAME: [story.pk]})

    story.refresh_from_db()
    assert story.status == Story.Status.WITHDRAWN
    assert moderator_client.get(reject_url(story)).status_code == 404


def test_moderator_resolves_a_report_in_the_report_list(moderator_client, make_story):
    report = make_story().report(reason="other", note="Odd")

    listing = moderator_client.get(reverse("admin:stories_storyreport_changelist"))
    moderator_client.post(reverse("admin:stories_storyreport_change", args=[report.pk]), {"resolved": "on"})

    assert listing.status_code == 200
    report.refresh_from_db()
    assert report.resolved


def test_redacting_a_published_story_updates_its_cached_public_page(
    moderator_client, client, make_story, django_capture_on_commit_callbacks
):
    story = make_story(text="I take it with my breakfast. Call me on 07700 900123 any time. " * 3)
    assert "07700 900123" in client.get(story.get_absolute_url()).text
    form = moderator_client.get(reverse("admin:stories_story_change", args=[story.pk])).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "side_effects"}
    data |= {"text": "I take it with my breakfast. " * 6, "reports-TOTAL_FORMS": 0, "reports-INITIAL_FORMS": 0}

    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(reverse("admin:stories_story_change", args=[story.pk]), data)

    assert "07700 900123" not in client.get(story.get_absolute_url()).text
