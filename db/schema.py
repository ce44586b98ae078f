"""Create and drop databases; the first schema's DDL in sql/; what tables a database holds.

Schemas are built and changed by migrations (db/migrations.py): the first revision runs the sql/ files in
file-name order, later revisions hold their own SQL. sql/ is frozen as that first schema."""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from db.config import PROJECT_ROOT
from db.errors import DatabaseUnavailable

SQL_DIR = PROJECT_ROOT / "sql"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")

APP_TABLES = (
    "users", "media", "genres", "people", "episodes", "playlists", "playlist_items", "watchlist_items",
    "series_progress", "reviews", "friendships", "media_genres", "media_cast", "media_crew", "activity_log",
)
# The first schema's own tables beyond the design's 15; a database holding all of these and APP_TABLES but no
# alembic_version was made by the reset before migrations existed.
FIRST_SCHEMA_EXTRA_TABLES = ("user_sessions", "review_reports", "schema_info")
FIRST_SCHEMA_TABLES = frozenset(APP_TABLES + FIRST_SCHEMA_EXTRA_TABLES)
# Tables later migrations add beside them (tests empty these too).
EXTRA_TABLES = FIRST_SCHEMA_EXTRA_TABLES + ("login_throttle",)
# Revision 0005: an import's checkpoint and the rows it stages before merging them into the catalog.
IMPORT_TABLES = ("import_runs", "import_stage_episodes", "import_stage_episode_titles", "import_stage_credits")
# Revision 0004: the watch diary and calendar-feed secrets.
LATER_TABLES = ("watch_events", "calendar_feeds")


def split_statements(script: str) -> list[str]:
    """Split a script on its delimiter, honouring `DELIMITER x` lines as the mysql client does."""
    statements, current, delimiter = [], [], ";"
    for line in script.splitlines():
        stripped = line.strip()
        if stripped.upper().startswith("DELIMITER "):
            delimiter = stripped.split(None, 1)[1]
            continue
        if not current and (not stripped or stripped.startswith("--")):
            continue
        current.append(line)
        if stripped.endswith(delimiter):
            body = "\n".join(current).rstrip()
            statements.append(body[: -len(delimiter)].strip())
            current = []
    if "".join(current).strip():
        statements.append("\n".join(current).strip())
    return statements


# Named, not globbed: these files are the first schema, frozen; a later change is a new migration.
FIRST_SCHEMA_FILES = ("01_tables.sql", "02_rating_triggers.sql", "03_guard_triggers.sql", "04_audit_triggers.sql")


def first_schema_statements() -> list[str]:
    """The first schema's DDL, one statement each; migration 0001 runs it."""
    return [stmt for name in FIRST_SCHEMA_FILES for stmt in split_statements((SQL_DIR / name).read_text())]


def _quoted(name: str) -> str:
    if not _SAFE_NAME.match(name):
        raise ValueError(f"Unsafe database name: {name!r}")
    return f"`{name}`"


def server_engine(url: URL):
    """An unpooled engine on the server itself (no database chosen), for CREATE/DROP DATABASE."""
    return create_engine(url.set(database=""), poolclass=None, pool_pre_ping=False,
                         connect_args={"connection_timeout": 5})


def _on_server(url: URL, *statements: str) -> None:
    engine = server_engine(url)
    try:
        with engine.connect() as conn:
            for stmt in statements:
                conn.exec_driver_sql(stmt)
            conn.commit()
    except DBAPIError as exc:
        if getattr(exc.orig, "errno", None) in (1044, 1045, 2002, 2003, 2005, 2013):
            raise DatabaseUnavailable(url, getattr(exc.orig, "msg", str(exc.orig))) from exc
        raise
    finally:
        engine.dispose()


def recreate_database(url: URL) -> None:
    name = _quoted(url.database)
    _on_server(url, f"DROP DATABASE IF EXISTS {name}",
               f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")


def create_database_if_missing(url: URL) -> None:
    _on_server(url, f"CREATE DATABASE IF NOT EXISTS {_quoted(url.database)} "
                    "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")


def drop_database(url: URL) -> None:
    _on_server(url, f"DROP DATABASE IF EXISTS {_quoted(url.database)}")


def existing_tables(conn) -> set[str]:
    """The database's tables, alembic's bookkeeping table left out."""
    rows = conn.execute(text(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"))
    return {r[0] for r in rows} - {"alembic_version"}


def reset_marker(conn) -> dict | None:
    """The reset's own row: {scale, seed, status ('loading' or 'complete'), started_at, loaded_at}.
    None when the database holds no schema_info row (not made by the reset, or it stopped before the row)."""
    if "schema_info" not in existing_tables(conn):
        return None
    row = conn.execute(text("SELECT scale, seed, status, started_at, loaded_at FROM schema_info "
                            "WHERE id = 1")).mappings().first()
    return dict(row) if row else None


def tables_on_server(url: URL) -> set[str] | None:
    """The table names of the database url names, or None when there is no such database."""
    engine = server_engine(url)
    try:
        with engine.connect() as conn:
            if not conn.exec_driver_sql("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = %s",
                                        (url.database,)).scalar():
                return None
            return {r[0] for r in conn.exec_driver_sql(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (url.database,))}
    finally:
        engine.dispose()


def holds_rows(conn) -> bool:
    """Whether any of the app's tables holds a row (one short probe per table)."""
    return any(conn.exec_driver_sql(f"SELECT EXISTS (SELECT 1 FROM `{t}`)").scalar() for t in APP_TABLES)


def mark_reset(conn, scale: str, seed: int) -> None:
    """The reset's marker row, 'loading' until mark_reset_complete()."""
    conn.execute(text("INSERT INTO schema_info (id, scale, seed, status) VALUES (1, :scale, :seed, 'loading')"),
                 {"scale": scale, "seed": seed})
    conn.commit()


def mark_reset_complete(conn) -> None:
    conn.exec_driver_sql("UPDATE schema_info SET status = 'complete', loaded_at = NOW() WHERE id = 1")
    conn.commit()
