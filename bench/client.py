"""Small loopback HTTP helpers for the benchmark: logging in, form tokens, transfer sizes, timings."""

# Every address is http://127.0.0.1:<port> plus a path from the site's own URLs.
# ruff: noqa: S310

import gzip
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar

BROWSER_ENCODINGS = "gzip, br"


class Client:
    """A cookie-keeping client for one base URL, like a browser tab."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path, data=None, headers=None):
        # urllib raises on 4xx/5xx; the benchmark wants the status, not an exception.
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers or {})
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return response.status, response.geturl().removeprefix(self.base_url), response.headers, response.read()

    def get(self, path, **headers):
        return self.request(path, headers=headers)

    def post_form(self, path, fields):
        return self.request(path, data=urllib.parse.urlencode(fields).encode())

    @property
    def cookie_header(self):
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)

    def log_in_to_admin(self, login_path, username, password):
        # Through the real login form, so the session is exactly what a moderator gets (axes included).
        _, _, _, html = self.get(login_path)
        fields = {**FormInputs.parse(html), "username": username, "password": password}  # with its CSRF token
        status, _, _, _ = self.post_form(login_path, fields)
        if not any(cookie.name == "sessionid" for cookie in self.jar):
            raise RuntimeError(f"Admin login as {username!r} failed (HTTP {status}).")


class FormInputs(HTMLParser):
    """Names and values of a page's <input>s: the CSRF token and hidden fields."""

    @classmethod
    def parse(cls, html):
        parser = cls()
        parser.values = {}
        parser.feed(html.decode())
        return parser.values

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values.setdefault(attrs["name"], attrs.get("value") or "")


class Assets(HTMLParser):
    """The stylesheets and scripts a browser downloads to show a page."""

    @classmethod
    def parse(cls, html):
        parser = cls()
        parser.stylesheets, parser.scripts = [], []
        parser.feed(html.decode())
        return parser

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.stylesheets.append(attrs["href"])
        elif tag == "script":
            self.scripts.append(attrs.get("src") or "(inline)")


def transfer_size(client, path):
    """Bytes on the wire for a page's HTML, CSS and JS, as a browser asking for compression gets them."""
    _, _, headers, wire_html = client.get(path, **{"Accept-Encoding": BROWSER_ENCODINGS})
    html = gzip.decompress(wire_html) if headers.get("Content-Encoding") == "gzip" else wire_html
    if headers.get("Content-Encoding") == "br":  # No brotli module here: ask again uncompressed to parse it.
        _, _, _, html = client.get(path)
    assets = Assets.parse(html)
    files = [(path, headers.get("Content-Encoding") or "identity", len(wire_html))]
    for url in assets.stylesheets + [src for src in assets.scripts if src != "(inline)"]:
        _, _, asset_headers, body = client.get(url, **{"Accept-Encoding": BROWSER_ENCODINGS})
        files.append((url, asset_headers.get("Content-Encoding") or "identity", len(body)))
    return {
        "total_bytes": sum(size for _, _, size in files),
        "html_uncompressed_bytes": len(html),
        "html_gzip_would_be_bytes": len(gzip.compress(html)),
        "scripts": len(assets.scripts),
        "files": [{"url": url, "encoding": encoding, "bytes": size} for url, encoding, size in files],
    }


def server_times(client, path, count):
    """Milliseconds per request, one at a time, so no queueing is counted: the server's own time."""
    for _ in range(2):  # one warm-up per gunicorn worker: its database connection and caches
        client.get(path)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        status, _, _, _ = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"{path} answered HTTP {status} while timing it.")
    return {"count": count, "p50_ms": statistics.median(times), "max_ms": max(times)}
