"""Abuse controls on the public forms: hourly limits per client, one story per resubmission, honeypots.

The limits live in the database (stories/throttle.py), so a Redis that is
stopped or frozen changes nothing: those tests start a Redis of their own.
"""

import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.urls import reverse

from articles.models import ProblemReport
from stories.models import SideEffect, Story, StoryReport

pytestmark = pytest.mark.django_db

SHARE_URL = reverse("stories:share")


def story_number(story_form, number, **changes):
    return story_form(text=f"Story number {number}. " + "Taking it with food helped me a great deal. " * 3, **changes)


def share_five(client, story_form, **extra):
    return [client.post(SHARE_URL, story_number(story_form, n), **extra).status_code for n in range(5)]


def test_sixth_story_in_an_hour_is_refused_with_the_form_shown_again_and_a_clear_message(client, story_form):
    assert share_five(client, story_form) == [302] * 5

    response = client.post(SHARE_URL, story_number(story_form, 6))

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Nothing is wrong with what you wrote, and it is all still here" in response.text
    assert '<form method="post" action="/stories/share/"' in response.text
    assert Story.objects.count() == 5


def test_the_refused_form_keeps_every_field_the_person_filled_in(client, story_form):
    tag = SideEffect.objects.first()
    share_five(client, story_form)
    data = story_number(
        story_form, 6, email="sam@example.org", ease_rating="2", side_effects=[tag.pk], display_name="Sam K"
    )

    text = client.post(SHARE_URL, data).text

    assert "Story number 6." in text
    for kept in [
        'value="My first year on Imuran"',
        'value="Sam K"',
        'value="sam@example.org"',
        'value="patient" id="id_role_0" checked',
        'value="crohns-disease" selected',
        'value="1-5-years" selected',
        'value="25-34" selected',
        'name="helped_rating" value="4" id="id_helped_rating_3" checked',
        'name="ease_rating" value="2" id="id_ease_rating_1" checked',
        f'name="side_effects" value="{tag.pk}" id="id_side_effects_0" checked',
        'name="consent_publish" required id="id_consent_publish" checked',
    ]:
        assert kept in text, kept


