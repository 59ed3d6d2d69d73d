import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HOST = "imuran.example.org"

# Runs in a child process with the production environment (DEBUG off, HTTPS on
# by default), fills a fresh database, and reports the headers of every page.
HEADER_PROBE = """
import json
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import django
from django.conf import settings

django.setup()
# collectstatic is not run here; the headers do not depend on hashed file names.
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from stories.models import Story

call_command("migrate", verbosity=0)
call_command("load_initial_content", verbosity=0)
client = Client(HTTP_HOST="%(host)s", raise_request_exception=False)
story = {"text": "A story long enough to be accepted by the form. " * 4, "consent_age": "on",
         "consent_own": "on", "consent_publish": "on"}
client.post(reverse("stories:share"), story, secure=True)
shared = Story.objects.get()
shared.approve(by=None)
# A second story stays pending: its thank-you page is what a new author sees.
waiting = {**story, "text": "Another story, still waiting. " * 5}
thanks = client.post(reverse("stories:share"), waiting, secure=True)["Location"]
def locations(path):
    found = ET.fromstring(client.get(path, secure=True).content)
    return [urlsplit(loc.text).path for loc in found.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]

sitemaps = locations("/sitemap.xml")
paths = [path for sitemap in sitemaps for path in locations(sitemap)]
paths += ["/no-such-page/", "/admin/login/", "/robots.txt", "/sitemap.xml", *sitemaps, thanks,
          shared.get_status_url(), shared.get_absolute_url(), reverse("stories:report", args=[shared.pk])]
def seen(response):
    return {":status": response.status_code, **response.headers}

pages = {path: seen(client.get(path, secure=True)) for path in paths}
pages["form with errors"] = seen(client.post(reverse("stories:share"), {}, secure=True))
plain_http = client.get("/")
print(json.dumps({"pages": pages, "plain_http": [plain_http.status_code, plain_http.get("Location")]}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    database = tmp_path_factory.mktemp("production") / "db.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "imuran_info.settings",
        "DJANGO_SECRET_KEY": "a-production-like-secret-key-" + "k3Pz" * 12,
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_URL": f"sqlite:///{database}",
    }
    result = subprocess.run(
        [sys.executable, "-c", HEADER_PROBE % {"host": HOST}],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def pages_where(production, is_wrong):
    return {path: headers for path, headers in production["pages"].items() if is_wrong(headers)}


def csp_directives(headers):
    policy = headers.get("Content-Security-Policy", "")
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def test_production_answers_every_page_in_the_sitemap_and_the_private_story_pages(production):
    statuses = {path: headers[":status"] for path, headers in production["pages"].items()}

    assert any(path.startswith("/articles/") for path in statuses)
    assert any(path.startswith("/stories/status/") for path in statuses)
    assert statuses.pop("/no-such-page/") == 404
    assert set(statuses.values()) == {200}


def test_production_redirects_plain_http_to_https(production):
    status, location = production["plain_http"]

    assert status == 301
    assert location == f"https://{HOST}/"


def test_every_page_has_a_script_policy_without_unsafe_inline_or_eval(production):
    def weak_scripts(headers):
        directives = csp_directives(headers)
        scripts = directives.get("script-src", directives.get("default-src"))
        return not scripts or {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(scripts)

    assert pages_where(production, weak_scripts) == {}


def test_every_page_forbids_objects_base_tags_and_framing_by_other_sites(production):
    def loose(headers):
        directives = csp_directives(headers)
        return (
            directives.get("frame-ancestors") != ["'none'"]
            or directives.get("object-src") != ["'none'"]
            or directives.get("base-uri") != ["'none'"]
            or headers.get("X-Frame-Options") != "DENY"
        )

    assert pages_where(production, loose) == {}


def test_every_page_tells_browsers_to_use_https_for_a_year_with_subdomains(production):
    def no_hsts(headers):
        hsts = headers.get("Strict-Transport-Security", "")
        max_age = next((int(part.split("=")[1]) for part in hsts.split(";") if part.strip().startswith("max-age")), 0)
        return max_age < 31536000 or "includeSubDomains" not in hsts

    assert pages_where(production, no_hsts) == {}


def test_every_page_stops_content_sniffing(production):
    assert pages_where(production, lambda headers: headers.get("X-Content-Type-Options") != "nosniff") == {}


def test_every_page_sends_only_the_origin_as_referrer_to_other_sites(production):
    policy = "strict-origin-when-cross-origin"

    assert pages_where(production, lambda headers: headers.get("Referrer-Policy") != policy) == {}


def test_every_page_isolates_its_window_from_other_origins(production):
    assert pages_where(production, lambda headers: headers.get("Cross-Origin-Opener-Policy") != "same-origin") == {}


def test_every_page_turns_off_camera_microphone_and_location(production):
    def allows_devices(headers):
        policy = headers.get("Permissions-Policy", "")
        return not all(f"{feature}=()" in policy for feature in ("camera", "microphone", "geolocation"))

    assert pages_where(production, allows_devices) == {}


def test_a_report_only_policy_in_the_settings_is_sent_beside_the_enforced_one(settings):
    from django.http import HttpResponse

    from imuran_info.middleware import security_headers

    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    # Built when the process starts, as the middleware is: a new one here reads the new settings.
    response = security_headers(lambda request: HttpResponse("page"))(None)

    assert "default-src 'none'" in response["Content-Security-Policy-Report-Only"]
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_no_empty_policy_header_is_sent_when_a_policy_is_not_set(settings):
    from django.http import HttpResponse

    from imuran_info.middleware import security_headers

    response = security_headers(lambda request: HttpResponse("page"))(None)

    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.django_db
def test_djangos_own_debug_404_page_works_in_development_without_the_policy_blocking_its_inline_style(client, settings):
    settings.DEBUG = True

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Content-Security-Policy" not in response
    assert "Permissions-Policy" not in response


@pytest.mark.django_db
def test_every_answer_in_production_carries_the_policy_even_a_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "script-src 'self'" in response["Content-Security-Policy"]
