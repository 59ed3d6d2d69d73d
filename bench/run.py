"""`make bench`: the benchmark of issue 7.

Seeds its own PostgreSQL database, starts the site as production runs it (gunicorn with two
workers, DEBUG off, Redis cache) on 127.0.0.1 only, loads every page with wrk from a separate
process, and compares each page's throughput with a minimal Django view on the same server.
Prints a Markdown table and writes bench/results/latest.json.
"""

# It runs fixed local tools (wrk, gunicorn, pg_isready...) with arguments it builds itself.
# ruff: noqa: S603, S607

import argparse
import contextlib
import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import report
from bench.client import BROWSER_ENCODINGS, Client

HOST = "127.0.0.1"  # loopback only: the benchmark never sends a request anywhere else
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/imuran_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/11"


def parse_args():
    parser = argparse.ArgumentParser(description="Benchmark every page against a minimal Django view (issue 7).")
    parser.add_argument(
        "--stories", type=int, default=100_000, help="approved stories, up to 1,000,000 (default 100,000)"
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unrecorded load before each page (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    args = parser.parse_args()
    if not 0 <= args.stories <= 1_000_000:
        parser.error("--stories must be between 0 and 1,000,000")
    return args


def configure_environment():
    # Its own database and Redis database, never the ones DATABASE_URL/REDIS_URL name for
    # development: seeding replaces every story, and the cache is flushed before each run.
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    os.environ["DJANGO_ROOT_URLCONF"] = "bench.urls"
    # High enough that every share-form POST is a real submission, not the 429 page (production: 5 an hour).
    os.environ["STORY_RATE_LIMIT"] = os.environ.get("BENCH_STORY_RATE_LIMIT", "1000000")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imuran_info.settings")


def wait_for(check, what, seconds=30):
    for _ in range(seconds * 4):
        if check():
            return
        time.sleep(0.25)
    raise RuntimeError(f"Gave up waiting for {what}.")


def ensure_services():
    # The same local PostgreSQL and Redis CI uses; started here if the machine has them stopped.
    def postgres_up():
        return subprocess.run(["pg_isready", "-q", "-h", HOST], check=False).returncode == 0

    def redis_up():
        return subprocess.run(["redis-cli", "-h", HOST, "ping"], capture_output=True, check=False).returncode == 0

    if not postgres_up():
        version = next(Path("/etc/postgresql").iterdir()).name
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True)
        wait_for(postgres_up, "PostgreSQL")
    if not redis_up():
        subprocess.run(
            ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", ""]
            + ["--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"],
            check=True,
        )
        wait_for(redis_up, "Redis")


def create_database(url):
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    params = dj_database_url.parse(url)
    if "bench" not in params["NAME"]:
        # Seeding deletes stories: refuse any database that is not obviously a benchmark's own.
        sys.exit(
            f"BENCH_DATABASE_URL must name a benchmark database (with 'bench' in its name), not {params['NAME']!r}."
        )
    connection = psycopg2.connect(
        dbname="postgres",
        user=params["USER"],
        password=params["PASSWORD"] or None,
        host=params["HOST"],
        port=params["PORT"] or 5432,
    )
    connection.autocommit = True  # CREATE DATABASE refuses to run in a transaction
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [params["NAME"]])
        if not cursor.fetchone():
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(params["NAME"])))
    connection.close()


def port_is_free(port):
    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) != 0


@contextlib.contextmanager
def gunicorn(port, base_url):
    RESULTS.mkdir(parents=True, exist_ok=True)
    log_path = RESULTS / "gunicorn.log"
    # As `make serve` runs it, minus the access log: writing 100,000 log lines would measure the disk.
    command = [sys.executable, "-m", "gunicorn", "imuran_info.wsgi", "--bind", f"{HOST}:{port}", "--workers", "2"]
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)

        def serving():
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}; see {log_path}.")
            with contextlib.suppress(OSError):
                return Client(base_url).get("/bench/baseline/")[0] == 200
            return False

        try:
            wait_for(serving, "gunicorn to answer")
            yield
        finally:
            server.terminate()  # SIGTERM: gunicorn finishes the requests in flight, then stops its workers
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def wrk(url, seconds, args, page):
    command = ["wrk", "--threads", str(args.threads), "--connections", str(args.connections)]
    command += ["--duration", f"{seconds}s", "--timeout", "10s", "--script", str(ROOT / "bench" / "wrk.lua")]
    for header in (f"Accept-Encoding: {BROWSER_ENCODINGS}", *page.headers):
        command += ["--header", header]
    environment = {**os.environ, "BENCH_POST_BODY": page.post_body, "BENCH_PATHS_FILE": ""}
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as paths:
        if page.paths:
            paths.write("\n".join(page.paths) + "\n")
            paths.flush()
            environment["BENCH_PATHS_FILE"] = paths.name
        completed = subprocess.run(
            [*command, url], capture_output=True, text=True, check=True, env=environment, timeout=seconds + 60
        )
    line = next(line for line in completed.stdout.splitlines() if line.startswith("BENCH_JSON "))
    return json.loads(line.removeprefix("BENCH_JSON "))


