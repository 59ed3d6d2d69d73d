"""The front server as `make serve` runs it (deploy/): nginx in front of one gunicorn worker, or
of a small app of the test's own that holds its answers.

Each protection of the microcache, the logs and the forwarded address has a test that fails
without it.
"""

import gzip
import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest

from deploy.stack import HOST, free_port, gunicorn, media_location, nginx
from tests.faults.servers import Browser, in_site, site_environment

RECHECK_SECONDS = 1  # PAGE_CACHE_RECHECK_SECONDS in site_environment()
RATE_LIMIT = 2
ARTICLE = "/articles/overview/"

NEW_STORY = """
from django.utils import timezone
from stories.models import Story
story = Story.objects.create(
    text="The tablets upset my stomach at first.", original_text="The tablets upset my stomach at first.",
    consented_at=timezone.now(), consent_version="test",
)
print(story.token)
"""


@pytest.fixture(scope="module")
def front(site_files, readable_folder):
    run_dir = readable_folder("front")
    env = site_environment(site_files, STORY_RATE_LIMIT=str(RATE_LIMIT))
    app_port, port = free_port(), free_port()
    with (
        gunicorn(app_port, workers=1, env=env),
        nginx(
            listen=port,
            upstreams=[app_port],
            run_dir=run_dir,
            static_root=site_files / "static",
            media=media_location(None, site_files / "media"),
            worker_processes=1,
        ),
    ):
        yield Browser(f"http://{HOST}:{port}"), env, run_dir


def cache_status(front, path, **headers):
    return front[0].request(path, headers=headers)[1]["X-Cache-Status"]


def asked_for_twice(front, path, **headers):
    # nginx stores a page only when it is asked for a second time (proxy_cache_min_uses 2), and
    # keeps it through the second in which it was fetched: start at the top of a second, so the
    # test's next request falls in the same one.
    time.sleep(1 - time.time() % 1)
    for _ in range(2):
        front[0].request(path, headers=headers)


def cached_files(run_dir):
    return [path for path in (run_dir / "cache").rglob("*") if path.is_file()]


def test_a_page_asked_for_again_is_served_by_the_front_server(front):
    asked_for_twice(front, ARTICLE)

    assert cache_status(front, ARTICLE) == "HIT"


def test_a_page_asked_for_once_is_never_written_to_the_front_servers_disk(front):
    _, _, run_dir = front
    before = set(cached_files(run_dir))

    assert cache_status(front, "/articles/immune-system/") == "MISS"

    # nginx's cache manager may drop older entries meanwhile; it never adds one.
    assert set(cached_files(run_dir)) - before == set()
    assert cache_status(front, "/articles/immune-system/") == "MISS"
    assert len(set(cached_files(run_dir)) - before) == 1


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_visitor_with_a_session_or_a_pending_message_never_gets_the_front_servers_copy(front, cookie):
    asked_for_twice(front, ARTICLE)
    assert cache_status(front, ARTICLE) == "HIT"

    assert cache_status(front, ARTICLE, Cookie=f"{cookie}=someone") == "BYPASS"


def test_a_page_with_a_form_token_is_never_stored_or_compressed_by_the_front_server(front):
    asked_for_twice(front, "/stories/share/", **{"Accept-Encoding": "gzip"})

    _, headers, _ = front[0].request("/stories/share/", headers={"Accept-Encoding": "gzip"})

    assert headers["X-Cache-Status"] == "MISS"
    assert headers["Content-Encoding"] is None


def test_a_reader_whose_browser_takes_no_gzip_never_gets_the_compressed_copy(front):
    path = "/articles/how-it-works/"
    asked_for_twice(front, path, **{"Accept-Encoding": "gzip"})
    _, headers, _ = front[0].request(path, headers={"Accept-Encoding": "gzip"})
    assert (headers["Content-Encoding"], headers["X-Cache-Status"]) == ("gzip", "HIT")

    _, headers, body = front[0].request(path)

    assert headers["Content-Encoding"] is None
    assert body.startswith(b"<!doctype html>")


def test_made_up_query_strings_are_redirected_and_never_stored(front):
    asked_for_twice(front, "/?utm_source=flood")

    status, headers, _ = front[0].request("/?utm_source=flood")

    assert (status, headers["Location"], headers["X-Cache-Status"]) == (301, "/", "MISS")


