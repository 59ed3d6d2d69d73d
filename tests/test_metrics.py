import datetime
import re
import threading
from pathlib import Path

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from stories.models import Story
from tests.services import free_port, get, gunicorn, site_environment

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parent.parent / "README.md"


def sample(text, name, **labels):
    """The value of one series in Prometheus's text format (0 if absent)."""
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
            if all(found.get(key) == value for key, value in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.fixture
def scrape(settings):
    settings.METRICS_ALLOWED_NETWORKS = metrics_networks("127.0.0.1")

    def read():
        response = Client(REMOTE_ADDR="127.0.0.1").get("/metrics")
        assert response.status_code == 200
        return response.content.decode()

    return read


def metrics_networks(*addresses):
    import ipaddress

    return [ipaddress.ip_network(address) for address in addresses]


def test_metrics_are_hidden_from_anonymous_visitors(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_are_open_to_staff(editor_client):
    response = editor_client.get("/metrics")

    assert response.status_code == 200
    assert "imuran_stories_waiting" in response.text


def test_metrics_are_open_to_an_allowed_network(settings):
    settings.METRICS_ALLOWED_NETWORKS = metrics_networks("10.20.0.0/16")

    assert Client(REMOTE_ADDR="10.20.30.40").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.21.30.40").get("/metrics").status_code == 404


def test_behind_a_proxy_metrics_follow_the_client_address_not_the_proxys(settings):
    settings.STORY_TRUST_X_FORWARDED_FOR = True
    settings.METRICS_ALLOWED_NETWORKS = metrics_networks("127.0.0.1")
    through_proxy = Client(REMOTE_ADDR="127.0.0.1", headers={"X-Forwarded-For": "198.51.100.7"})

    assert through_proxy.get("/metrics").status_code == 404


def test_metrics_count_requests_and_their_latency_by_view(client, scrape):
    before = scrape()
    for _ in range(3):
        client.get(reverse("about"))

    after = scrape()
    total = "django_http_requests_total_by_view_transport_method_total"
    latency = "django_http_requests_latency_seconds_by_view_method_count"
    assert sample(after, total, view="about") - sample(before, total, view="about") == 3
    assert sample(after, latency, view="about") - sample(before, latency, view="about") == 3


def test_metrics_count_answers_by_status_and_view_as_the_server_errors_alert_reads_them(client, scrape):
    name = "django_http_responses_total_by_status_view_method_total"
    missing = {"status": "404", "view": "stories:detail", "method": "GET"}
    before = scrape()
    client.get(reverse("stories:detail", args=[987654]))  # no such story
    client.get(reverse("about"))

    after = scrape()
    assert sample(after, name, **missing) - sample(before, name, **missing) == 1
    assert sample(after, name, status="200", view="about") - sample(before, name, status="200", view="about") == 1


def test_a_view_that_fails_is_counted_once_as_a_500_with_its_latency(make_story, scrape, monkeypatch):
    import stories.views

    def fail(*args, **kwargs):
        raise RuntimeError("the page could not be built")

    monkeypatch.setattr(stories.views, "story_page", fail)
    story = make_story()
    failed = {"status": "500", "view": "stories:detail"}
    latency = "django_http_requests_latency_seconds_by_view_method_count"
    before = scrape()

    answer = Client(raise_request_exception=False).get(story.get_absolute_url())

    after = scrape()
    name = "django_http_responses_total_by_status_view_method_total"
    assert answer.status_code == 500
    assert sample(after, name, **failed) - sample(before, name, **failed) == 1
    assert sample(after, latency, view="stories:detail") - sample(before, latency, view="stories:detail") == 1


def test_metrics_show_stories_waiting_and_how_long_the_oldest_has_waited(make_story, scrape):
    with time_machine.travel(datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC), tick=False):
        make_story(status=Story.Status.PENDING)
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        make_story(status=Story.Status.PENDING)
        make_story(status=Story.Status.APPROVED)
        text = scrape()

    assert sample(text, "imuran_stories_waiting") == 2
    assert sample(text, "imuran_stories_oldest_waiting_seconds") == 24 * 60 * 60


def test_metrics_count_page_cache_hits_and_misses(scrape, client, make_article):
    article = make_article()
    before = scrape()
    for _ in range(3):
        client.get(article.get_absolute_url())  # rendered once, then served twice from the cache

    after = scrape()
    name = "imuran_page_cache_requests_total"
    assert sample(after, name, result="hit") - sample(before, name, result="hit") == 2
    assert sample(after, name, result="miss") - sample(before, name, result="miss") == 1


def test_a_decision_mail_that_cannot_be_sent_is_counted(
    moderator_client, make_story, settings, scrape, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    story = make_story(status=Story.Status.PENDING, email="pat.author@example.com")
    before = sample(scrape(), "imuran_mail_failures_total")

    changelist = reverse("admin:stories_story_changelist")
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail goes once the decision commits
        moderator_client.post(changelist, {"action": "approve_stories", ACTION_CHECKBOX_NAME: [story.pk]})

    assert sample(scrape(), "imuran_mail_failures_total") - before == 1


def test_every_alert_in_the_readme_uses_a_metric_the_site_exports(client, scrape):
    client.get("/no-such-page/")  # so that responses by status have a sample
    alerts = README.read_text().split("### Alerts", 1)[1].split("\n### ", 1)[0]
    used = set(re.findall(r"\b((?:imuran|django)_[a-z_]+)\b", alerts))
    exported = scrape()

    assert len(used) >= 3
    assert [name for name in sorted(used) if not re.search(rf"^{name}[{{ ]", exported, re.MULTILINE)] == []


def test_counts_from_every_gunicorn_worker_add_up_in_one_scrape(tmp_path):
    env = site_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", METRICS_ALLOWED_ADDRESSES="127.0.0.1")
    with gunicorn(env, workers=2) as url:
        # Four clients at once, so both workers answer some of the forty requests.
        def visit():
            for _ in range(10):
                assert get(f"{url}/healthz")[0] == 200

        visitors = [threading.Thread(target=visit) for _ in range(4)]
        for visitor in visitors:
            visitor.start()
        for visitor in visitors:
            visitor.join()
        status, _, body = get(f"{url}/metrics")

    assert status == 200
    name = "django_http_requests_total_by_view_transport_method_total"
    # The forty, plus the health check gunicorn() made while waiting for the server.
    assert sample(body.decode(), name, view="healthz") >= 40
