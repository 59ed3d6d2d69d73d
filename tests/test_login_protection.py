"""Admin login protection (django-axes): failures count per client address, whatever the username.

Two attacks: spraying passwords over many usernames from one address must be
stopped, and nobody at another address may lock a real admin out.
"""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

PASSWORD = "the right password for this editor"
LOGIN_URL = reverse("admin:login")
ATTACKER, EDITOR_ADDRESS = "203.0.113.9", "198.51.100.7"


@pytest.fixture
def staff(db, settings):
    # These tests log in dozens of times; a fast hasher keeps them quick and the
    # lockout does not depend on which hasher checks the password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return User.objects.create_user("editor", "editor@example.org", PASSWORD, is_staff=True)


def at(address, **headers):
    return Client(REMOTE_ADDR=address, **headers)


def log_in(client, username, password):
    return client.post(LOGIN_URL, {"username": username, "password": password, "next": "/admin/"})


def fail_logins(client, times, username="editor"):
    return [log_in(client, username, "a wrong password") for _ in range(times)]


def test_wrong_password_shows_the_login_form_again_with_an_error(client, staff):
    response = log_in(client, "editor", "a wrong password")

    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.text


def test_one_failure_fewer_than_the_limit_still_lets_the_editor_log_in(client, staff):
    fail_logins(client, settings.AXES_FAILURE_LIMIT - 1)

    response = log_in(client, "editor", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_reaching_the_failure_limit_answers_with_the_lockout_page(client, staff):
    *_, last = fail_logins(client, settings.AXES_FAILURE_LIMIT)

    assert last.status_code == 429
    assert "Too many failed logins" in last.text
    assert "Wait 15 minutes" in last.text


def test_locked_out_address_cannot_log_in_even_with_the_right_password(client, staff):
    fail_logins(client, settings.AXES_FAILURE_LIMIT)

    response = log_in(client, "editor", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_password_spraying_over_many_usernames_from_one_address_is_locked_out(staff):
    sprayer = at(ATTACKER)
    answers = [log_in(sprayer, f"user{n % 25}", "Winter2026!").status_code for n in range(100)]

    assert answers.index(429) == settings.AXES_FAILURE_LIMIT - 1
    assert log_in(sprayer, "editor", PASSWORD).status_code == 429


def test_failures_at_another_address_never_lock_the_real_editor_out(staff):
    fail_logins(at(ATTACKER), 3 * settings.AXES_FAILURE_LIMIT, username="editor")

    assert log_in(at(EDITOR_ADDRESS), "editor", PASSWORD).status_code == 302


def test_behind_the_proxy_failures_count_per_forwarded_address_not_for_the_proxy(staff, settings):
    settings.STORY_TRUST_X_FORWARDED_FOR = True
    attacker = at("127.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER)
    fail_logins(attacker, 3 * settings.AXES_FAILURE_LIMIT)

    editor = at("127.0.0.1", HTTP_X_FORWARDED_FOR=EDITOR_ADDRESS)

    assert log_in(editor, "editor", PASSWORD).status_code == 302
    assert log_in(attacker, "editor", PASSWORD).status_code == 429


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(staff, settings):
    settings.STORY_TRUST_X_FORWARDED_FOR = True
    # The proxy appends the address it saw; whatever the client typed before it is ignored.
    answers = [
        log_in(at("127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, {ATTACKER}"), "editor", "wrong").status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert answers[-1] == 429


def test_lockout_ends_after_the_cool_off_time(client, staff):
    fail_logins(client, settings.AXES_FAILURE_LIMIT)

    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=1)):
        response = log_in(client, "editor", PASSWORD)

    assert response.status_code == 302