def test_the_front_server_keeps_a_page_no_longer_than_a_second_after_a_change(front):
    reader, env, _ = front
    path = "/articles/common-questions/"
    asked_for_twice(front, path)
    assert cache_status(front, path) == "HIT"
    try:
        in_site(env, "from articles.models import Article; Article.objects.get(slug='common-questions').unpublish()")
        # Other processes notice within the recheck interval; nginx's copy expires a second after it was asked for.
        time.sleep(RECHECK_SECONDS + 1.5)

        status = reader.request(path)[0]
    finally:
        in_site(
            env,
            "from articles.models import Article; Article.objects.get(slug='common-questions').publish(note='Back.')",
        )

    assert status == 404


def test_the_access_log_names_no_client_address_query_string_or_private_link(front):
    reader, env, run_dir = front
    token = in_site(env, NEW_STORY)
    reader.request("/stories/?condition=lupus")
    reader.request(f"/stories/status/{token}/")
    log = run_dir / "access.log"
    for _ in range(50):  # nginx writes its buffered log at least once a second
        if log.exists() and "/stories/status/<token>/" in log.read_text():
            break
        time.sleep(0.1)

    text = log.read_text()

    assert '"GET /stories/status/<token>/" 200' in text
    assert token not in text
    assert "condition=lupus" not in text
    assert HOST not in text


def test_the_rate_limit_counts_the_address_the_front_server_saw_not_the_one_a_client_claims(front, story_form):
    author = Browser(front[0].base_url)
    _, _, html = author.request("/stories/share/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()
    # Different stories: the same one sent again would be answered as the same story.
    forms = [
        story_form(csrfmiddlewaretoken=token, text=f"Story {n}. " + story_form()["text"]) for n in range(RATE_LIMIT + 1)
    ]

    statuses = [
        author.request("/stories/share/", data=urlencode(form).encode(), headers={"X-Forwarded-For": f"192.0.2.{n}"})[0]
        for n, form in enumerate(forms)
    ]

    assert statuses == [302] * RATE_LIMIT + [429]


def test_static_files_come_compressed_from_disk_and_are_kept_a_year_when_their_name_has_a_hash(front, site_files):
    manifest = json.loads((site_files / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]

    _, headers, body = front[0].request(f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})

    assert headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert gzip.decompress(body) == (site_files / "static" / hashed).read_bytes()


def test_uploaded_images_are_served_by_the_front_server_and_can_never_run_as_a_page(front, site_files):
    image = site_files / "media" / "markdownx" / "front-test.png"
    image.parent.mkdir(parents=True, exist_ok=True)
    image.write_bytes(b"\x89PNG\r\n\x1a\n not really drawn")

    status, headers, body = front[0].request("/media/markdownx/front-test.png")

    assert (status, body) == (200, image.read_bytes())
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "default-src 'none'"


class HeldApp(BaseHTTPRequestHandler):
    """An app server of the test's own: it notes each request, then answers only once released.

    Its answers carry no X-Accel-Expires, so nginx never keeps them, as with the share form.
    """

    def do_GET(self):
        self.server.arrived.release()
        self.server.released.wait(timeout=30)
        body = b"A page the front server never keeps.\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass  # the test's output, not the app's log


@pytest.fixture
def front_of_held_app(readable_folder):
    app = ThreadingHTTPServer((HOST, 0), HeldApp)
    app.daemon_threads = True
    app.arrived, app.released = threading.Semaphore(0), threading.Event()
    threading.Thread(target=app.serve_forever, daemon=True).start()
    run_dir, port = readable_folder("held"), free_port()
    try:
        with nginx(
            listen=port,
            upstreams=[app.server_address[1]],
            run_dir=run_dir,
            static_root=run_dir,
            media=media_location(None, run_dir),
            worker_processes=1,
        ):
            yield Browser(f"http://{HOST}:{port}"), app
    finally:
        app.released.set()
        app.shutdown()
        app.server_close()


def test_readers_asking_at_once_for_a_page_the_front_server_never_keeps_all_reach_the_app(front_of_held_app):
    reader, app = front_of_held_app
    # Asked for twice first: nginx counts an address before it would keep its page (min_uses 2).
    app.released.set()
    for _ in range(2):
        assert reader.request("/stories/share/")[0] == 200
        assert app.arrived.acquire(timeout=5)
    app.released.clear()

    with ThreadPoolExecutor(3) as pool:
        answers = [pool.submit(reader.request, "/stories/share/") for _ in range(3)]
        # All three reach the app while it still holds the first. With nginx's cache lock the
        # second and third waited in the front server, in 500 ms steps up to its 5 s timeout.
        # (A lock with a timeout under this 4 s wait would get past this test.)
        reached = [app.arrived.acquire(timeout=4) for _ in range(3)]
        app.released.set()
        statuses = [answer.result()[0] for answer in answers]

    assert reached == [True, True, True]
    assert statuses == [200, 200, 200]
