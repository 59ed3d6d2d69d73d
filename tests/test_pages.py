"""The contact form, the privacy notice, the urgent-help page and the operator's deploy checks."""

import socket

import pytest
from django.apps import apps
from django.urls import reverse

from tests.test_settings import PRODUCTION_ENV, run_manage

pytestmark = pytest.mark.django_db

EDITORS = "editors@imuran-info.example"
MESSAGE = "The link to the NHS page about vaccines on your immune system page does not open."


@pytest.fixture
def contact_settings(settings):
    settings.SITE_CONTACT_EMAIL = EDITORS
    settings.SITE_DATA_CONTROLLER = "Example Health Charity, 1 Example Street, London"
    return settings


def contact_form(**changes):
    return {"message": MESSAGE, "name": "Sam", "email": "sam@example.org", "website": "", **changes}


def row_counts():
    # The hourly rate limit counts the sender as a keyed hash and a number: no part of the message.
    models = [model for model in apps.get_models() if model._meta.label != "stories.ClientCount"]
    return {model._meta.label: model.objects.count() for model in models}


# --- Contact -------------------------------------------------------------------------


def test_contact_message_is_emailed_to_the_editors_and_the_site_keeps_no_copy(client, contact_settings, mailoutbox):
    before = row_counts()

    response = client.post(reverse("contact"), contact_form(), follow=True)

    assert "Thank you. Your message has gone to our editors." in response.text
    assert [mail.to for mail in mailoutbox] == [[EDITORS]]
    assert MESSAGE in mailoutbox[0].body
    assert row_counts() == before


def test_editors_reply_goes_straight_to_the_address_the_sender_gave(client, contact_settings, mailoutbox):
    client.post(reverse("contact"), contact_form())

    assert mailoutbox[0].reply_to == ["sam@example.org"]


def test_sender_who_wants_no_reply_need_give_no_address(client, contact_settings, mailoutbox):
    client.post(reverse("contact"), contact_form(name="", email=""))

    assert mailoutbox[0].reply_to == []
    assert "(not given: the sender does not want a reply)" in mailoutbox[0].body


def test_empty_message_is_shown_again_with_a_plain_error_and_everything_typed_kept(
    client, contact_settings, mailoutbox
):
    response = client.post(reverse("contact"), contact_form(message=""))

    assert response.status_code == 200
    assert "Write your message." in response.text
    assert "This field is required" not in response.text
    assert 'value="sam@example.org"' in response.text and 'value="Sam"' in response.text
    assert mailoutbox == []


def test_message_over_the_limit_is_refused_with_its_text_kept(client, contact_settings, mailoutbox):
    long_message = "word " * 700

    response = client.post(reverse("contact"), contact_form(message=long_message))

    assert "Your message must be 3,000 characters or fewer." in response.text
    assert long_message.strip() in response.text
    assert mailoutbox == []


def test_robot_that_fills_the_hidden_field_sees_thanks_but_nothing_is_sent(client, contact_settings, mailoutbox):
    response = client.post(reverse("contact"), contact_form(website="https://spam.example"), follow=True)

    assert "Thank you. Your message has gone to our editors." in response.text
    assert mailoutbox == []


def test_sender_over_the_hourly_limit_keeps_every_field_and_nothing_is_sent(client, contact_settings, mailoutbox):
    contact_settings.STORY_RATE_LIMIT = 2
    for _ in range(2):
        client.post(reverse("contact"), contact_form())
    mailoutbox.clear()

    response = client.post(reverse("contact"), contact_form(message="A third message in the same hour."))

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Please send this one again in an hour." in response.text
    assert "A third message in the same hour." in response.text
    assert 'value="sam@example.org"' in response.text
    assert mailoutbox == []


