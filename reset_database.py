"""Rebuild the configured database and load demo (or large generated) data.

    python reset_database.py --yes [--scale demo|large] [--seed N]
    python reset_database.py --if-empty          # the run command: load demo data only where nothing is lost

It drops and recreates the database named by the configuration (STREAMSYNC_DB_URL, .streamlit/secrets.toml,
or the default), applies sql/ and bulk-loads the data with the per-row triggers off, then recomputes the
rating figures in one statement. It refuses a database holding tables it did not make. Tests call rebuild().
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import NullPool

from core import demo_data
from db import bulk, schema
from db.config import REQUIRED_QUERY, database_url
from db.engine import dispose_engine
from db.errors import DatabaseUnavailable, is_unavailable, server_message

SCALES = ("demo", "large")


class ForeignDatabase(Exception):
    """The database holds tables the reset did not make; it is left as it is."""


@dataclass
class Outcome:
    counts: dict[str, int]
    seconds: float
    skipped: bool = False

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


# --- what is there now ---------------------------------------------------------------------------------------

def _where(url: URL) -> str:
    return f"{url.database!r} at {url.host or 'localhost'}:{url.port or 3306}"


def database_state(url: URL) -> str:
    """'missing', 'empty', 'loading' (a reset that did not finish), 'complete' or 'foreign'.
    Only reads; raises DatabaseUnavailable when the server cannot be reached or refuses the user."""
    try:
        tables = _tables_on_server(url)
        if tables is None:
            return "missing"
        if not tables:
            return "empty"
        if "schema_info" not in tables:
            return "foreign"
        return "complete" if (_marker(url) or {}).get("status") == "complete" else "loading"
    except DBAPIError as exc:
        if is_unavailable(exc):
            raise DatabaseUnavailable(url, server_message(exc)) from exc
        raise


def _tables_on_server(url: URL) -> set[str] | None:
    """The database's table names, or None when there is no such database."""
    engine = schema.server_engine(url)
    try:
        with engine.connect() as conn:
            if not conn.exec_driver_sql("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = %s",
                                        (url.database,)).scalar():
                return None
            return {r[0] for r in conn.exec_driver_sql(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (url.database,))}
    finally:
        engine.dispose()


def _marker(url: URL) -> dict | None:
    engine = create_engine(url, poolclass=NullPool, connect_args={"connection_timeout": 10})
    try:
        with engine.connect() as conn:
            return schema.reset_marker(conn)
    except DBAPIError as exc:
        if getattr(exc.orig, "errno", None) == 1054:  # a schema_info from an older schema: still the reset's
            return None
        raise
    finally:
        engine.dispose()


def _refuse_foreign(url: URL) -> None:
    raise ForeignDatabase(
        f"The database {_where(url)} already holds tables that reset_database.py did not make; nothing was "
        f"changed. Point STREAMSYNC_DB_URL at another database name, or empty that one yourself.")


# --- progress -------------------------------------------------------------------------------------------------

