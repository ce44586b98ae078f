"""The reset: rebuild a StreamSync database through the migrations and load demo (or large generated) data.

It drops and recreates the database, upgrades it to the head revision (db/migrations.py), and bulk-loads the
data with the per-row triggers off, then recomputes the rating figures in one statement. It refuses a
database holding tables it did not make. `manage.py reset` and reset_database.py call rebuild(); tests too.
"""
from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from core import demo_data, recommend
from db import audit, bulk, migrations, schema
from db.config import REQUIRED_QUERY
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
    training: recommend.TrainingOutcome | recommend.TrainingRefused | None = None  # None when skipped

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


# --- what is there now ---------------------------------------------------------------------------------------

def where(url: URL) -> str:
    return f"{url.database!r} at {url.host or 'localhost'}:{url.port or 3306}"


def database_state(url: URL) -> str:
    """'missing', 'empty', 'loading' (a reset that did not finish), 'complete', 'unmarked' (a schema built by
    `manage.py migrate` that holds rows: someone's data, not the reset's) or 'foreign'.
    Only reads; raises DatabaseUnavailable when the server cannot be reached or refuses the user."""
    try:
        tables = schema.tables_on_server(url)
        if tables is None:
            return "missing"
        tables.discard("alembic_version")
        if not tables:
            return "empty"
        if "schema_info" not in tables:
            return "foreign"
        marker = _marker(url)
        if marker is None:
            return "unmarked" if _holds_rows(url) else "empty"
        return "complete" if marker.get("status") == "complete" else "loading"
    except DBAPIError as exc:
        if is_unavailable(exc):
            raise DatabaseUnavailable(url, server_message(exc)) from exc
        raise


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


def _holds_rows(url: URL) -> bool:
    engine = create_engine(url, poolclass=NullPool, connect_args={"connection_timeout": 10})
    try:
        with engine.connect() as conn:
            return schema.holds_rows(conn)
    finally:
        engine.dispose()


def _refuse_foreign(url: URL) -> None:
    raise ForeignDatabase(
        f"The database {where(url)} already holds tables that StreamSync's reset did not make; nothing was "
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
    (no database, no tables, an empty schema or an unfinished reset); a complete reset, or a schema that holds
    someone's rows, is left alone (Outcome.skipped).
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
    if if_empty and state in ("complete", "unmarked"):
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
                migrations.upgrade(conn)
                schema.mark_reset(conn, scale, seed)  # 'loading' until the end: an interruption stays resettable
                loader = bulk.Loader(conn, Path(spool) if scale == "large" else None)
                _load(loader, tables, trusted=(scale == "large"), quiet=quiet)
                if scale == "demo":  # the large set is for measuring: millions of log rows would only slow it
                    bulk.write_history(conn, DEMO_HISTORY)
                # Trained before the reset counts as complete, so a fresh instance shows learned picks and
                # similar titles at once (a second on the demo, about a minute at large scale).
                try:
                    training = recommend.train(conn)
                except recommend.TrainingRefused as refused:  # recommendations use the damped average
                    training = refused
                schema.mark_reset_complete(conn)
                counts = bulk.table_counts(conn)
        finally:
            engine.dispose()
            dispose_engine()  # pooled app connections still point at the dropped database
    return Outcome(counts, time.perf_counter() - started, training=training)


# The demo loads with the per-row triggers off, which would leave the admin an empty activity log: these write
# what the triggers would have logged had the demo been made through the app, each change by whoever made it
# when they made it: the admin set the instance up and promoted the moderator an hour after they registered;
# the moderator built the catalog (demo_data.CATALOG_BUILT, the titles' created_at); viewers registered,
# rated, listed and befriended at their rows' own times.
DEMO_HISTORY = (
    audit.PastChange("users", "r.username", "r.created_at"),
    audit.PastChange("users", "'admin'", "r.created_at + INTERVAL 1 HOUR", "r.role = 'moderator'",
                     was={"role": "'user'"}),
    audit.PastChange("people", "'moderator'", "(SELECT MIN(created_at) FROM media)"),
    audit.PastChange("genres", "'moderator'", "(SELECT MIN(created_at) FROM media)"),
    audit.PastChange("media", "'moderator'", "r.created_at"),
    audit.PastChange("reviews", "r.username", "r.created_at"),
    audit.PastChange("playlists", "r.username", "r.created_at"),
    audit.PastChange("playlist_items", "(SELECT p.username FROM playlists p WHERE p.playlist_id = r.playlist_id)",
                     "r.added_at"),
    audit.PastChange("watchlist_items", "r.username", "r.added_at"),
    audit.PastChange("friendships", "r.username_1", "r.created_at"),
)


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
