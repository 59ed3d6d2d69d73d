"""gunicorn or granian, each alone, for README "Front server choice" (issue 11 item 5).

Granian (Rust) reads requests asynchronously and runs the WSGI app in threads, so slow clients
cannot hold its workers the way they hold gunicorn's sync workers. This measures both the same
way: the bare floor, the cached overview article, and two readers of uncached story pages beside
200 slow clients. Granian is not a dependency of the site; install it first:

    .venv/bin/pip install granian==2.8.7
    make bench BENCH_ARGS="--stories 10000 --duration 2"   # once, to seed the benchmark's database
    DJANGO_SECRET_KEY=... DJANGO_DEBUG=false DJANGO_HTTPS=false DJANGO_ALLOWED_HOSTS=127.0.0.1 \\
      .venv/bin/python -m bench.app_servers

It uses the benchmark's database and Redis (bench/run.py) and only 127.0.0.1.
"""

# ruff: noqa: S603, S607

import argparse
import contextlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import run
from bench.slowloris import Slowloris
from deploy import stack


@contextlib.contextmanager
def app_server(kind, wsgi):
    port = stack.free_port()
    if kind == "gunicorn":
        command = stack.gunicorn_command(port, wsgi=wsgi, workers=2)
    else:
        # One thread per worker, as a sync worker: same concurrency, and at most two database connections.
        command = [str(Path(sys.executable).with_name("granian")), "--interface", "wsgi", "--host", stack.HOST]
        command += ["--port", str(port), "--workers", "2", "--blocking-threads", "1", "--log-level", "warning"]
        command.append(f"{wsgi}:application")
    server = subprocess.Popen(command, cwd=stack.ROOT)
    try:
        stack.wait_for(lambda: stack.listening(port), kind)
        time.sleep(1)  # workers booted
        yield f"http://{stack.HOST}:{port}", port
    finally:
        stack.stop(server, seconds=15)


def line(kind, name, raw):
    rps = raw["requests"] / (raw["duration_us"] / 1e6)
    errors = raw["socket_errors"] + sum(n for status, n in raw["statuses"].items() if int(status) >= 400)
    print(
        f"| {kind} | {name} | {rps:,.0f} | {raw['p50_us'] / 1000:.1f} | {raw['p99_us'] / 1000:.1f} | {errors:,} |",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not Path(sys.executable).with_name("granian").exists() or not shutil.which("wrk"):
        sys.exit("Needs granian in this virtual environment (pip install granian==2.8.7) and wrk.")
    run.configure_environment()
    import django

    django.setup()
    from bench.scenario import Page
    from stories.models import Story

    stories = [f"/stories/{pk}/" for pk in Story.objects.approved().values_list("pk", flat=True)[:5000]]
    walk = Page("uncached stories", stories[0], paths=stories)
    print("| server | page | req/s | p50 ms | p99 ms | errors |\n|---|---|---:|---:|---:|---:|")
    for kind in ("gunicorn", "granian"):
        with app_server(kind, "bench.bare.wsgi") as (url, _):
            run.wrk(url + "/bench/bare/", 2, args, Page("warm-up", "/bench/bare/"))
            line(kind, "bare floor", run.wrk(url + "/bench/bare/", args.duration, args, Page("bare", "/bench/bare/")))
        with app_server(kind, "imuran_info.wsgi") as (url, port):
            article = Page("article", "/articles/overview/")
            run.wrk(url + article.path, 2, args, article)
            line(kind, "cached article", run.wrk(url + article.path, args.duration, args, article))
            with Slowloris(port, count=200):
                time.sleep(2)
                raw = run.wrk(url + walk.path, args.duration, args, walk, threads=1, connections=2, timeout=1)
            line(kind, "2 readers beside 200 slow clients", raw)


if __name__ == "__main__":
    main()