def closed_port():
    # A port nobody listens on: the connection is refused, as when the mail server is down.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_message_is_kept_on_screen_when_the_mail_server_refuses_it(client, contact_settings):
    contact_settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    contact_settings.EMAIL_HOST, contact_settings.EMAIL_PORT = "127.0.0.1", closed_port()
    contact_settings.EMAIL_TIMEOUT = 5

    response = client.post(reverse("contact"), contact_form())

    assert response.status_code == 503
    assert "Sorry, we could not send your message just now." in response.text
    assert MESSAGE in response.text
    assert "Traceback" not in response.text


def test_contact_page_says_plainly_when_the_operator_has_set_no_address(client, settings):
    settings.SITE_CONTACT_EMAIL = ""

    text = client.get(reverse("contact")).text

    assert "the people who run this site have not set an address for it" in text
    assert "<form" not in text.split("<main", 1)[1].split("</main>", 1)[0]


def test_page_not_found_asks_for_the_broken_link_through_the_contact_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert f'<a href="{reverse("contact")}">tell us about it</a>' in response.text


def test_every_page_links_to_the_contact_page_and_urgent_help_in_the_footer(client):
    text = client.get(reverse("home")).text

    footer = text.split('<footer class="site-footer">', 1)[1]
    assert f'href="{reverse("contact")}"' in footer
    assert f'href="{reverse("urgent_help")}"' in footer


# --- Privacy notice ---------------------------------------------------------------------


def test_privacy_notice_names_the_data_controller_set_by_the_operator(client, contact_settings):
    text = client.get(reverse("stories:privacy")).text

    assert (
        "The data controller for this site is <strong>Example Health Charity, 1 Example Street, London</strong>" in text
    )
    assert f'<a href="mailto:{EDITORS}">{EDITORS}</a>' in text


def test_privacy_notice_says_plainly_when_no_data_controller_is_set(client, settings):
    settings.SITE_DATA_CONTROLLER = ""

    text = client.get(reverse("stories:privacy")).text

    assert "have not yet named the data controller here" in text
    assert "The data controller for this site is" not in text


def test_privacy_notice_explains_contact_messages_rights_and_how_to_complain_to_the_ico(client):
    text = client.get(reverse("stories:privacy")).text

    assert "The website itself keeps no copy." in text
    assert "What are my rights?" in text
    assert 'href="https://ico.org.uk/make-a-complaint/"' in text


# --- Urgent help ------------------------------------------------------------------------


def test_urgent_help_page_lists_the_warning_signs_and_who_to_call(client):
    text = client.get(reverse("urgent_help")).text

    assert "Get help urgently" in text
    assert "Emergency: call for an ambulance" in text
    assert "You took too much azathioprine." in text
    assert "NHS 111" in text and "911" in text


def test_urgent_help_contact_and_privacy_pages_are_in_the_sitemap(sitemap_addresses):
    addresses = sitemap_addresses()

    for name in ["urgent_help", "contact", "stories:privacy"]:
        assert f"http://testserver{reverse(name)}" in addresses


# --- The operator must name themselves before going live ----------------------------------


def test_deploy_check_fails_until_the_operator_names_the_data_controller_and_a_contact_address():
    unset = {k: v for k, v in PRODUCTION_ENV.items() if k not in {"SITE_DATA_CONTROLLER", "SITE_CONTACT_EMAIL"}}

    result = run_manage("check", "--deploy", **unset)

    assert result.returncode != 0
    assert "pages.E001" in result.stderr and "SITE_DATA_CONTROLLER is not set" in result.stderr
    assert "pages.E002" in result.stderr


def test_deploy_check_refuses_a_contact_address_that_is_not_an_email_address():
    result = run_manage("check", "--deploy", **{**PRODUCTION_ENV, "SITE_CONTACT_EMAIL": "the editors"})

    assert result.returncode != 0
    assert "pages.E002" in result.stderr


def test_forms_never_show_template_comments_to_readers(client, contact_settings, make_article):
    # A Django comment written over two lines is printed as text, not hidden.
    for url in [reverse("contact"), reverse("articles:report_problem", args=[make_article().slug])]:
        text = client.get(url).text

        assert "{#" not in text and "#}" not in text, url
