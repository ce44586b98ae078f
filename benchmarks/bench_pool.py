"""Round trip of a primary-key query through the app's pool (db.titles.person: checkout with pre-ping,
one SELECT by key, return), and of a bare protocol ping on one pooled connection, with the connector
class the pool hands out: CMySQLConnection (C extension) or MySQLConnection (pure Python).

  python benchmarks/bench_pool.py                 # the configured database, as the app connects
  python benchmarks/bench_pool.py --compare       # C extension and forced pure Python, interleaved
  python benchmarks/bench_pool.py --db URL --runs 1000

--compare alternates batches of 100 between the two connectors, so load from other processes on the
machine falls on both alike.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import mysql.connector
from sqlalchemy.engine import make_url

from core import titles
from db import config, engine

BATCH = 100
WARM_UP = 10
PERSON_ID = 1  # any key will do: a missing row is the same round trip


def use(url) -> str:
    """Point the app's engine at url; returns the connection class the pool hands out."""
    previous = engine.use(engine.Database(url))
    if previous is not None:
        previous.dispose()
    with engine.read() as conn:
        raw = conn.connection.dbapi_connection
        return type(raw).__name__


def batch(size: int) -> tuple[list[float], list[float]]:
    """Microseconds per ping on one pooled connection and per primary-key query through the pool."""
    pings, queries = [], []
    with engine.read() as conn:
        raw = conn.connection.dbapi_connection
        for _ in range(WARM_UP):
            raw.ping()
        for _ in range(size):
            started = time.perf_counter()
            raw.ping()
            pings.append((time.perf_counter() - started) * 1e6)
    for _ in range(WARM_UP):
        titles.person(PERSON_ID)
    for _ in range(size):
        started = time.perf_counter()
        titles.person(PERSON_ID)
        queries.append((time.perf_counter() - started) * 1e6)
    return pings, queries


def summary(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"  {label:<40} median {statistics.median(times):6.0f} µs   p95 {p95:6.0f} µs   (n={len(times)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL (default: the configured one)")
    parser.add_argument("--runs", type=int, default=1000, help="timed calls of each kind (default 1000)")
    parser.add_argument("--compare", action="store_true", help="also force the pure-Python connector")
    args = parser.parse_args()
    url = make_url(args.db).update_query_dict(config.REQUIRED_QUERY) if args.db else config.database_url()
    variants = {"as configured": url}
    if args.compare:
        variants["pure Python (use_pure)"] = url.update_query_dict({"use_pure": "1"})

    print(f"mysql-connector-python {mysql.connector.__version__}, C extension importable: "
          f"{mysql.connector.HAVE_CEXT}; server at {url.host}:{url.port or 3306}, database {url.database}")
    results = {name: ([], []) for name in variants}
    classes = {}
    for _ in range(max(1, args.runs // BATCH)):
        for name, variant in variants.items():
            classes[name] = use(variant)
            pings, queries = batch(min(BATCH, args.runs))
            results[name][0].extend(pings)
            results[name][1].extend(queries)
    for name, (pings, queries) in results.items():
        print(f"{name}: {classes[name]}")
        print(summary("protocol ping on one pooled connection", pings))
        print(summary("primary-key SELECT through the pool", queries))


if __name__ == "__main__":
    main()
