import gzip
import http.server
import threading

import pytest
import sentry_sdk

from tests.services import free_port, get, gunicorn, site_environment, wait_for

TOKEN = "Qm9vdHN0cmFwX3Rva2VuX2Zvcl90ZXN0aW5nX29ubHk"
SESSION_ID = "k3v9q2m8x7w1z5r4t6y0u2i8o4p6a1s3"
EMAIL = "pat.author@example.com"
VISITOR_IP = "203.0.113.9"


@pytest.fixture
def error_reporter():
    """A stand-in for Sentry on a free local port; yields its DSN and the envelopes it received."""
    received = []

    class Envelopes(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            received.append(body.decode())
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Envelopes)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://public@127.0.0.1:{server.server_port}/1", received
    server.shutdown()
    server.server_close()


def test_errors_reach_the_error_reporter_without_personal_data(error_reporter, tmp_path):
    dsn, received = error_reporter
    env = site_environment(
        SENTRY_DSN=dsn, DJANGO_ROOT_URLCONF="tests.urls_broken", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"
    )
    headers = {
        "Cookie": f"sessionid={SESSION_ID}",
        "X-Forwarded-For": VISITOR_IP,
        "Referer": f"http://127.0.0.1/stories/status/{TOKEN}/",
    }
    with gunicorn(env) as url:
        status, _, body = get(f"{url}/broken/{TOKEN}/?email={EMAIL}", headers)
        wait_for(lambda: any("ValueError" in envelope for envelope in received), "the error report")

    assert status == 500
    assert TOKEN.encode() not in body
    reported = "".join(received)
    assert "could not answer [email] about [token]" in reported
    assert [value for value in (TOKEN, SESSION_ID, EMAIL, VISITOR_IP) if value in reported] == []


def test_no_error_reporter_runs_without_sentry_dsn(settings):
    assert settings.SENTRY_DSN == ""
    assert not sentry_sdk.get_client().is_active()
