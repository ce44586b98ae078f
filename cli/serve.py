"""`manage.py serve [--workers N]`: StreamSync in N worker processes behind HAProxy (ops/serve.py)."""
from __future__ import annotations

import os
import signal
import threading

from ops.serve import ServeError, Server


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve", help="serve the app, in N worker processes behind HAProxy",
        description="Start N Streamlit worker processes on loopback ports and, for N > 1, HAProxy in front "
                    "of them (cookie affinity, health checks); restart a worker that dies; Ctrl-C or SIGTERM "
                    "stops everything. The database is the configured one (STREAMSYNC_DB_URL, secrets.toml).")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("STREAMSYNC_WORKERS", "1")),
                        help="Streamlit processes (default 1, or STREAMSYNC_WORKERS); about one per core")
    parser.add_argument("--port", type=int, default=int(os.environ.get("STREAMSYNC_PORT", "8501")),
                        help="the port users connect to (default 8501, or STREAMSYNC_PORT)")
    parser.add_argument("--address", default=os.environ.get("STREAMSYNC_ADDRESS") or "127.0.0.1",
                        help="the address to listen on (default 127.0.0.1, this machine only; or STREAMSYNC_ADDRESS)")
    parser.add_argument("--dev", action="store_true",
                        help="development mode: rerun on save, file watcher and post-run GC back on")
    parser.set_defaults(handler=serve)


def serve(args) -> int:
    server = Server(workers=args.workers, port=args.port, address=args.address, dev=args.dev,
                    on_event=lambda message: print(f"serve: {message}", flush=True))
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        server.start()
        print(f"serve: open {server.url}  (Ctrl-C stops it)", flush=True)
        server.run_until(stop)
    except ServeError as exc:
        print(f"serve: {exc}", flush=True)
        return 1
    finally:
        server.stop()
    print("serve: stopped", flush=True)
    return 0
