import re

import pytest
from django.urls import reverse

from stories.models import SideEffect, Story

pytestmark = pytest.mark.django_db

SHARE_URL = reverse("stories:share")


def share(client, data, **extra):
    return client.post(SHARE_URL, data, **extra)


def test_share_form_shows_the_length_limit_without_javascript(client):
    response = client.get(SHARE_URL)

    assert response.status_code == 200
    assert "Between 100 and 5,000 characters" in response.text
    assert 'data-max-length="5000"' in response.text
    assert "js/story-form.js" in response.text


def test_share_form_has_no_maxlength_that_would_cut_a_pasted_story(client):
    textarea = re.search(r'<textarea[^>]*id="id_text"[^>]*>', client.get(SHARE_URL).text).group()

    assert "maxlength" not in textarea


def test_share_form_groups_radio_buttons_and_checkboxes_under_legends(client):
    text = client.get(SHARE_URL).text

    assert "<legend>Who are you? (optional)</legend>" in text
    assert "<legend>Side effects you had (optional)</legend>" in text
    assert "<legend>Did Imuran help? (optional)</legend>" in text
    assert '<legend class="form-section">Your agreement</legend>' in text


def test_share_form_offers_every_side_effect_tag_moderators_manage(client):
    SideEffect.objects.create(name="Headaches", slug="headaches", position=20)

    text = client.get(SHARE_URL).text

    assert "Feeling sick (nausea)" in text
    assert "Headaches" in text


def test_valid_story_is_saved_as_pending_and_leads_to_the_thank_you_page(client, story_form):
    response = share(client, story_form(side_effects=[SideEffect.objects.get(slug="nausea").pk]))

    story = Story.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("stories:thanks", args=[story.token])
    assert story.status == Story.Status.PENDING
    assert list(story.side_effects.values_list("slug", flat=True)) == ["nausea"]
    assert story.helped_rating == 4


def test_thank_you_page_shows_the_private_status_link(client, story_form):
    response = share(client, story_form(), follow=True)

    story = Story.objects.get()
    assert f'href="{reverse("stories:status", args=[story.token])}"' in response.text
    assert response["Cache-Control"] == "private, no-store"


def test_submission_records_consent_version_and_time(client, story_form, settings):
    settings.STORY_TERMS_VERSION = "2099-01-01"

    share(client, story_form())

    story = Story.objects.get()
    assert story.consent_version == "2099-01-01"
    assert story.consented_at is not None


def test_submission_keeps_the_text_as_sent_and_stores_the_client_only_as_a_hash(client, story_form):
    share(client, story_form(), REMOTE_ADDR="203.0.113.9")

    story = Story.objects.get()
    assert story.original_text == story.text
    assert len(story.client_hash) == 64
    assert "203.0.113.9" not in story.client_hash
    assert "203.0.113.9" not in str(Story.objects.values().get())


def test_server_owned_fields_posted_by_the_client_are_ignored(client, story_form):
    share(client, story_form(status="approved", token="chosen-token", flags="[]", moderator_note="hi"))

    story = Story.objects.get()
    assert story.status == Story.Status.PENDING
    assert story.token != "chosen-token"
    assert story.moderator_note == ""


def test_empty_display_name_appears_as_anonymous(client, story_form):
    share(client, story_form(display_name="  "))

    assert Story.objects.get().display_name == "Anonymous"


def test_windows_line_breaks_count_as_one_character(client, story_form):
    text = ("a" * 98 + "\r\n") * 50  # 4,950 characters as a browser counts them

    response = share(client, story_form(text=text))

    assert response.status_code == 302
    assert Story.objects.get().text == text.replace("\r\n", "\n").strip()


# --- Bad input: each is shown again with a message at the field and the typed text kept.


def assert_shown_again(response, field_id, message, kept_text):
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert f'href="#{field_id}"' in response.text
    assert f'id="{field_id.removesuffix("_0")}_error"' in response.text
    assert message in response.text
    assert kept_text in response.text
    assert not Story.objects.exists()


def test_too_short_story_is_refused_with_its_text_kept(client, story_form):
    response = share(client, story_form(text="Too short to be a story."))

    assert_shown_again(response, "id_text", "at least 100 characters. It has 24.", "Too short to be a story.")


def test_too_long_story_is_refused_with_its_text_kept(client, story_form):
    text = "Every day was different. " * 240  # 6,000 characters

    response = share(client, story_form(text=text))

    assert_shown_again(response, "id_text", "5,000 characters or fewer. It has 5,999.", "Every day was different.")


def test_missing_story_is_refused(client, story_form):
    response = share(client, story_form(text=""))

    assert_shown_again(response, "id_text", "Enter your story.", "My first year on Imuran")


