import io
import json
import logging
import re
import uuid

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from imuran_info.logs import PrivacyFilter
from stories.models import Story
from tests.conftest import STAFF_PASSWORD, STORY_TEXT
from tests.services import get, gunicorn, site_environment
from tests.test_settings import run_manage

pytestmark = pytest.mark.django_db

AUTHOR_EMAIL = "pat.author@example.com"
PHONE = "07700 900461"
PRIVATE_PHRASE = "my purple kitchen table"
A_TOKEN = "Qm9vdHN0cmFwX3Rva2VuX2Zvcl90ZXN0aW5nX29ubHk"  # 43 characters, shaped like a story token


@pytest.fixture
def log_output():
    """What the site's own log handler writes, with every logger opened to every level."""
    handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, PrivacyFilter) for f in h.filters)]
    assert handlers, "the site's log handler is not installed"
    buffer = io.StringIO()
    streams = [handler.setStream(buffer) for handler in handlers]
    loggers = [logging.getLogger()] + [
        logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    # As in development: every query is logged, with its parameters, at DEBUG.
    connection.force_debug_cursor = True
    yield buffer
    connection.force_debug_cursor = False
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)
    for handler, stream in zip(handlers, streams, strict=True):
        handler.setStream(stream)


def test_logs_of_a_whole_story_journey_hold_no_personal_data(
    log_output, moderator, story_form, django_capture_on_commit_callbacks
):
    author = Client(REMOTE_ADDR="203.0.113.77")
    reader = Client(REMOTE_ADDR="198.51.100.23")
    staff = Client(REMOTE_ADDR="2001:db8::45")
    text = f"{STORY_TEXT}\n\nI wrote this at {PRIVATE_PHRASE}. Call me on {PHONE} or write to {AUTHOR_EMAIL}."

    # The author shares a story with an e-mail address, and visits the private pages.
    with django_capture_on_commit_callbacks(execute=True):
        author.post(reverse("stories:share"), story_form(text=text, email=AUTHOR_EMAIL), follow=True)
    story = Story.objects.get()
    status_url = reverse("stories:status", args=[story.token])
    author.get(status_url)
    author.get(reverse("stories:status", args=[A_TOKEN]))  # a mistyped link: "Not Found" with its path

    # The moderator mistypes the password, logs in and approves: the author is e-mailed.
    login = reverse("admin:login")
    staff.post(login, {"username": moderator.username, "password": "not the password", "next": "/admin/"})
    staff.post(login, {"username": moderator.username, "password": STAFF_PASSWORD, "next": "/admin/"})
    changelist = reverse("admin:stories_story_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        page = staff.post(changelist, {"action": "approve_stories", ACTION_CHECKBOX_NAME: [story.pk]})
        # Its phone number and address are flagged: the moderator confirms them on the page that lists them.
        confirmed = f"{story.pk}:{page.context['waiting'][0].digest}"
        staff.post(
            changelist,
            {
                "action": "approve_stories",
                ACTION_CHECKBOX_NAME: [story.pk],
                "confirm_flags": "yes",
                "publish_flagged": confirmed,
            },
        )
    assert AUTHOR_EMAIL in mail.outbox[0].to

    # A reader reports it; a stale form is refused; the author withdraws it; the purge runs.
    reader.post(reverse("stories:report", args=[story.pk]), {"reason": "other", "note": f"Seen at {PHONE}"})
    Client(enforce_csrf_checks=True).post(reverse("stories:withdraw", args=[story.token]))
    with django_capture_on_commit_callbacks(execute=True):
        author.post(reverse("stories:withdraw", args=[story.token]))
    call_command("purge_stories", stdout=io.StringIO())
    author.get(status_url)  # the story is gone: "Not Found" with the private path

    logged = log_output.getvalue()
    assert "Not Found: /stories/status/[token]/" in logged  # the log was captured, and scrubbed
    cookies = [cookie.value for who in (author, reader, staff) for cookie in who.cookies.values() if cookie.value]
    private = [PRIVATE_PHRASE, AUTHOR_EMAIL, PHONE, PHONE.replace(" ", ""), story.token, A_TOKEN, *cookies]
    private += ["203.0.113.77", "198.51.100.23", "2001:db8::45"]
    assert [value for value in private if value in logged] == []


def test_a_production_log_line_is_one_json_object_with_the_request_id_of_the_response(log_output, client):
    response = client.get(reverse("stories:status", args=[A_TOKEN]))

    records = [json.loads(line) for line in log_output.getvalue().splitlines()]
    [not_found] = [record for record in records if record["logger"] == "django.request"]
    assert not_found["level"] == "WARNING"
    assert not_found["message"] == "Not Found: /stories/status/[token]/"
    assert not_found["request_id"] == response["X-Request-ID"]


def log_the_answer(get_response):
    def middleware(request):
        logging.getLogger("imuran_info").warning("Answering a page")
        return get_response(request)

    return middleware


def test_a_page_kept_on_a_miss_answers_with_the_request_id_of_its_log_lines(log_output, make_article, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_logs.log_the_answer"]

    response = Client().get(make_article().get_absolute_url())  # a new client loads the middleware

    [line] = [json.loads(line) for line in log_output.getvalue().splitlines() if "Answering a page" in line]
    assert response["X-Page-Cache"] == "miss"
    assert line["request_id"] == response["X-Request-ID"]


def test_every_response_carries_a_new_request_id(client):
    first, second = client.get(reverse("home")), client.get(reverse("home"))

    assert uuid.UUID(first["X-Request-ID"]) != uuid.UUID(second["X-Request-ID"])


def test_the_front_servers_request_id_is_kept(client):
    response = client.get(reverse("home"), headers={"X-Request-ID": "9f86d081884c7d659a2feaa0c55ad015"})

    assert response["X-Request-ID"] == "9f86d081884c7d659a2feaa0c55ad015"


def test_a_request_id_that_could_carry_text_is_replaced(client):
    response = client.get(reverse("home"), headers={"X-Request-ID": "pat.author@example.com wrote this"})

    assert uuid.UUID(response["X-Request-ID"])


LOG_SOMETHING = "import logging; logging.getLogger('imuran_info').warning('Hello %s', 'pat.author@example.com')"


def test_development_logs_are_plain_lines():
    result = run_manage("shell", "-c", LOG_SOMETHING, DJANGO_DEBUG="true", DJANGO_SECRET_KEY="x")

    assert re.search(r"WARNING imuran_info \[-\] Hello \[email\]$", result.stdout.strip())


def test_production_logs_are_json_lines_on_stdout():
    result = run_manage("shell", "-c", LOG_SOMETHING, DJANGO_SECRET_KEY="a-long-production-like-key-" + "k" * 40)

    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert (record["level"], record["logger"], record["message"]) == ("WARNING", "imuran_info", "Hello [email]")


def test_development_mail_is_written_to_files_not_to_the_terminal():
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND)"

    result = run_manage("shell", "-c", code, DJANGO_DEBUG="true", DJANGO_SECRET_KEY="x")

    assert result.stdout.strip().endswith("django.core.mail.backends.filebased.EmailBackend")


def test_gunicorn_logs_json_lines_without_client_addresses_or_private_tokens(tmp_path):
    log_path = tmp_path / "gunicorn.log"
    env = site_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}")
    headers = {
        "X-Forwarded-For": "203.0.113.9",
        "Referer": f"http://127.0.0.1/stories/status/{A_TOKEN}/",
        "User-Agent": "pat.author@example.com",
    }
    with open(log_path, "w") as log, gunicorn(env, output=log) as url:
        status, response_headers, _ = get(f"{url}/stories/status/{A_TOKEN}/nothing-here/", headers)

    assert status == 404
    logged = log_path.read_text()
    records = [json.loads(line) for line in logged.splitlines()]  # every line is one JSON object
    [access] = [
        record for record in records if "/stories/" in record["message"] and record["logger"] == "gunicorn.access"
    ]
    assert access["message"].startswith("GET /stories/status/[token]/nothing-here/ 404 ")
    assert access["request_id"] == response_headers["X-Request-ID"]
    assert [value for value in (A_TOKEN, "203.0.113.9", "127.0.0.1", "pat.author") if value in logged] == []


def test_behind_the_front_server_gunicorn_writes_no_access_line_of_its_own(tmp_path):
    log_path = tmp_path / "gunicorn.log"
    env = site_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}", GUNICORN_ACCESS_LOG="")
    with open(log_path, "w") as log, gunicorn(env, output=log) as url:
        status, _, _ = get(f"{url}/about/")

    assert status == 200
    records = [json.loads(line) for line in log_path.read_text().splitlines()]
    assert [record for record in records if record["logger"] == "gunicorn.access"] == []
    assert any(record["logger"] == "gunicorn.error" for record in records)  # the log itself still works
