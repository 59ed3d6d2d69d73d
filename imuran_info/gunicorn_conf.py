"""Gunicorn's settings for production and `make serve`:

    gunicorn imuran_info.wsgi --config python:imuran_info.gunicorn_conf --workers 2 --bind ...

- Logs: the same lines as Django's (JSON, or plain text with DJANGO_DEBUG=true), through the
  same privacy filter. The access line names no client address and no private token.
- Metrics: every worker writes its counters under PROMETHEUS_MULTIPROC_DIR, so /metrics adds
  up all of them, whichever worker answers the scrape. Without the variable, a fresh folder is
  made for this run and removed when gunicorn stops.
"""

import gc
import os
import shutil
import tempfile

from gunicorn.glogging import Logger

from imuran_info.logs import from_environment, scrub

# Read as settings.env_bool reads it; settings.py itself needs Django, which is not loaded yet.
_debug = os.environ.get("DJANGO_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}

logconfig_dict = from_environment(debug=_debug)
# Behind nginx (make serve, deploy/stack.py) the front server writes the access log, so
# GUNICORN_ACCESS_LOG= (empty) turns this one off; "-" (the default) is stdout.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = "%(m)s %(U)s %(s)s %(B)s bytes %(M)s ms"


class PrivateLogger(Logger):
    """Gunicorn's logger, offering the access line only what is safe to write."""

    SAFE_ATOMS = ("m", "s", "B", "b", "M", "D", "L", "T", "H")

    @property
    def access_log_enabled(self):
        # Gunicorn writes access lines whenever a logging configuration is given, as ours always
        # is. Behind nginx (GUNICORN_ACCESS_LOG empty) the front server's log is the access log:
        # a second line per request cost the app server a tenth of its time for a kept page.
        return bool(self.cfg.accesslog)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # No address, referrer, user agent, query or header: a missing atom is written as "-".
        safe = {name: atoms[name] for name in self.SAFE_ATOMS}
        safe["U"] = scrub(atoms["U"] or "")
        return safe


logger_class = "imuran_info.gunicorn_conf.PrivateLogger"

_made_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _made_metrics_dir:
    # Set before any worker starts (and imports prometheus_client), so every worker uses it.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="imuran-metrics-")


def on_starting(server):
    # Counts left by an earlier run would be added to this run's.
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.endswith(".db"):
            os.remove(os.path.join(directory, name))


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _made_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


def post_worker_init(worker):
    # Everything loaded so far (Django, the URL patterns, the templates) lives as long as the
    # worker: out of the garbage collector's sight, its full collections no longer walk it.
    # They had cost 8% of an uncached page's CPU, about 46 ms at a time (README, "The uncached rows").
    gc.freeze()
