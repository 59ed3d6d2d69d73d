"""`make bench`: the benchmark of issues 7 and 11.

Seeds its own PostgreSQL database, starts the site as production runs it (nginx in front of
gunicorn with two workers, DEBUG off, Redis cache) on 127.0.0.1 only, and beside it a bare
Django project (bench/bare/) on the same gunicorn. Loads every page with wrk from a separate
process, through nginx and straight to gunicorn, and compares each with the bare floor and
with the full-stack baseline view. Prints a Markdown table and writes bench/results/latest.json.
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

from bench import moderate, report
from bench.client import BROWSER_ENCODINGS, Client
from bench.slowloris import Slowloris
from deploy import stack

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
    parser.add_argument(
        "--rounds", type=int, default=3, help="paired rounds for each row with a target (default 3; bench/report.py)"
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--port", type=int, default=8765, help="nginx's port on 127.0.0.1 (default 8765)")
    args = parser.parse_args()
    if not 0 <= args.stories <= 1_000_000:
        parser.error("--stories must be between 0 and 1,000,000")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
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
def servers(args):
    """nginx on args.port in front of the site's gunicorn, and the bare floor's gunicorn; yields base URLs."""
    from django.conf import settings

    RESULTS.mkdir(parents=True, exist_ok=True)
    app_port, bare_port = stack.free_port(), stack.free_port()
    with (
        open(RESULTS / "gunicorn.log", "w") as log,
        stack.gunicorn(app_port, log=log),
        stack.gunicorn(bare_port, wsgi="bench.bare.wsgi", log=log, ready_path="/bench/bare/"),
        stack.nginx(
            listen=args.port,
            upstreams=[app_port],
            run_dir=ROOT / "run" / "bench",
            static_root=settings.STATIC_ROOT,
            media=stack.media_location(None, settings.MEDIA_ROOT),
            # Off, as gunicorn's is: 30,000 lines a second would measure the disk.
            access_log=False,
        ),
    ):
        yield {
            "front": f"http://{HOST}:{args.port}",
            "app": f"http://{HOST}:{app_port}",
            "bare": f"http://{HOST}:{bare_port}",
        }


def wrk(url, seconds, args, page, *, threads=None, connections=None, timeout=10):
    command = ["wrk", "--threads", str(threads or args.threads), "--connections", str(connections or args.connections)]
    command += ["--duration", f"{seconds}s", "--timeout", f"{timeout}s", "--script", str(ROOT / "bench" / "wrk.lua")]
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


def measure(page, urls, args):
    def drain():
        # wrk leaves its last requests queued in gunicorn; one more request waits them all out,
        # so no page is measured while the server still works for the one before.
        Client(urls["app"]).get("/bench/baseline/")

    rounds = []
    if page.paths:
        # A walk over stories the caches miss reads them from PostgreSQL: from memory, as on a
        # database server sized for its data, not from this machine's disk (read_into_memory()).
        from django.db import connection

        started = time.monotonic()
        try:
            size = sum(read_into_memory().values())
        finally:
            connection.close()  # the server gets the database to itself
        seconds = time.monotonic() - started
        print(f"    read every table and index ({size / 2**30:.1f} GB) into memory in {seconds:.0f} s", flush=True)
    if page.kind == "slowloris":
        raw = slow_clients(page, urls, args)
    elif page.kind == "moderating":
        # The moderator works during the row's rounds only: the floor beside them stays bare.
        raw, rounds = paired_rounds(page, urls, args, drain, during=moderator_at_work)
    elif page.target is not None:
        raw, rounds = paired_rounds(page, urls, args, drain)
    else:
        raw = load(page, urls[page.via], args, drain)
    drain()
    statuses = {int(status): count for status, count in raw["statuses"].items()}
    return {
        "page": page.name,
        "kind": page.kind,
        "via": page.via,
        "path": page.path,
        "distinct_paths": len(page.paths) or 1,
        "requests": raw["requests"],
        "requests_per_second": rate(raw),
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "non_2xx": sum(count for status, count in statuses.items() if not 200 <= status < 300),
        # What fails a row: error statuses, and connections wrk gave up on (its timeout).
        "errors": sum(count for status, count in statuses.items() if status >= 400) + raw["socket_errors"],
        "statuses": statuses,
        "target": page.target,
        # [row's req/s, the bare floor's req/s just before it], one pair per round (bench/report.py).
        "rounds": rounds,
    }


def read_into_memory():
    """Read every table and index of the database into the machine's file cache: {name: bytes read}.

    A million stories take about 2.2 GB. A database server for them holds that in memory, but
    this virtual machine's host takes its file cache back within minutes, whatever memory is
    free: walked cold, the uncached list page measured a quarter of what it measured warm, in
    the same minutes, with the CPUs three quarters idle waiting for the disk (README,
    "The uncached rows"). Reading it all just before a walk (pg_prewarm, PostgreSQL's own
    extension for this, in "read" mode) starts such a walk with the data in the file cache, so
    the row measures the site's work, PostgreSQL's included, more than this machine's disk.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        # The main data of every table, index, TOAST table and materialized view of ours.
        cursor.execute(
            "SELECT c.relname, pg_prewarm(c.oid, 'read') * current_setting('block_size')::bigint"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind IN ('r', 'i', 't', 'm') AND c.relpersistence <> 't'"
            " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        )
        return dict(cursor.fetchall())


def load(page, base_url, args, drain):
    # Fills caches and opens DB connections; not counted. A row that walks many addresses
    # warms up on its first only, so the walk itself finds none of them cached.
    wrk(base_url + page.path, args.warmup, args, dataclasses.replace(page, paths=[]))
    drain()
    return wrk(base_url + page.path, args.duration, args, page)


def paired_rounds(page, urls, args, drain, during=contextlib.nullcontext):
    """A row with a target: the bare floor, then the row (`during` whatever runs beside it), `args.rounds` times.

    On a shared machine a few slow seconds land on a floor or on a row at random; pairs measured
    seconds apart, and the median of their ratios, keep such seconds from deciding a verdict.
    Returns the row's rounds added up, and [row req/s, floor req/s] for each round (a floor that
    lost requests counts as 0 and judges nothing: bench/report.py).
    """
    from bench.scenario import BARE_FLOOR

    seconds = report.round_seconds(args.duration, args.rounds)
    wrk(urls[page.via] + page.path, args.warmup, args, dataclasses.replace(page, paths=[]))
    drain()
    walks, rounds, walked = [], [], 0
    for _ in range(args.rounds):
        floor = wrk(urls[BARE_FLOOR.via] + BARE_FLOOR.path, seconds, args, BARE_FLOOR)
        floor_clean = floor["socket_errors"] == 0 and set(floor["statuses"]) == {"200"}
        # Each wrk thread walks on from where it stopped in the last round (bench/wrk.lua starts
        # them far apart), so no round asks for a page an earlier round asked for.
        shift = walked // args.threads % len(page.paths) if page.paths else 0
        walk = dataclasses.replace(page, paths=page.paths[shift:] + page.paths[:shift])
        with during():
            walks.append(wrk(urls[page.via] + page.path, seconds, args, walk))
        drain()
        walked += walks[-1]["requests"]
        rounds.append([rate(walks[-1]), rate(floor) if floor_clean else 0])
    statuses = {}
    for raw in walks:
        for status, count in raw["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    raw = {
        "requests": sum(raw["requests"] for raw in walks),
        "duration_us": sum(raw["duration_us"] for raw in walks),
        "p50_us": sorted(raw["p50_us"] for raw in walks)[len(walks) // 2],
        # The worst round's: a round's slow tail is not averaged away by the others.
        "p99_us": max(raw["p99_us"] for raw in walks),
        "socket_errors": sum(raw["socket_errors"] for raw in walks),
        "statuses": statuses,
    }
    return raw, rounds


def rate(raw):
    return raw["requests"] / (raw["duration_us"] / 1e6)


def slow_clients(page, urls, args):
    """Two readers with a 1 s timeout while 200 connections dribble headers and never finish."""
    from bench import scenario

    port = int(urls[page.via].rsplit(":", 1)[1])
    with Slowloris(port, count=scenario.SLOW_CLIENTS):
        time.sleep(2)  # every slow connection open before the readers start
        # Straight to gunicorn the readers get nothing: a few seconds show it.
        seconds = args.duration if page.via == "front" else max(3, min(args.duration, 5))
        readers = {"threads": 1, "connections": scenario.SLOW_READERS, "timeout": 1}
        return wrk(urls[page.via] + page.path, seconds, args, page, **readers)


moderated = []  # stories the moderator decided; put back in the queue at the end


@contextlib.contextmanager
def moderator_at_work():
    decider = subprocess.Popen([sys.executable, "-m", "bench.moderate"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    first = ""
    try:
        # Its first decision, once Django has loaded: the load starts with the moderator at work.
        first = decider.stdout.readline()
        yield
    finally:
        stack.stop(decider, seconds=10)
        moderated.extend(int(line) for line in (first + decider.stdout.read()).split())
        print(f"    the moderator has decided {len(moderated)} stories", flush=True)


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
        "nginx": subprocess.run(["nginx", "-v"], capture_output=True, text=True, check=False)
        .stderr.split("/")[-1]
        .strip(),
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

    from bench import insights, scenario, search, seed

    results = {
        "machine": machine(),
        "settings": vars(args),
        "dataset": dataset,
        "story_rate_limit": int(os.environ["STORY_RATE_LIMIT"]),
        "load_average_before": os.getloadavg()[0],
    }
    moderator = seed.bench_moderator()
    print("  timing the story insights page on a cache miss ...", flush=True)
    results["insights"] = insights.cache_miss_times()
    last_story_before = seed.last_story_pk()
    cache.clear()  # no page or rate limit left over from an earlier run or dataset
    connections.close_all()  # the server gets the database to itself

    try:
        with servers(args) as urls:
            plan = scenario.build(urls["front"], dataset, moderator)
            results.update(scenario.single_client_checks(plan))
            print("  timing site search (issue 15) ...", flush=True)
            results["search"] = search.check(urls["app"])
            results["rows"] = []
            for page in plan.pages:
                print(f"  loading {page.name} via {page.via} ({page.path}) ...", flush=True)
                results["rows"].append(measure(page, urls, args))
    finally:
        seed.delete_stories_after(last_story_before)  # the ones the share form's load submitted
        moderate.restore(moderated)
        scenario.remove_physical_limit()

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
