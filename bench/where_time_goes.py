"""`make profile`: where an uncached page's time goes, measured in one process, repeatably.

The benchmark's uncached rows say how fast, not why. This calls the site's WSGI application
directly (no server, no network, no other load) for the addresses those rows walk, each asked
for once, and prints per request: the CPU this process spent (Django, templates, the driver)
and the wall time (that CPU plus waiting for PostgreSQL). With --top N it also prints the N
functions cProfile finds most expensive, cumulatively. Run `make bench` once first: it seeds
the benchmark database this reads (BENCH_ARGS="--stories 1000000" for issue 11's size).
"""

import argparse
import cProfile
import gc
import io
import os
import pstats
import sys
import tempfile
import time

from bench import run
from bench.client import BROWSER_ENCODINGS

KINDS = ("story", "list", "story-cached", "baseline")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kinds", nargs="*", metavar="page", help=f"pages to time: {', '.join(KINDS)} (default all)")
    parser.add_argument("--requests", type=int, default=2000, help="requests per kind (default 2000)")
    parser.add_argument("--top", type=int, default=0, help="also print the N most expensive functions")
    args = parser.parse_args()
    if unknown := set(args.kinds) - set(KINDS):
        parser.error(f"unknown page(s): {', '.join(sorted(unknown))}; choose from {', '.join(KINDS)}")
    args.kinds = args.kinds or list(KINDS)
    return args


def addresses(kinds, count):
    """{kind: the addresses to ask for}: the uncached rows' own walks, each address once."""
    from bench import scenario

    story, list_page = scenario.uncached_story_pages()  # reads a million rows: once
    walks = {"story": story.paths, "list": list_page.paths}
    found = {}
    for kind in kinds:
        if kind == "baseline":
            found[kind] = ["/bench/baseline/"] * count
        elif kind == "story-cached":
            found[kind] = [story.paths[0]] * count
        elif len(walks[kind]) < count:
            sys.exit(f"Only {len(walks[kind])} {kind} addresses: seed more stories or ask for fewer --requests.")
        else:
            found[kind] = walks[kind][:count]
    return found


def call(application, path):
    from django.test import RequestFactory

    path, _, query = path.partition("?")
    # As nginx passes a reader's request on: an allowed host, a browser's encodings.
    headers = {"HTTP_HOST": "127.0.0.1", "HTTP_ACCEPT_ENCODING": BROWSER_ENCODINGS}
    environ = RequestFactory().get(path, QUERY_STRING=query, **headers).environ
    status = []
    response = application(environ, lambda code, headers: status.append(code))
    try:
        body = b"".join(response)
    finally:
        response.close()  # as a WSGI server does: Django's request_finished work runs here
    if not status[0].startswith("200"):
        raise RuntimeError(f"{path}?{query} answered {status[0]}")
    return len(body)


def measure(application, paths, profiler=None):
    call(application, paths[-1])  # warm: the query compiled, the templates loaded
    # As each gunicorn worker does once the app is loaded (imuran_info/gunicorn_conf.py): without
    # it, full collections walking all of Django land on some requests and not others.
    gc.freeze()
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    for path in paths:
        call(application, path)
    if profiler:
        profiler.disable()
    count = len(paths)
    return (time.process_time() - cpu) * 1000 / count, (time.perf_counter() - wall) * 1000 / count


def main():
    args = parse_args()
    run.configure_environment()
    # As under gunicorn (imuran_info/gunicorn_conf.py): each request's counts written to files
    # that every worker shares, which costs more than counting in memory.
    metrics = tempfile.TemporaryDirectory(prefix="imuran-profile-metrics-")
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", metrics.name)
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application

    from page_cache.pages import pages

    application = get_wsgi_application()
    print(f"{'page':<14} {'CPU ms/request':>15} {'wall ms/request':>16}")
    walks = addresses(args.kinds, args.requests)
    # As make bench does before its walks: the wall time is then mostly PostgreSQL's, not the disk's.
    run.read_into_memory()
    for kind in args.kinds:
        paths = walks[kind]
        if kind != "story-cached":
            pages.clear()
        profiler = cProfile.Profile() if args.top else None
        cpu, wall = measure(application, paths, profiler)
        print(f"{kind:<14} {cpu:>15.3f} {wall:>16.3f}", flush=True)
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
            print(out.getvalue())


if __name__ == "__main__":
    main()
