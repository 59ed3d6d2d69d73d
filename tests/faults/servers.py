"""Servers the fault tests start for themselves, break, and always clean up (by pid).

A Redis of their own on a spare port, a PostgreSQL cluster of their own, gunicorn and nginx
from deploy/stack.py, and a small site database file those servers share. Never the
machine's shared PostgreSQL (5432) or Redis (6379).
"""

# Fixed local programs (redis-server, pg_*, manage.py) with arguments built here.
# ruff: noqa: S603, S607

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import redis

from deploy.stack import HOST, ROOT, free_port, listening, stop, wait_for


def require(program):
    """The path of a program the test needs: CI fails without it, a developer's run skips."""
    found = shutil.which(program) or next(
        (str(path) for path in (Path("/usr/sbin") / program, Path("/usr/bin") / program) if path.exists()), None
    )
    if found:
        return found
    message = f"{program} is not installed (apt-get install it; .ci/run does)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class OwnRedis:
    """redis-server on a spare port, which a test may stop, freeze (SIGSTOP) or fill."""

    def __init__(self, *options):
        self.port = free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        command = [require("redis-server"), "--port", str(self.port), "--bind", HOST, "--save", ""]
        self.process = subprocess.Popen([*command, "--appendonly", "no", *options], stdout=subprocess.DEVNULL)
        wait_for(lambda: listening(self.port), "redis-server to listen")

    def client(self):
        return redis.Redis(host=HOST, port=self.port, socket_timeout=10)

    def stats(self):
        return self.client().info("stats")

    def freeze(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self):
        stop(self.process)

    def fill(self):
        """Junk keys until Redis refuses more (start it with a small maxmemory and noeviction)."""
        client = self.client()
        junk = b"x" * 10_000
        refused_in_a_row = 0
        # Right at the limit, Redis may free a buffer and take one more write: fill until it
        # has refused several in a row ("OOM command not allowed").
        for number in range(10_000):
            try:
                client.set(f"junk:{number}", junk)
                refused_in_a_row = 0
            except redis.exceptions.ResponseError:
                refused_in_a_row += 1
                if refused_in_a_row == 5:
                    break
        with contextlib.suppress(redis.exceptions.ResponseError):
            client.set("one-more", junk)
            raise AssertionError("Redis still takes writes; it is not full.")

    def close(self):
        if self.process.poll() is None:
            self.thaw()  # a frozen process cannot act on SIGTERM
        stop(self.process, seconds=10)


class OwnPostgres:
    """A PostgreSQL cluster of the test's own (pg_createcluster), on a spare port."""

    def __init__(self):
        require("pg_createcluster")
        self.version = sorted(os.listdir("/etc/postgresql"))[-1]
        self.port = free_port()
        self.name = f"imuran_faults_{self.port}"
        subprocess.run(
            ["pg_createcluster", self.version, self.name, "--port", str(self.port), "--", "--auth=trust"],
            check=True,
            capture_output=True,
        )
        self.start()
        subprocess.run(["createdb", "-h", HOST, "-p", str(self.port), "-U", "postgres", "site"], check=True)
        self.url = f"postgres://postgres@{HOST}:{self.port}/site"

    def _ctl(self, action, *options):
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action, *options],
            check=True,
            capture_output=True,
        )

    def start(self):
        self._ctl("start")
        wait_for(lambda: listening(self.port), "the test's PostgreSQL to listen")

    def stop(self):
        self._ctl("stop", "-m", "fast")  # closes the app's connections, as a crash would

    def drop(self):
        subprocess.run(["pg_dropcluster", "--stop", self.version, self.name], check=False, capture_output=True)


def site_environment(tmp, **overrides):
    """What a server process of the site gets: production settings, this test's files and services."""
    keep = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "AWS_", "STORY_", "SITE_URL"))
    }
    return {
        **keep,
        "DJANGO_SECRET_KEY": os.environ["DJANGO_SECRET_KEY"],
        "DJANGO_DEBUG": "false",
        "DJANGO_HTTPS": "false",
        "DJANGO_BEHIND_PROXY": "true",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp / 'site.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "PAGE_CACHE_RECHECK_SECONDS": "1",
        **overrides,
    }


def manage(env, *args):
    """Run manage.py with the site's environment; its printed output."""
    completed = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return completed.stdout


def prepare_site(env, *, static=False):
    """Tables, the shipped articles and (for the front server) collected static files."""
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "load_initial_content")
    if static:
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")


def in_site(env, code):
    """Python run inside the site (the same database); the last line it prints."""
    return manage(env, "shell", "--command", code).strip().splitlines()[-1]


class Browser:
    """A cookie-keeping HTTP client for one server, like one person's browser."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirects)

    def request(self, path, data=None, headers=None, method=None):
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers or {}, method=method)
        try:
            response = self.opener.open(request, timeout=30)  # noqa: S310 (our own loopback server)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return response.status, response.headers, response.read()

    def cookie(self, name):
        return next((cookie.value for cookie in self.jar if cookie.name == name), None)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    # The tests look at the redirect itself (a 302 after a stored story, a 301 to the canonical address).
    def redirect_request(self, *args, **kwargs):
        return None
