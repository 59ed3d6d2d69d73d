import socket

import pytest
from django.db import connections
from django.db.utils import ConnectionHandler
from django.urls import reverse

from tests.services import own_redis

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable_database():
    """Swaps the site's database connection for one to a database nobody answers for."""
    settings_dict = dict(connections["default"].settings_dict)
    if connections["default"].vendor == "postgresql":
        with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
            probe.bind(("127.0.0.1", 0))
            settings_dict.update(HOST="127.0.0.1", PORT=probe.getsockname()[1])
    else:
        settings_dict["NAME"] = "/nonexistent-folder/imuran.sqlite3"
    original = connections["default"]
    broken = ConnectionHandler({"default": settings_dict})["default"]
    connections["default"] = broken
    yield
    connections["default"] = original
    broken.close()


CACHE_BACKENDS = {
    # As production configures it: errors become "not cached", behind a circuit breaker.
    "django-redis": {
        "BACKEND": "django_redis.cache.RedisCache",
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.2,
            "SOCKET_TIMEOUT": 0.2,
            "CONNECTION_POOL_CLASS": "imuran_info.redis_breaker.CircuitBreakerPool",
        },
    },
    # Django's own, which raises.
    "django": {"BACKEND": "django.core.cache.backends.redis.RedisCache"},
}


@pytest.fixture(params=sorted(CACHE_BACKENDS))
def redis_cache(request, settings):
    """The site's cache on a Redis server of the test's own; yields that server's process."""
    with own_redis() as (url, server):
        settings.CACHES = {"default": {**CACHE_BACKENDS[request.param], "LOCATION": url}}
        yield server


def test_healthz_answers_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.text == "ok\n"


def test_healthz_answers_even_with_the_database_and_cache_down(client, unreachable_database, redis_cache):
    redis_cache.terminate()
    redis_cache.wait()

    assert client.get("/healthz").status_code == 200


def test_readyz_answers_ok_with_one_database_query(client, redis_cache, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/readyz")

    assert response.status_code == 200
    assert response.text == "ok\n"


def test_readyz_says_degraded_but_stays_in_service_when_the_cache_is_down(client, redis_cache):
    redis_cache.terminate()
    redis_cache.wait()

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.text == "degraded: cache\n"


def test_readyz_answers_503_when_the_database_is_unreachable(client, unreachable_database):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.text == "unavailable: database\n"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_are_never_cached_and_set_no_cookie(client, path):
    response = client.get(path)

    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_say_nothing_about_versions_or_settings(client, path):
    response = client.get(path)

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert len(response.content) < 30
    for telling in ("Django", "PostgreSQL", "SQLite", "Redis", "Python", "gunicorn", "5.2"):
        assert telling not in response.text
    assert "Server" not in response.headers


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_answer_plain_http_where_the_site_redirects_to_https(client, settings, path):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get(path).status_code == 200
    assert client.get(reverse("home")).status_code == 301
