"""The production stack on one machine: gunicorn app servers with nginx in front.

`make serve`, the benchmark, the multi-instance check and the tests that start servers all
run it through here, so they run the same configuration. nginx gets its configuration from
deploy/nginx.conf.template and keeps everything (pid, logs, temporary files, the microcache)
under its own folder, by default run/ in the checkout: no root, no system directory.
"""

# It runs fixed local programs (nginx, gunicorn) with arguments it builds itself.
# ruff: noqa: S603, S607

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
HOST = "127.0.0.1"  # every server here listens on loopback only
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def listening(port):
    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) == 0


def wait_for(check, what, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise RuntimeError(f"Gave up waiting for {what}.")


def stop(process, seconds=40):
    """SIGTERM, then SIGKILL if it has not gone after `seconds`: gunicorn and nginx finish requests in flight."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def media_store_url(environ=os.environ):
    """Where uploaded images live when they are in an S3-compatible store (path-style), else None."""
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        return None
    region = environ.get("AWS_S3_REGION_NAME", "us-east-1")
    endpoint = environ.get("AWS_S3_ENDPOINT_URL", "") or f"https://s3.{region}.amazonaws.com"
    return f"{endpoint.rstrip('/')}/{bucket}"


def media_location(store_url, media_root):
    """The nginx block for /media/: the shared store when there is one, else this machine's folder."""
    # Images are shown on our own origin (CSP img-src 'self'); nothing is sent to the store but the
    # path, and an image can never run as a page (nosniff, and a policy that allows nothing).
    headers = (
        "            add_header X-Content-Type-Options nosniff;\n"
        "            add_header Content-Security-Policy \"default-src 'none'\";\n"
    )
    if store_url is None:
        return f"        location /media/ {{\n            alias {media_root}/;\n{headers}        }}\n"
    return (
        "        location /media/ {\n"
        "            limit_except GET { deny all; }\n"
        f"            proxy_pass {store_url}/;\n"
        "            proxy_ssl_server_name on;\n"
        '            proxy_set_header Cookie "";\n'
        '            proxy_set_header Authorization "";\n'
        "            proxy_hide_header Set-Cookie;\n"
        "            proxy_ignore_headers Set-Cookie;\n"
        "            proxy_next_upstream off;\n"
        f"{headers}"
        "        }\n"
    )


def render(*, listen, upstreams, run_dir, static_root, media, access_log=True, worker_processes="auto"):
    """nginx.conf for one front server; `upstreams` are app server ports, `media` a media_location()."""
    from django.conf import global_settings

    values = {
        "run_dir": str(run_dir),
        "worker_processes": str(worker_processes),
        "access_log": f"{run_dir}/access.log private buffer=64k flush=1s" if access_log else "off",
        "session_cookie": global_settings.SESSION_COOKIE_NAME,
        "messages_cookie": "messages",  # django.contrib.messages' CookieStorage.cookie_name
        "upstream_servers": "\n".join(
            # A stopped instance is left alone for 5 s, then tried again.
            f"        server {HOST}:{port} max_fails=1 fail_timeout=5s;"
            for port in upstreams
        ),
        "listen": f"{HOST}:{listen}",
        "server_name": "_",
        "static_root": str(static_root),
        "media_location": media,
        # A fixed name, never the Host a client sent: one copy of a page for every spelling of our host.
        "cache_host": "imuran-info",
    }
    text = PLACEHOLDER.sub(lambda match: values[match.group(1)], TEMPLATE.read_text())
    return text


@contextlib.contextmanager
def nginx(*, listen, run_dir, **options):
    """nginx in front of `upstreams` on 127.0.0.1:`listen` (options as for render()); yields its process."""
    nginx_binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx_binary).exists():
        raise RuntimeError("nginx is not installed: apt-get install nginx (the Makefile and .ci/run do).")
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    config = run_dir / "nginx.conf"
    config.write_text(render(listen=listen, run_dir=run_dir, **options))
    command = [nginx_binary, "-p", str(run_dir), "-c", str(config), "-e", str(run_dir / "nginx-error.log")]
    subprocess.run([*command, "-t", "-q"], check=True)
    server = subprocess.Popen(command)

    def serving():
        if server.poll() is not None:
            raise RuntimeError(f"nginx exited with {server.returncode}; see {run_dir / 'nginx-error.log'}.")
        return listening(listen)

    try:
        wait_for(serving, "nginx to listen")
        yield server
    finally:
        stop(server)


def gunicorn_command(port, *, wsgi="imuran_info.wsgi", workers=2):
    # Sync workers, as production: nginx in front reads slow clients, so a worker only ever
    # waits for the app's own work. No access log here: nginx writes the one without addresses.
    command = [sys.executable, "-m", "gunicorn", wsgi, "--bind", f"{HOST}:{port}", "--workers", str(workers)]
    if wsgi == "imuran_info.wsgi":
        # The site's own logging (JSON, no personal data) and metrics across workers.
        command += ["--config", "python:imuran_info.gunicorn_conf"]
    # Its control socket has one fixed path per user; several instances on one machine would share it.
    return [*command, "--no-control-socket"]


@contextlib.contextmanager
def gunicorn(port, *, wsgi="imuran_info.wsgi", workers=2, env=None, log=None, ready_path="/healthz"):
    """gunicorn serving `wsgi` on 127.0.0.1:`port`; yields its process once `ready_path` answers.

    The site's /healthz answers without the database or the cache, so a stack whose database is
    down (the fault tests) still starts; readiness (/readyz) is for whoever routes traffic.
    """
    server = subprocess.Popen(
        gunicorn_command(port, wsgi=wsgi, workers=workers),
        cwd=ROOT,
        # nginx in front writes the access log (without addresses); one is enough.
        env={**(os.environ if env is None else env), "GUNICORN_ACCESS_LOG": ""},
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
    )

    def serving():
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn ({wsgi}) exited with {server.returncode}.")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=2) as connection:
            connection.sendall(f"GET {ready_path} HTTP/1.0\r\nHost: {HOST}\r\n\r\n".encode())
            return connection.recv(12).startswith(b"HTTP/1.")
        return False

    try:
        wait_for(serving, f"gunicorn ({wsgi}) to answer")
        yield server
    finally:
        stop(server)
