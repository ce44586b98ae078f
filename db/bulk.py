"""Bulk loading for the reset: multi-row INSERTs (or LOAD DATA LOCAL INFILE for the large set) with the audit
and rating triggers switched off, then one set-based recompute of every figure those triggers would have kept.

The session variable @streamsync_bulk_load = 1 makes the rating and audit triggers skip their work (see
sql/02 and sql/04); the guard triggers still run, so a generator bug that breaks a rule fails the load.

Measured on MariaDB 10.11 with its default 128 MB buffer pool, 2 cores: 200,000 review rows into an empty
table took 7.1 s as executemany in 5,000-row statements and 4.2 s as LOAD DATA from a spooled file (writing
the file included). The whole large set (3.6 million rows) loads in about 52 s on an idle machine.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from itertools import islice
from pathlib import Path

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from db import audit, cluster
from db.schema import APP_TABLES

# What the reset loads: the first schema's tables and the watch diary.
LOADED_TABLES = APP_TABLES + ("watch_events",)

# A few thousand rows per statement: fewer round trips, packets well under max_allowed_packet (16 MB default).
CHUNK_ROWS = 5000
COMMIT_ROWS = 50_000
FILE_ROWS = 50_000  # rows per spooled LOAD DATA file (and per progress step)
# MariaDB Galera replicates each transaction as one write set that every node certifies and applies before
# the COMMIT returns: smaller ones keep the other nodes' apply queues (and flow control) short and stay far
# under the wsrep_max_ws_rows / wsrep_max_ws_size limits a cluster may set. The load commits this often there.
GALERA_TRANSACTION_ROWS = 10_000
_COLUMN_OK = frozenset("abcdefghijklmnopqrstuvwxyz_0123456789")
# The server or the connector does not allow LOAD DATA LOCAL here (MySQL 8 ships with local_infile=OFF).
LOCAL_INFILE_REFUSED = {1148, 1229, 2068, 3948}


def _quoted_table(table: str) -> str:
    """A table the loader may touch, quoted; anything else is a programming error."""
    if table not in LOADED_TABLES:
        raise ValueError(f"not a table the loader fills: {table!r}")
    return f"`{table}`"


def _names(columns: tuple[str, ...]) -> str:
    """Quoted column list; names come from the generator, never from user text."""
    for column in columns:
        if not column or set(column) - _COLUMN_OK:
            raise ValueError(f"bad column name: {column!r}")
    return ", ".join(f"`{c}`" for c in columns)


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {_quoted_table(table)} ({_names(columns)}) VALUES ({marks})"


@contextmanager
def bulk_session(conn: Connection, trusted: bool = False) -> Iterator[Connection]:
    """Switch the per-row triggers off for this connection, and back on at the end whatever happens.
    trusted=True also skips foreign-key and unique lookups: only for generated rows that are right by
    construction (the large load; tests check a small one), where it saves much of the index work."""
    conn.exec_driver_sql("SET @streamsync_bulk_load = 1, @app_user = NULL")
    if trusted:
        conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0, UNIQUE_CHECKS = 0")
    try:
        yield conn
    finally:
        conn.exec_driver_sql("SET @streamsync_bulk_load = NULL, FOREIGN_KEY_CHECKS = 1, UNIQUE_CHECKS = 1")


class Loader:
    """Puts generated rows into tables on one connection. With a spool directory it uses LOAD DATA LOCAL
    INFILE (the connection must allow local files from that directory), and falls back to multi-row INSERTs
    for good when the server refuses it."""

    def __init__(self, conn: Connection, spool_dir: Path | None = None):
        self.conn, self.spool_dir = conn, spool_dir
        galera = cluster.is_galera(conn.connection.dbapi_connection)
        self.commit_rows = GALERA_TRANSACTION_ROWS if galera else COMMIT_ROWS
        self.file_rows = min(FILE_ROWS, self.commit_rows)

    def load(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple],
             on_chunk: Callable[[int], None] | None = None) -> int:
        """Insert every row; on_chunk(n) after each chunk. Returns how many rows went in."""
        done = 0
        it = iter(rows)
        while self.spool_dir is not None and (chunk := list(islice(it, self.file_rows))):
            try:
                done += self._load_file(table, columns, chunk)
            except DBAPIError as exc:
                if getattr(exc.orig, "errno", None) not in LOCAL_INFILE_REFUSED:
                    raise
                self.spool_dir = None  # the server or connector says no: INSERTs from here on
                done += insert_rows(self.conn, table, columns, chunk, commit_rows=self.commit_rows)
            if on_chunk:
                on_chunk(len(chunk))
        return done + insert_rows(self.conn, table, columns, it, on_chunk, commit_rows=self.commit_rows)

    def _load_file(self, table: str, columns: tuple[str, ...], chunk: list[tuple]) -> int:
        path = self.spool_dir / f"{table}.tsv"
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            fh.writelines("\t".join(tsv_field(v) for v in row) + "\n" for row in chunk)
        try:
            result = self.conn.exec_driver_sql(
                f"LOAD DATA LOCAL INFILE %s INTO TABLE {_quoted_table(table)} CHARACTER SET utf8mb4 "
                f"({_names(columns)})", (str(path),))
            # LOCAL turns bad values and duplicate keys into warnings (a NULL becomes a zero date, a duplicate
            # is skipped): anything short of a clean load stops it, as a failed INSERT would
            if result.rowcount != len(chunk) or self.conn.exec_driver_sql("SELECT @@warning_count").scalar():
                warnings = self.conn.exec_driver_sql("SHOW WARNINGS LIMIT 3").fetchall()
                raise RuntimeError(f"LOAD DATA put {result.rowcount} of {len(chunk)} rows into {table}: "
                                   + "; ".join(str(w[2]) for w in warnings))
            self.conn.commit()
            return len(chunk)
        finally:
            path.unlink(missing_ok=True)


def tsv_field(value) -> str:
    """One field in LOAD DATA's default format (tab-separated, backslash escapes, \\N for NULL)."""
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def insert_rows(conn: Connection, table: str, columns: tuple[str, ...], rows: Iterable[tuple],
                on_chunk: Callable[[int], None] | None = None, chunk_rows: int = CHUNK_ROWS,
                commit_rows: int = COMMIT_ROWS) -> int:
    """Insert rows in chunks (the connector turns executemany of an INSERT into one multi-row statement),
    committing every commit_rows rows: few enough commits to spare the log flushes, small enough
    transactions to keep the undo log short. Returns how many rows went in."""
    sql = _insert_sql(table, columns)
    done = uncommitted = 0
    it = iter(rows)
    while chunk := list(islice(it, chunk_rows)):
        conn.exec_driver_sql(sql, chunk)
        done += len(chunk)
        uncommitted += len(chunk)
        if uncommitted >= commit_rows:
            conn.commit()
            uncommitted = 0
        if on_chunk:
            on_chunk(len(chunk))
    conn.commit()
    return done


