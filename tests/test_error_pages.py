import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_server_error_shows_the_friendly_page_without_the_traceback(settings):
    settings.ROOT_URLCONF = "tests.urls_broken"
    client = Client(raise_request_exception=False)

    response = client.get("/broken/")

    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in response.text
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text


def test_post_without_csrf_token_gets_the_friendly_403_page(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    response = client.post("/markdownx/markdownify/", {"content": "hi"})

    assert response.status_code == 403
    assert "You cannot open this page" in response.text


def test_every_page_sends_security_headers(client):
    response = client.get("/")

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
