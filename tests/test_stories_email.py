"""Telling the author: mail goes out once the decision is committed, through a real SMTP server, and a
failed send never undoes or hides the decision."""

import email
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.urls import reverse

from stories.models import Story
from stories.records import Decision
from tests.moderation import CHANGELIST, action, change_form, change_url

pytestmark = pytest.mark.django_db


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 Message accepted"


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens here until smtp_server starts
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "https://imuran.example.org"
    return settings


@pytest.fixture
def smtp_server(smtp_settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a transaction schedules for after its commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_author_is_told_of_publication_through_a_real_smtp_server(moderator, make_story, smtp_server, commit):
    story = make_story(status=Story.Status.PENDING, email="author@example.org")

    with commit():
        story.approve(by=moderator)

    ((recipients, message),) = smtp_server.messages
    assert recipients == ["author@example.org"]
    assert message["Subject"] == "Your story on Imuran Info is published"
    body = message.get_payload(decode=True).decode()
    assert f"https://imuran.example.org{story.get_absolute_url()}" in body
    assert f"https://imuran.example.org{story.get_status_url()}" in body


def test_the_address_is_deleted_once_the_email_has_gone(moderator, make_story, smtp_server, commit):
    story = make_story(status=Story.Status.PENDING, email="author@example.org")

    with commit():
        story.approve(by=moderator)

    story.refresh_from_db()
    assert story.email == ""
    assert Decision.objects.filter(story=story, action=Decision.Action.EMAIL_SENT).exists()


def test_no_email_leaves_before_the_decision_is_committed(moderator, make_story, django_capture_on_commit_callbacks):
    story = make_story(status=Story.Status.PENDING, email="author@example.org")

    with django_capture_on_commit_callbacks() as after_commit:
        story.approve(by=moderator)
        assert mail.outbox == []

    for callback in after_commit:
        callback()
    assert len(mail.outbox) == 1


def test_author_who_withdraws_before_the_email_goes_gets_none(
    moderator, make_story, django_capture_on_commit_callbacks
):
    story = make_story(status=Story.Status.PENDING, email="author@example.org")
    with django_capture_on_commit_callbacks() as after_commit:
        story.approve(by=moderator)

    Story.objects.get(pk=story.pk).withdraw()
    for callback in after_commit:
        callback()

    assert mail.outbox == []


def test_rejection_reason_reads_as_a_sentence_and_the_moderator_note_stays_private(moderator, make_story, commit):
    story = make_story(status=Story.Status.PENDING, email="author@example.org")

    with commit():
        story.reject(by=moderator, reason=Story.RejectReason.DOSING, note="INTERNAL NOTE")

    (message,) = mail.outbox
    assert "Why: It gives doses or dosing instructions, which we never publish" in message.body
    assert "INTERNAL NOTE" not in message.body


def test_another_reason_is_told_as_a_sentence_not_as_the_label(moderator, make_story, commit):
    story = make_story(status=Story.Status.PENDING, email="author@example.org")

    with commit():
        story.reject(by=moderator, reason=Story.RejectReason.OTHER)

    (message,) = mail.outbox
    assert "Why: It does not follow our story guidelines." in message.body
    assert "another reason" not in message.body.lower()


def test_no_email_is_sent_when_the_author_left_none(moderator_client, make_story, commit):
    story = make_story(status=Story.Status.PENDING, email="")

    with commit():
        moderator_client.post(CHANGELIST, action("approve_stories", story))

    assert mail.outbox == []


# --- When the mail server fails.


def test_a_failed_send_keeps_the_decision_and_the_address_and_records_the_failure(
    moderator_client, make_story, smtp_settings, commit
):
    story = make_story(status=Story.Status.PENDING, email="author@example.org")

    with commit():
        moderator_client.post(CHANGELIST, action("approve_stories", story))

    story.refresh_from_db()
    assert story.status == Story.Status.APPROVED
    assert story.email == "author@example.org"
    assert story.email_failed_at is not None
    assert Decision.objects.get(story=story, action=Decision.Action.EMAIL_FAILED).detail == "ConnectionRefusedError"


# Committed for real, as in production: each decision's e-mail goes before the page answers.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_moderator_is_told_at_once_that_a_bulk_decision_email_failed(moderator_client, make_story, smtp_settings):
    story = make_story(status=Story.Status.PENDING, email="author@example.org")

    response = moderator_client.post(CHANGELIST, action("approve_stories", story), follow=True)

    assert "Approved and published 1 story." in response.text
    assert "could not be sent. The decision stands" in response.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_moderator_is_told_at_once_that_a_change_page_decision_email_failed(
    admin_client, make_story, smtp_settings
):
    story = make_story(status=Story.Status.PENDING, email="author@example.org")

    response = admin_client.post(change_url(story), change_form(story, _approve="1"), follow=True)

    assert "could not be sent. The decision stands" in response.text


def test_stories_whose_email_failed_are_listed_and_can_be_sent_again(
    moderator_client, make_story, smtp_settings, commit
):
    story = make_story(status=Story.Status.PENDING, email="author@example.org")
    with commit():
        moderator_client.post(CHANGELIST, action("approve_stories", story))
    assert moderator_client.get(CHANGELIST, {"status": "all", "email": "failed"}).context["cl"].result_count == 1

    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    server.start()
    try:
        moderator_client.post(f"{CHANGELIST}?status=all", action("retry_emails", story))
    finally:
        server.stop()

    assert len(inbox.messages) == 1
    story.refresh_from_db()
    assert (story.email, story.email_failed_at) == ("", None)


def test_change_page_shows_a_failed_email_with_a_button_to_send_it_again(
    moderator_client, make_story, smtp_settings, commit
):
    story = make_story(status=Story.Status.PENDING, email="author@example.org")
    with commit():
        story.approve(by=story.decided_by)

    text = moderator_client.get(change_url(story)).text

    assert "The e-mail telling the author the decision was not sent." in text
    assert f'action="{reverse("admin:stories_story_retry_email", args=[story.pk])}"' in text


def test_the_send_again_button_tells_the_author(moderator_client, make_story, smtp_settings, commit):
    story = make_story(status=Story.Status.PENDING, email="author@example.org")
    with commit():
        story.approve(by=None)
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    server.start()
    try:
        response = moderator_client.post(reverse("admin:stories_story_retry_email", args=[story.pk]), follow=True)
    finally:
        server.stop()

    assert "The author has been told by e-mail." in response.text
    assert [recipients for recipients, _ in inbox.messages] == [["author@example.org"]]