def recompute_ratings(conn: Connection) -> int:
    """Set media.average_rating / rating_count / review_count from reviews for every title in one statement,
    exactly as the rating triggers would have (ROUND(AVG, 1) and the count over rated reviews, every review in
    review_count; NULL and 0 for a title without reviews). Returns titles changed."""
    result = conn.exec_driver_sql("""
        UPDATE media m
          LEFT JOIN (SELECT media_id, ROUND(AVG(rating), 1) AS average, COUNT(rating) AS rated,
                            COUNT(*) AS reviewed
                       FROM reviews GROUP BY media_id) r ON r.media_id = m.media_id
           SET m.average_rating = r.average,
               m.rating_count   = COALESCE(r.rated, 0),
               m.review_count   = COALESCE(r.reviewed, 0),
               m.updated_at     = m.updated_at""")
    conn.commit()
    return result.rowcount


def table_counts(conn: Connection, tables: Iterable[str] = LOADED_TABLES) -> dict[str, int]:
    """Rows per table (exact COUNT(*), for the reset's closing table)."""
    return {table: conn.exec_driver_sql(f"SELECT COUNT(*) FROM {_quoted_table(table)}").scalar() for table in tables}


def table_checksums(conn: Connection, tables: Iterable[str]) -> dict[str, int]:
    """CHECKSUM TABLE of each table: equal for equal contents (the reset's same-seed-same-data check)."""
    return {table: conn.exec_driver_sql(f"CHECKSUM TABLE {_quoted_table(table)}").fetchone()[1] for table in tables}


def write_history(conn, changes) -> int:
    """The activity_log rows of data loaded with the triggers off (db.audit.history_statement for each
    change); returns how many were written."""
    spec = audit.load_spec()
    return sum(conn.exec_driver_sql(audit.history_statement(spec, change)).rowcount for change in changes)