def test_rate_limit_counts_each_client_separately(client, story_form):
    share_five(client, story_form, REMOTE_ADDR="203.0.113.1")

    assert client.post(SHARE_URL, story_number(story_form, 6), REMOTE_ADDR="203.0.113.2").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_rate_limit(client, story_form, settings):
    settings.STORY_TRUST_X_FORWARDED_FOR = False
    for number in range(5):
        client.post(SHARE_URL, story_number(story_form, number), HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")

    response = client.post(SHARE_URL, story_number(story_form, 6), HTTP_X_FORWARDED_FOR="198.51.100.99")

    assert response.status_code == 429


def test_behind_a_proxy_each_forwarded_client_has_its_own_limit(client, story_form, settings):
    settings.STORY_TRUST_X_FORWARDED_FOR = True
    share_five(client, story_form, HTTP_X_FORWARDED_FOR="forged, 198.51.100.1")

    other = client.post(SHARE_URL, story_number(story_form, 6), HTTP_X_FORWARDED_FOR="198.51.100.2")
    same = client.post(SHARE_URL, story_number(story_form, 7), HTTP_X_FORWARDED_FOR="other-forgery, 198.51.100.1")

    assert (other.status_code, same.status_code) == (302, 429)


def test_invalid_attempts_do_not_use_up_the_rate_limit(client, story_form):
    for _ in range(6):
        client.post(SHARE_URL, story_form(text="short"))

    assert client.post(SHARE_URL, story_form()).status_code == 302


# --- The same story sent again.


def test_the_same_story_sent_three_times_is_stored_once_with_the_same_private_link(client, story_form):
    answers = [client.post(SHARE_URL, story_form()) for _ in range(3)]

    assert Story.objects.count() == 1
    assert {answer["Location"] for answer in answers} == {reverse("stories:thanks", args=[Story.objects.get().token])}


def test_a_resubmission_differing_only_in_spaces_and_capitals_is_the_same_story(client, story_form):
    first = client.post(SHARE_URL, story_form())
    again = client.post(SHARE_URL, story_form(text=story_form()["text"].upper().replace(" ", "  ")))

    assert first["Location"] == again["Location"]
    assert Story.objects.count() == 1


def test_the_same_text_from_another_client_is_another_story(client, story_form):
    client.post(SHARE_URL, story_form(), REMOTE_ADDR="203.0.113.1")
    client.post(SHARE_URL, story_form(), REMOTE_ADDR="203.0.113.2")

    assert Story.objects.count() == 2


def test_the_same_text_sent_again_after_half_an_hour_is_a_new_story(client, story_form):
    import time_machine

    client.post(SHARE_URL, story_form())
    with time_machine.travel(time.time() + 30 * 60):
        client.post(SHARE_URL, story_form())

    assert Story.objects.count() == 2


def test_a_resubmission_does_not_use_up_the_rate_limit(client, story_form):
    for _ in range(6):
        client.post(SHARE_URL, story_form())

    assert share_five(client, story_form)[:4] == [302] * 4


# --- Reports about stories and articles.


def test_sixth_report_of_a_story_in_an_hour_is_refused_with_the_note_kept(client, make_story):
    story = make_story()
    url = reverse("stories:report", args=[story.pk])
    for _ in range(5):
        client.post(url, {"reason": "other", "note": "Looks odd."})

    response = client.post(url, {"reason": "other", "note": "My sixth note."})

    assert response.status_code == 429
    assert "My sixth note." in response.text
    assert StoryReport.objects.count() == 5


def test_article_problem_report_has_the_same_hourly_limit(client, make_article):
    url = reverse("articles:report_problem", args=[make_article().slug])
    answers = [client.post(url, {"kind": "unclear", "message": f"Report {n}"}).status_code for n in range(7)]

    assert answers == [302] * 5 + [429] * 2
    assert ProblemReport.objects.count() == 5


def test_refused_article_problem_report_is_shown_again_with_the_message_kept(client, make_article):
    url = reverse("articles:report_problem", args=[make_article().slug])
    for n in range(5):
        client.post(url, {"kind": "unclear", "message": f"Report {n}"})

    response = client.post(url, {"kind": "wrong", "message": "The sixth report."})

    assert "The sixth report." in response.text
    assert 'value="wrong" required id="id_kind_0" checked' in response.text
    assert "Nothing is wrong with what you wrote" in response.text


def test_article_problem_report_has_a_honeypot_that_saves_nothing(client, make_article):
    article = make_article()
    url = reverse("articles:report_problem", args=[article.slug])

    form = client.get(url).text
    response = client.post(url, {"kind": "unclear", "message": "Buy now", "website": "http://spam.example"})

    assert '<div class="field honeypot" aria-hidden="true">' in form
    assert response.status_code == 302
    assert not ProblemReport.objects.exists()


def test_story_report_has_a_honeypot_that_saves_nothing(client, make_story):
    story = make_story()

    client.post(reverse("stories:report", args=[story.pk]), {"reason": "other", "website": "spam"})

    assert not StoryReport.objects.exists()


# --- No Redis needed: a stopped or frozen one changes nothing.


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def own_redis():
    """A Redis server of this test's own, to stop or freeze."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed for this test (apt-get install redis-server)"
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield process, port
    process.send_signal(signal.SIGCONT)
    process.kill()
    process.wait()


@pytest.mark.parametrize("fault", ["stopped", "frozen"])
def test_sharing_and_its_rate_limit_work_while_redis_is_down(client, story_form, settings, own_redis, fault):
    process, port = own_redis
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            # Were the share view to touch this cache, the frozen server would turn it into an error.
            "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
        }
    }
    if fault == "stopped":
        process.kill()
        process.wait()
    else:
        process.send_signal(signal.SIGSTOP)

    answers = share_five(client, story_form) + [client.post(SHARE_URL, story_number(story_form, 6)).status_code]

    assert answers == [302] * 5 + [429]