@pytest.mark.parametrize(
    ("consent", "message"),
    [
        ("consent_age", "Confirm that you are 16 or over."),
        ("consent_own", "Confirm that this is your own experience"),
        ("consent_publish", "Agree to the story guidelines and privacy notice"),
    ],
)
def test_missing_consent_is_refused_with_the_story_kept(client, story_form, consent, message):
    data = story_form()
    del data[consent]

    response = share(client, data)

    assert_shown_again(response, f"id_{consent}", message, "taking it after food helped")


@pytest.mark.parametrize(
    ("field", "value", "field_id"),
    [
        ("condition", "cancer", "id_condition"),
        ("role", "doctor", "id_role_0"),
        ("time_on_imuran", "forever", "id_time_on_imuran"),
        ("age_band", "12", "id_age_band"),
        ("helped_rating", "7", "id_helped_rating_0"),
        ("side_effects", "999999", "id_side_effects_0"),
        ("side_effects", "nausea", "id_side_effects_0"),
    ],
)
def test_unknown_choice_is_refused_with_the_story_kept(client, story_form, field, value, field_id):
    response = share(client, story_form(**{field: value}))

    assert_shown_again(response, field_id, "Choose one of the options listed.", "taking it after food helped")


@pytest.mark.parametrize("value", ["99999999999999999999999", "-1", "1.5", "\u00b2"])
def test_a_side_effect_no_tag_could_have_is_refused_with_the_story_kept(client, story_form, value):
    response = share(client, story_form(side_effects=[value]))

    assert_shown_again(response, "id_side_effects_0", "Choose one of the options listed.", "The first weeks were hard")


def test_nul_byte_in_the_story_is_refused_with_a_message_and_the_text_kept(client, story_form):
    text = "A story with a hidden\x00 character. " * 5

    response = share(client, story_form(text=text))

    assert_shown_again(response, "id_text", "hidden control character (a null byte)", "A story with a hidden")


def test_nul_byte_in_the_title_is_refused_with_a_message(client, story_form):
    response = share(client, story_form(title="Bad\x00title"))

    assert_shown_again(response, "id_title", "hidden control character", "taking it after food helped")


def test_invalid_email_is_refused_with_the_story_kept(client, story_form):
    response = share(client, story_form(email="not an address"))

    assert_shown_again(response, "id_email", "Enter an e-mail address like", "taking it after food helped")


def test_invalid_field_is_linked_to_its_message_for_screen_readers(client, story_form):
    text = share(client, story_form(text="Short.")).text

    assert 'aria-invalid="true"' in text
    assert 'aria-describedby="id_text_error id_text_helptext"' in text


def test_oversized_request_body_gets_the_friendly_400_page_not_a_500(client, story_form):
    response = share(client, story_form(text="x" * 300_000))

    assert response.status_code == 400
    assert "We could not read what was sent" in response.text
    assert not Story.objects.exists()


# --- Abuse: honeypot and rate limit.


def test_filled_honeypot_looks_like_success_but_saves_nothing(client, story_form):
    response = share(client, story_form(website="http://spam.example"))

    assert response.status_code == 200
    assert "Thank you for sharing your story" in response.text
    assert not Story.objects.exists()


def test_honeypot_is_hidden_from_people_and_labelled_leave_this_empty(client):
    text = client.get(SHARE_URL).text

    assert '<div class="field honeypot" aria-hidden="true">' in text
    assert "Leave this empty" in text
    assert 'tabindex="-1"' in text
    assert 'autocomplete="off"' in text


def test_share_form_requires_a_csrf_token(story_form):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(SHARE_URL, story_form())

    assert response.status_code == 403
    assert not Story.objects.exists()


# --- Urgent words: the thank-you page points to help.


def test_thank_you_page_shows_urgent_help_when_the_story_mentions_urgent_symptoms(client, story_form):
    text = story_form()["text"] + " Last week I had a fever and my eyes went yellow."

    response = share(client, story_form(text=text), follow=True)

    assert "Get help urgently" in response.text


def test_thank_you_page_shows_crisis_help_when_the_story_mentions_suicidal_thoughts(client, story_form):
    text = story_form()["text"] + " Some days I felt I wanted to die."

    response = share(client, story_form(text=text), follow=True)

    assert "Samaritans free on 116 123" in response.text


def test_thank_you_page_has_no_urgent_help_for_an_ordinary_story(client, story_form):
    response = share(client, story_form(), follow=True)

    assert "Get help urgently" not in response.text
    assert "Samaritans" not in response.text


def test_the_error_summary_gives_a_missing_consent_in_its_own_words_without_the_whole_label(client, story_form):
    data = story_form()
    del data["consent_publish"]

    response = share(client, data)

    summary = response.text.split('class="error-summary"')[1].split("</div>")[0]
    assert "Agree to the story guidelines and privacy notice to send your story." in summary
    assert "I agree to my story being published" not in summary
