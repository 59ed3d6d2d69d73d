"""The review workflow and the dose check (issue 13, items 4 and 6)."""

import pytest
from django.core import mail
from django.urls import reverse

from articles.models import Article, Publication

pytestmark = pytest.mark.django_db

DOSES = "Adults take 2.5 mg/kg per day, which is 150 mg daily, as two 50 mg tablets twice daily."


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def submitted(editor_client, make_article, article_form, publisher):
    article = make_article(title="Side effects")
    editor_client.post(
        change_url(article), article_form(article, body="New words.", change_note="Clearer advice.", _submit="1")
    )
    article.refresh_from_db()
    return article


def test_editor_submits_for_review_with_a_note_and_the_article_is_in_review(submitted, editor):
    assert submitted.state_in_words() == "In review"
    assert submitted.submitted_by == editor
    assert submitted.submission_note == "Clearer advice."
    assert submitted.body == "New words."


def test_submitting_for_review_emails_the_publishers(submitted, publisher):
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [publisher.email]
    assert mail.outbox[0].subject == "Waiting for review: Side effects"
    assert "Clearer advice." in mail.outbox[0].body
    assert change_url(submitted) in mail.outbox[0].body


def test_publishers_see_what_waits_on_the_admin_home(submitted, publisher_client):
    reminders = publisher_client.get(reverse("admin:index")).text.split('id="reminders"')[1]

    assert "Articles waiting for review" in reminders
    assert "Side effects" in reminders
    assert "Clearer advice." in reminders


def test_the_article_list_filters_articles_in_review(submitted, make_article, publisher_client):
    make_article(title="Not submitted")

    text = publisher_client.get(reverse("admin:articles_article_changelist"), {"state": "in_review"}).text

    assert "Side effects" in text
    assert "Not submitted" not in text


def test_publisher_requests_changes_with_a_comment_the_editor_sees(submitted, publisher_client, editor_client, editor):
    publisher_client.post(
        reverse("admin:articles_article_request_changes", args=[submitted.pk]),
        {"comment": "Please add what to do about a sore throat."},
    )

    page = editor_client.get(change_url(submitted)).text
    assert "Changes requested by publisher" in page
    assert "Please add what to do about a sore throat." in page
    assert mail.outbox[-1].to == [editor.email]
    assert mail.outbox[-1].subject == "Changes requested: Side effects"


def test_a_request_for_changes_needs_a_comment(submitted, publisher_client):
    response = publisher_client.post(reverse("admin:articles_article_request_changes", args=[submitted.pk]), {})

    assert response.status_code == 200
    assert "This field is required." in response.text
    submitted.refresh_from_db()
    assert submitted.state_in_words() == "In review"


def test_an_editor_cannot_request_changes(submitted, editor_client):
    response = editor_client.post(
        reverse("admin:articles_article_request_changes", args=[submitted.pk]), {"comment": "Hmm."}
    )

    assert response.status_code == 403


def test_publishing_ends_the_review(submitted, publisher_client, article_form):
    publisher_client.post(change_url(submitted), article_form(submitted, _publish="1"))

    submitted.refresh_from_db()
    assert submitted.state_in_words() == "Live"


# --- Dose numbers -------------------------------------------------------------


def test_publishing_text_with_dose_numbers_is_blocked_with_the_numbers_highlighted(
    publisher_client, client, make_article, article_form
):
    article = make_article(body="## Dose?\n\nThe old text.")

    response = publisher_client.post(change_url(article), article_form(article, body=DOSES, _publish="1"))

    assert response.status_code == 200
    assert "Not published: the text has dose numbers" in response.text
    assert "<mark>150 mg</mark>" in response.text and "<mark>twice daily</mark>" in response.text
    assert "The old text." in client.get(article.get_absolute_url()).text
    article.refresh_from_db()
    assert article.body == "## Dose?\n\nThe old text."


def test_the_saved_draft_shows_each_dose_number_highlighted(editor_client, make_article, article_form):
    article = make_article()
    editor_client.post(change_url(article), article_form(article, body=DOSES))

    page = editor_client.get(change_url(article)).text

    for dose in ["2.5 mg/kg", "150 mg", "50 mg", "twice daily"]:
        assert f"<mark>{dose}</mark>" in page


def test_a_publisher_may_publish_dose_numbers_with_a_recorded_reason(
    publisher_client, client, make_article, article_form
):
    article = make_article()
    reason = "The clinical lead asked for the licensed maximum to be stated."

    publisher_client.post(
        change_url(article), article_form(article, body=DOSES, dose_override_reason=reason, _publish="1")
    )

    assert "150 mg" in client.get(article.get_absolute_url()).text
    assert Publication.objects.filter(article=article).first().dose_override_reason == reason


def test_an_editor_cannot_give_the_dose_override_reason(editor_client, make_article, article_form):
    article = make_article()

    page = editor_client.get(change_url(article)).text

    assert "dose_override_reason" not in page


def test_publish_refuses_dose_numbers_without_a_reason_at_the_model(make_article):
    from articles.models import DoseNumbersFound

    article = make_article(status=Article.Status.DRAFT, body=DOSES)

    with pytest.raises(DoseNumbersFound):
        article.publish(note="Trying.")
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_if_the_mail_server_is_down_the_submission_still_counts_and_the_editor_is_told(
    editor_client, make_article, article_form, publisher, settings
):
    # A real SMTP backend pointed at a port where nothing listens.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    article = make_article()

    response = editor_client.post(change_url(article), article_form(article, _submit="1"), follow=True)

    assert response.status_code == 200
    assert "The e-mail to publishers could not be sent" in response.text
    article.refresh_from_db()
    assert article.state_in_words() == "In review"