class Progress:
    """A one-line text bar on stderr: redrawn in place on a terminal, one line per table otherwise."""

    WIDTH = 30

    def __init__(self, total: int, enabled: bool):
        self.total, self.done, self.enabled = max(1, total), 0, enabled
        self.started = time.perf_counter()
        self.live = enabled and sys.stderr.isatty()

    def advance(self, table: str, rows: int) -> None:
        self.done += rows
        if self.live:
            self._draw(table, end="")

    def table_done(self, table: str, rows: int) -> None:
        if self.enabled and not self.live:
            self._draw(table, end="\n", note=f"{rows:,} rows")

    def _draw(self, table: str, end: str, note: str = "") -> None:
        share = min(1.0, self.done / self.total)
        filled = int(share * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        elapsed = time.perf_counter() - self.started
        line = f"[{bar}] {share:4.0%}  {table:<16} {note or f'{self.done:,} rows'}  {elapsed:6.1f}s"
        print(("\r" if self.live else "") + line, end=end, file=sys.stderr, flush=True)

    def finish(self) -> None:
        if self.live:
            print(file=sys.stderr)


# --- the rebuild ----------------------------------------------------------------------------------------------

def _tables(scale: str, seed: int, factor: float) -> list[demo_data.Table]:
    catalog = demo_data.load_catalog()
    if scale == "demo":
        return demo_data.demo_dataset(catalog, seed)
    return demo_data.large_dataset(catalog, seed, factor)


def rebuild(url: URL | str, scale: str = "demo", seed: int = 42, quiet: bool = False, factor: float = 1.0,
            if_empty: bool = False) -> Outcome:
    """Drop and recreate the database at url, apply sql/, load `scale` data for `seed` and return the row counts.
    factor shrinks the large data set (tests use a tiny one). if_empty: only where nothing would be lost
    (no database, no tables, or an unfinished reset); a complete reset is left alone (Outcome.skipped).
    Raises DatabaseUnavailable or ForeignDatabase before changing anything."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}")
    url = make_url(url).update_query_dict(REQUIRED_QUERY) if isinstance(url, str) else url
    if not url.database:
        raise ValueError("the database URL names no database (it should end in /streamsync or similar)")
    started = time.perf_counter()
    state = database_state(url)
    if state == "foreign":
        _refuse_foreign(url)
    if if_empty and state == "complete":
        return Outcome({}, time.perf_counter() - started, skipped=True)
    tables = _tables(scale, seed, factor)
    schema.recreate_database(url)
    # The large set goes in through LOAD DATA LOCAL INFILE from files spooled in a private directory (the
    # connection may read local files from there only); the demo uses plain multi-row INSERTs.
    with tempfile.TemporaryDirectory(prefix="streamsync-load-") as spool:
        local_files = {"allow_local_infile_in_path": spool} if scale == "large" else {}
        engine = create_engine(url, poolclass=NullPool, connect_args={"connection_timeout": 10, **local_files})
        try:
            with engine.connect() as conn:
                schema.apply_schema(conn)  # schema_info is created first, so an interruption stays resettable
                conn.exec_driver_sql("INSERT INTO schema_info (id, version, scale, seed, status) "
                                     "VALUES (1, %s, %s, %s, 'loading')", (schema.SCHEMA_VERSION, scale, seed))
                conn.commit()
                loader = bulk.Loader(conn, Path(spool) if scale == "large" else None)
                _load(loader, tables, trusted=(scale == "large"), quiet=quiet)
                conn.exec_driver_sql("UPDATE schema_info SET status = 'complete', loaded_at = NOW() WHERE id = 1")
                conn.commit()
                counts = bulk.table_counts(conn)
        finally:
            engine.dispose()
            dispose_engine()  # pooled app connections still point at the dropped database
    return Outcome(counts, time.perf_counter() - started)


def _load(loader: bulk.Loader, tables: list[demo_data.Table], trusted: bool, quiet: bool) -> None:
    """Every table in order with the per-row triggers off, then the rating figures in one statement.
    trusted: the large set's references and keys are right by construction (tests check a small one), so its
    load skips the foreign-key and unique lookups; the demo keeps every check on."""
    progress = Progress(sum(t.count for t in tables), enabled=not quiet)
    with bulk.bulk_session(loader.conn, trusted=trusted):
        for table in tables:
            done = loader.load(table.name, table.columns, table.rows(),
                               on_chunk=lambda n, name=table.name: progress.advance(name, n))
            progress.table_done(table.name, done)
        bulk.recompute_ratings(loader.conn)
    progress.finish()


# --- command line ---------------------------------------------------------------------------------------------

def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Rebuild the configured StreamSync database and load data.")
    parser.add_argument("--yes", action="store_true", help="do not ask before deleting the database")
    parser.add_argument("--scale", choices=SCALES, default="demo",
                        help="demo: the 91-title demo set (default); large: 100,000 titles and ~3.6M rows in all")
    parser.add_argument("--seed", type=int, default=42, help="random seed; the same seed gives the same data")
    parser.add_argument("--if-empty", action="store_true",
                        help="load only when the database is missing, empty or half-reset (nothing to lose), "
                             "so it never asks; says so and does nothing when it holds a finished reset")
    return parser.parse_args(argv)


def _confirm(url: URL, scale: str) -> bool:
    answer = input(f"This deletes everything in the database {_where(url)} and loads {scale} data. "
                   f"Type 'yes' to continue: ")
    return answer.strip().lower() == "yes"


def _print_counts(outcome: Outcome) -> None:
    width = max(len(t) for t in outcome.counts)
    print(f"{'table':<{width}}  {'rows':>12}")
    for table, rows in outcome.counts.items():
        print(f"{table:<{width}}  {rows:>12,}")
    print(f"{'total':<{width}}  {outcome.rows:>12,}")
    rate = outcome.rows / outcome.seconds if outcome.seconds else 0
    print(f"Rebuilt and loaded in {outcome.seconds:.1f} s ({rate:,.0f} rows/s).")


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    try:
        url = database_url()
    except (ArgumentError, ValueError) as exc:
        print(f"The configured database URL is not valid: {exc}", file=sys.stderr)
        return 1
    if not args.yes and not args.if_empty:
        if not sys.stdin.isatty():
            print(f"Refusing to reset the database {_where(url)}: no terminal to ask for confirmation; "
                  f"run again with --yes.", file=sys.stderr)
            return 2
        if not _confirm(url, args.scale):
            print("Cancelled; nothing was changed.", file=sys.stderr)
            return 1
    try:
        outcome = rebuild(url, scale=args.scale, seed=args.seed, quiet=False, if_empty=args.if_empty)
    except (DatabaseUnavailable, ForeignDatabase) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except ValueError as exc:  # no or an unsafe database name in the URL
        print(f"Cannot reset the database: {exc}", file=sys.stderr)
        return 1
    if outcome.skipped:
        print(f"The database {_where(url)} already holds complete StreamSync data; nothing to do.")
        return 0
    _print_counts(outcome)
    return 0


if __name__ == "__main__":
    sys.exit(main())
