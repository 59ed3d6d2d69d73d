"""Item 6 of issue 11 (pages): PostgreSQL stops, and the site keeps its head.

A PostgreSQL cluster of the test's own (pg_createcluster on a spare port) behind one gunicorn
worker. Each test stops it and starts it again before it ends.
"""

import contextlib
import html
import re
import urllib.parse

import pytest

from deploy.stack import HOST, free_port, gunicorn
from tests.faults.servers import Browser, OwnPostgres, in_site, prepare_site, site_environment

NEW_STORIES = """
from django.utils import timezone
from stories.models import Story
stories = [
    Story.objects.create(
        title=f"Database story {number}", text="Blood tests every month kept me calm.",
        original_text="Blood tests every month kept me calm.", display_name="Alex", role="patient",
        condition="lupus", status=Story.Status.APPROVED, consented_at=timezone.now(), consent_version="test",
    )
    for number in range(3)
]
print(*(story.pk for story in stories))
"""


@pytest.fixture(scope="module")
def site(site_files):
    postgres = OwnPostgres()
    try:
        env = site_environment(site_files, DATABASE_URL=postgres.url)
        prepare_site(env)
        stories = [f"/stories/{pk}/" for pk in in_site(env, NEW_STORIES).split()]
        port = free_port()
        with gunicorn(port, workers=1, env=env):
            yield Browser(f"http://{HOST}:{port}"), postgres, stories
    finally:
        postgres.drop()


@contextlib.contextmanager
def database_stopped(postgres):
    postgres.stop()
    try:
        yield
    finally:
        postgres.start()


def test_cached_public_pages_are_served_while_the_database_is_stopped(site):
    reader, postgres, stories = site
    for path in ("/", stories[0]):
        reader.request(path)

    with database_stopped(postgres):
        home, story = reader.request("/"), reader.request(stories[0])

    assert (home[0], story[0]) == (200, 200)
    assert b"Database story 0" in story[2]


def test_an_uncached_page_answers_a_friendly_503_with_retry_after_while_the_database_is_stopped(site):
    reader, postgres, stories = site

    with database_stopped(postgres):
        status, headers, body = reader.request(stories[1])

    assert status == 503
    assert headers["Retry-After"] == "30"
    assert b"This page is not available for a moment" in body


def test_the_site_recovers_without_a_restart_when_the_database_is_back(site):
    reader, postgres, stories = site
    with database_stopped(postgres):
        assert reader.request(stories[2])[0] == 503

    status, _, body = reader.request(stories[2])

    assert status == 200
    assert b"Database story 2" in body


def test_a_story_sent_while_the_database_is_stopped_comes_back_with_everything_typed_and_is_not_lost(site):
    reader, postgres, _ = site
    form = reader.request("/stories/share/")[2].decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    first_tag = re.search(r'<input type="checkbox" name="side_effects" value="(\d+)"', form).group(1)
    story = {
        "csrfmiddlewaretoken": token,
        "text": "Sent while the database was stopped. My hair thinned in the first months, then settled. " * 2,
        "title": "A story that must not be lost",
        "condition": "lupus",
        "side_effects": first_tag,
        "consent_age": "on",
        "consent_own": "on",
        "consent_publish": "on",
    }
    body = urllib.parse.urlencode(story).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": reader.base_url + "/stories/share/"}

    with database_stopped(postgres):
        status, response_headers, page = reader.request("/stories/share/", data=body, headers=headers)
    page = html.unescape(page.decode())

    assert status == 503
    assert response_headers["Retry-After"] == "30"
    assert "Your story has not been sent yet" in page
    assert story["text"].strip() in page
    assert 'value="A story that must not be lost"' in page
    assert re.search(r'<option value="lupus" selected>', page)
    assert re.search(rf'name="side_effects" value="{story["side_effects"]}"[^>]*checked', page)
    # Once the database is back, the same form sent again is stored.
    assert reader.request("/stories/share/", data=body, headers=headers)[0] == 302
