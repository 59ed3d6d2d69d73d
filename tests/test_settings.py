"""Settings read the environment; these run Django in a child process with a chosen environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-production-like-secret-key-" + "x7Q9" * 12,
    "DJANGO_ALLOWED_HOSTS": "imuran.example.org",
    "DATABASE_URL": "sqlite:////tmp/imuran-settings-test.sqlite3",
    # The privacy notice's data controller and the contact form's inbox (pages/checks.py).
    "SITE_DATA_CONTROLLER": "Example Health Charity, 1 Example Street, London",
    "SITE_CONTACT_EMAIL": "editors@imuran-info.example",
    "EMAIL_URL": "smtp+tls://mailer:s%40cret@smtp.example.org:587",
}


def run_manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_site_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_manage("check")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_the_environment_turns_it_on():
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", **PRODUCTION_ENV)

    assert result.stdout.strip().endswith("False")


def test_deploy_check_is_clean_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_fails_when_production_would_print_mail_to_the_console():
    env = {name: value for name, value in PRODUCTION_ENV.items() if name != "EMAIL_URL"}

    result = run_manage("check", "--deploy", **env)

    assert result.returncode != 0
    assert "stories.E001" in result.stderr
    assert "E-mail would not be delivered" in result.stderr


def test_email_url_configures_smtp_with_starttls_and_a_quoted_password():
    code = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, "
        "s.EMAIL_USE_TLS, s.EMAIL_USE_SSL)"
    )

    result = run_manage("shell", "-c", code, **PRODUCTION_ENV)

    expected = "django.core.mail.backends.smtp.EmailBackend smtp.example.org 587 mailer s@cret True False"
    assert result.stdout.strip().endswith(expected)


def test_separate_email_variables_configure_smtp_with_tls_from_the_start():
    env = {name: value for name, value in PRODUCTION_ENV.items() if name != "EMAIL_URL"}
    env |= {"DJANGO_EMAIL_HOST": "mail.example.org", "DJANGO_EMAIL_PORT": "465", "DJANGO_EMAIL_USE_SSL": "true"}
    code = "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_SSL)"

    result = run_manage("shell", "-c", code, **env)

    assert result.stdout.strip().endswith("django.core.mail.backends.smtp.EmailBackend mail.example.org 465 True")


def test_database_url_selects_postgresql_and_redis_url_selects_the_shared_cache():
    code = (
        "from django.conf import settings; from django.db import connection; "
        "print(connection.vendor); print(settings.CACHES['default']['BACKEND'])"
    )
    env = {
        **PRODUCTION_ENV,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/imuran_info",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }

    lines = run_manage("shell", "-c", code, **env).stdout.split()

    assert "postgresql" in lines
    assert "django_redis.cache.RedisCache" in lines


def test_no_database_url_means_the_embedded_sqlite_file():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DATABASE_URL"}
    code = "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"

    assert run_manage("shell", "-c", code, **env).stdout.strip().endswith("db.sqlite3")
