"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Nothing here downloads a browser: the tests use /usr/bin/chromium or do not run.
"""

import io
import os
import re
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from pytest_django.live_server_helper import LiveServer

from tests.conftest import STAFF_PASSWORD

# The live server answers from a thread of this process while Playwright's sync
# API runs an event loop in the main thread; without this, Django refuses every
# ORM call the tests make from that thread as "unsafe from an async context".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
MISSING_CHROMIUM = f"Browser tests need Debian's Chromium at {CHROMIUM}: run `apt-get install chromium` (as root)."


def running_in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # Browser tests are transactional: each ends by emptying the database. Like
    # Django's own runner, run them after every test that expects the rows the
    # migrations create (groups, side-effect tags). Other transactional tests go
    # last of all: their flush re-creates those rows under new ids, which the
    # browser tests' saved copy of the database would then collide with.
    # The sort keeps the order otherwise.
    def group(item):
        if item.get_closest_marker("browser") is not None:
            return 1
        return 2 if "transactional_db" in getattr(item, "fixturenames", ()) else 0

    items.sort(key=group)


def pytest_runtest_setup(item):
    if item.get_closest_marker("browser") is None or CHROMIUM.exists():
        return
    # In CI a missing browser must turn the run red, never pass it quietly as skipped.
    if running_in_ci():
        pytest.fail(MISSING_CHROMIUM, pytrace=False)
    pytest.skip(MISSING_CHROMIUM)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    browser = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    if report.when != "call" or not report.failed or browser is None:
        return
    results = Path(item.config.invocation_params.dir, item.config.getoption("--output"))
    results.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "-", item.name).strip("-")
    pages = [page for context in browser.contexts for page in context.pages]
    for number, page in enumerate(pages, start=1):
        path = results / (f"{name}.png" if number == 1 else f"{name}-{number}.png")
        try:
            page.screenshot(path=path, full_page=True, timeout=5000)
        except Exception:  # noqa: BLE001, S112 (a closed page has nothing to show; keep the real failure)
            continue
        report.sections.append(("screenshot", str(path)))


class OneRequestAtATimeServer(ThreadedWSGIServer):
    # With SQLite the test database lives in memory, and every request thread of
    # the live server shares its one connection: two requests at once (a page and
    # the favicon, say) break each other's transactions ("no such savepoint").
    lock = threading.Lock()

    def set_app(self, application):
        def one_at_a_time(environ, start_response):
            with self.lock:
                response = application(environ, start_response)
                try:
                    return list(response)
                finally:
                    response.close()

        super().set_app(one_at_a_time)


@pytest.fixture(scope="session")
def live_server():
    # The only server the browser ever talks to.
    server = LiveServer("127.0.0.1", start=False)
    if server.thread.connections_override:
        server.thread.server_class = OneRequestAtATimeServer
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _serialized_test_databases(django_db_setup):
    return {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}


@pytest.fixture(scope="session")
def playwright(_serialized_test_databases, playwright):
    # Playwright's sync API leaves an event loop running in this thread, and from
    # then on Django hands the tests new connection objects (asgiref keeps
    # "thread-critical" state per context when a loop runs). The database copy
    # that serialized_rollback restores (the groups and side-effect tags that
    # migrations create) was kept on the old objects: give it to the new ones.
    for alias, contents in _serialized_test_databases.items():
        if contents is not None:
            connections[alias]._test_serialized_contents = contents
    return playwright


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    # Replaces pytest-playwright's own base_url fixture (a deprecated session-scoped
    # method, which our warnings-as-errors setting would turn into an error).
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB"}


@pytest.fixture
def new_context(new_context, live_server):
    # No network: a page that asks for anything but the live server fails its test.
    # (Listening rather than routing keeps the browser cache on, which routing turns off.)
    outside = []
    local = (f"{live_server.url}/", "data:", "about:", "blob:")

    def make(**kwargs):
        context = new_context(**kwargs)
        context.on("request", lambda request: None if request.url.startswith(local) else outside.append(request.url))
        context.set_default_timeout(10_000)
        return context

    yield make
    assert not outside, f"The page asked for addresses beyond the test server: {outside}"


@pytest.fixture
def articles(transactional_db):
    call_command("load_initial_content", stdout=io.StringIO())


@pytest.fixture
def staff_user(transactional_db, settings, staff_user):
    # The same staff as every test (tests/conftest.py), in a database the live
    # server's thread can see. The hasher is not what these tests check; the
    # default one costs a second a login.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return staff_user


def log_in_to_admin(page, user):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()
