"""`make serve`: the site as production runs it on one machine, until Ctrl+C.

nginx on 127.0.0.1:PORT in front of gunicorn (two sync workers) on a spare port. nginx reads
every request whole before gunicorn sees it, serves /static/ and /media/ itself, and keeps
anonymous pages for up to a second (README "How the pages stay fast").
"""

import argparse
import os
import signal
import sys

from deploy import stack


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000, help="nginx's port on 127.0.0.1 (default 8000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imuran_info.settings")
    from django.conf import settings

    if stack.listening(args.port):
        sys.exit(f"Something already listens on 127.0.0.1:{args.port}; choose another with PORT=...")
    # Ctrl+C raises KeyboardInterrupt; a plain `kill` gets the same clean stop through SystemExit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    app_port = stack.free_port()
    media = stack.media_location(stack.media_store_url(), settings.MEDIA_ROOT)
    try:
        with (
            stack.gunicorn(app_port, workers=args.workers),
            stack.nginx(
                listen=args.port,
                upstreams=[app_port],
                run_dir=stack.ROOT / "run",
                static_root=settings.STATIC_ROOT,
                media=media,
            ),
        ):
            print(f"  Imuran Info (production mode) at http://127.0.0.1:{args.port}/   (Ctrl+C stops)", flush=True)
            print(f"  nginx log without addresses: {stack.ROOT / 'run' / 'access.log'}", flush=True)
            signal.pause()
    except KeyboardInterrupt:
        print("\nStopped nginx and gunicorn.")


if __name__ == "__main__":
    main()
