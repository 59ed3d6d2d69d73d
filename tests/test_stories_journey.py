import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from stories.models import Story

pytestmark = pytest.mark.django_db


def test_a_story_goes_from_submission_to_publication_to_report_to_withdrawal(
    moderator_client, story_form, django_capture_on_commit_callbacks
):
    author, reader = Client(), Client()
    changelist = reverse("admin:stories_story_changelist")

    # The author shares a story and keeps the private link.
    thanks = author.post(reverse("stories:share"), story_form(title="A journey story"), follow=True)
    story = Story.objects.get()
    status_url = reverse("stories:status", args=[story.token])
    assert status_url in thanks.text

    # Nobody else sees it until a moderator approves it.
    assert reader.get(story.get_absolute_url()).status_code == 404
    assert "A journey story" not in reader.get(reverse("stories:list")).text
    assert "Waiting for a moderator" in author.get(status_url).text
    assert "A journey story" in moderator_client.get(changelist).text

    # (Cached public pages are cleared when the decision commits; the test runs that step itself.)
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(changelist, {"action": "approve_stories", ACTION_CHECKBOX_NAME: [story.pk]})
    assert "A journey story" in reader.get(reverse("stories:list")).text
    assert reader.get(story.get_absolute_url()).status_code == 200
    assert "Published" in author.get(status_url).text

    # A reader reports it: it stays public and is back in the moderators' queue.
    reader.post(reverse("stories:report", args=[story.pk]), {"reason": "other", "note": "Looks like an advert"})
    assert reader.get(story.get_absolute_url()).status_code == 200
    assert [s.pk for s in moderator_client.get(changelist).context["cl"].result_list] == [story.pk]

    # The author withdraws it after a confirmation step: everything they wrote is gone.
    confirm = author.get(reverse("stories:withdraw", args=[story.token]))
    assert "Are you sure you want to withdraw your story?" in confirm.text
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = author.post(reverse("stories:withdraw", args=[story.token]), follow=True)
    assert "You withdrew this story" in withdrawn.text
    assert reader.get(story.get_absolute_url()).status_code == 404
    assert "A journey story" not in reader.get(reverse("stories:list")).text
    story.refresh_from_db()
    assert (story.title, story.text, story.original_text, story.email, story.client_hash) == ("", "", "", "", "")
    assert not story.reports.exists()
    assert not story.side_effects.exists()


def test_withdrawing_needs_a_post_so_a_link_alone_cannot_delete_a_story(client, make_story):
    story = make_story()

    client.get(reverse("stories:withdraw", args=[story.token]))

    story.refresh_from_db()
    assert story.status == Story.Status.APPROVED


def test_withdraw_requires_a_csrf_token(make_story):
    story = make_story()

    response = Client(enforce_csrf_checks=True).post(reverse("stories:withdraw", args=[story.token]))

    assert response.status_code == 403
    story.refresh_from_db()
    assert story.status == Story.Status.APPROVED


def test_status_page_explains_a_rejection_without_the_moderator_note(client, make_story, moderator):
    story = make_story(status=Story.Status.PENDING)
    story.reject(by=moderator, reason=Story.RejectReason.DOSING, note="INTERNAL NOTE")

    text = client.get(story.get_status_url()).text

    assert "Not published." in text
    assert "It gives doses or dosing instructions, which we never publish" in text
    assert "INTERNAL NOTE" not in text


def test_status_page_never_shows_the_email_or_the_original_text(client, make_story):
    story = make_story(email="author@example.org", original_text="ORIGINAL-BEFORE-REDACTION")

    text = client.get(story.get_status_url()).text

    assert "author@example.org" not in text
    assert "ORIGINAL-BEFORE-REDACTION" not in text


def test_unknown_status_token_gets_404(client):
    assert client.get(reverse("stories:status", args=["not-a-real-token"])).status_code == 404


def test_status_page_is_kept_out_of_search_engines_and_shared_caches(client, make_story):
    response = client.get(make_story().get_status_url())

    assert response["X-Robots-Tag"] == "noindex"
    assert response["Cache-Control"] == "private, no-store"
