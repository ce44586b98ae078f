"""Create, drop and build databases from the DDL files in sql/ (applied in file-name order)."""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from db.config import PROJECT_ROOT
from db.errors import DatabaseUnavailable

SQL_DIR = PROJECT_ROOT / "sql"
SCHEMA_VERSION = 1
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")

APP_TABLES = (
    "users", "media", "genres", "people", "episodes", "playlists", "playlist_items", "watchlist_items",
    "series_progress", "reviews", "friendships", "media_genres", "media_cast", "media_crew", "activity_log",
)
EXTRA_TABLES = ("user_sessions", "review_reports", "schema_info", "login_throttle")


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


def schema_statements() -> list[str]:
    return [stmt for path in sorted(SQL_DIR.glob("*.sql")) for stmt in split_statements(path.read_text())]


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


def apply_schema(conn) -> int:
    """Run every DDL statement of sql/ on conn; returns how many ran."""
    statements = schema_statements()
    for stmt in statements:
        conn.exec_driver_sql(stmt)
    return len(statements)


def existing_tables(conn) -> set[str]:
    rows = conn.execute(text(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"))
    return {r[0] for r in rows}


def reset_marker(conn) -> dict | None:
    """The reset's own row: {version, scale, seed, status ('loading' or 'complete'), started_at, loaded_at}.
    None when the database holds no schema_info row (not made by the reset, or it stopped before the row)."""
    if "schema_info" not in existing_tables(conn):
        return None
    row = conn.execute(text("SELECT version, scale, seed, status, started_at, loaded_at FROM schema_info "
                            "WHERE id = 1")).mappings().first()
    return dict(row) if row else None