def measure(page, base_url, args):
    def drain():
        # wrk leaves its last requests queued in gunicorn; one more request waits them all out,
        # so no page is measured while the server still works for the one before.
        Client(base_url).get("/bench/baseline/")

    # Fills caches and opens DB connections; not counted. A row that walks many addresses
    # warms up on its first only, so the walk itself finds none of them cached.
    wrk(base_url + page.path, args.warmup, args, dataclasses.replace(page, paths=[]))
    drain()
    raw = wrk(base_url + page.path, args.duration, args, page)
    drain()
    statuses = {int(status): count for status, count in raw["statuses"].items()}
    return {
        "page": page.name,
        "kind": page.kind,
        "path": page.path,
        "distinct_paths": len(page.paths) or 1,
        "requests": raw["requests"],
        "requests_per_second": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "non_2xx": sum(count for status, count in statuses.items() if not 200 <= status < 300),
        # What fails a row: error statuses, and connections wrk gave up on (10 s timeout).
        "errors": sum(count for status, count in statuses.items() if status >= 400) + raw["socket_errors"],
        "statuses": statuses,
        "target": page.target,
    }


def machine():
    import django
    from django.db import connection

    with open("/proc/cpuinfo") as cpuinfo:
        models = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgresql = cursor.fetchone()[0]
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return {
        "cpus": len(os.sched_getaffinity(0)),
        "cpu_model": models[0] if models else "unknown",
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "python": sys.version.split()[0],
        "django": django.get_version(),
        "postgresql": postgresql,
        "wrk": (wrk_version.stdout + wrk_version.stderr).split()[1],
    }


def prepare_site(args):
    """Database, static files and dataset, exactly as the server will see them; returns the dataset."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bench import seed

    if settings.DEBUG or settings.HTTPS:
        sys.exit("Run the benchmark with DJANGO_DEBUG=false and DJANGO_HTTPS=false (`make bench` sets both).")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_initial_content")
    call_command("collectstatic", interactive=False, verbosity=0)
    return seed.prepare(approved=args.stories, pending=args.stories // 10, rejected=args.stories // 10)


def main():
    args = parse_args()
    configure_environment()
    # Ctrl+C raises KeyboardInterrupt; a plain `kill` gets the same clean stop through SystemExit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not port_is_free(args.port):
        sys.exit(f"Something already listens on {HOST}:{args.port}; choose another with --port.")
    ensure_services()
    create_database(os.environ["DATABASE_URL"])
    dataset = prepare_site(args)

    # These need django.setup(), which prepare_site() has run.
    from django.core.cache import cache
    from django.db import connections

    from bench import scenario, seed

    results = {
        "machine": machine(),
        "settings": vars(args),
        "dataset": dataset,
        "story_rate_limit": int(os.environ["STORY_RATE_LIMIT"]),
        "load_average_before": os.getloadavg()[0],
    }
    moderator = seed.bench_moderator()
    last_story_before = seed.last_story_pk()
    cache.clear()  # no page or rate limit left over from an earlier run or dataset
    connections.close_all()  # the server gets the database to itself

    base_url = f"http://{HOST}:{args.port}"
    try:
        with gunicorn(args.port, base_url):
            plan = scenario.build(base_url, dataset, moderator)
            results.update(scenario.single_client_checks(plan))
            results["rows"] = []
            for page in plan.pages:
                print(f"  loading {page.name} ({page.path}) ...", flush=True)
                results["rows"].append(measure(page, base_url, args))
    finally:
        seed.delete_stories_after(last_story_before)  # the ones the share form's load submitted

    results["load_average_after"] = os.getloadavg()[0]
    report.judge(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    print("\n" + report.markdown(results))
    print(f"\nJSON: {(RESULTS / 'latest.json').relative_to(ROOT)}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("\nInterrupted: the server is stopped and nothing is left running.")
