"""Servers a test starts for itself (gunicorn, a Redis of its own) and stops again, by pid."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, what, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"Gave up waiting for {what}.")


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def site_environment(**env):
    """The test run's environment less the site's own variables, plus `env`."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    base = {
        "DJANGO_SECRET_KEY": os.environ["DJANGO_SECRET_KEY"],
        "DJANGO_HTTPS": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SCHEDULED_JOBS": "false",
    }
    return {**keep, **base, **env}


@contextlib.contextmanager
def gunicorn(env, *, workers=1, config=True, output=None):
    """Gunicorn serving the site (see tests/wsgi_for_tests.py) on a free port; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "tests.wsgi_for_tests", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers)]
    if config:
        command += ["--config", "python:imuran_info.gunicorn_conf"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
    url = f"http://127.0.0.1:{port}"

    def answering():
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited with {server.returncode}")
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=5)  # noqa: S310
        except OSError:  # refused while it starts, or no answer yet while it loads the site
            return False
        return True

    try:
        wait_for(answering, "gunicorn to answer")
        yield url
    finally:
        _stop(server)


def get(url, headers=None):
    """(status, headers, body) of a GET, whatever the status."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    try:
        # Generous: a worker loads the site on its first request, on a busy two-core machine.
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@contextlib.contextmanager
def own_redis():
    """A Redis server of the test's own on a spare port (never the shared one); yields (url, process)."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],  # noqa: S607
        stdout=subprocess.DEVNULL,
    )

    def answering():
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
        return False

    try:
        wait_for(answering, "redis-server to listen")
        yield f"redis://127.0.0.1:{port}/0", server
    finally:
        _stop(server)
