"""The SQL of the activity log, as the audit triggers write it: filter, page, export, and prune old rows.

Every filter is a bound parameter. Which tables a role may read is core.activity's rule: these functions take
the tables to show (None: all of them).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from db.engine import execute, fetch_all, fetch_one, read
from db.paging import ResultPage, last_page

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000    # rows in one CSV download
COUNT_CAP = 100_000      # counting stops here so a huge log still pages quickly
OPERATIONS = ("INSERT", "UPDATE", "DELETE")
PRUNE_BATCH = 10_000     # rows per DELETE, so pruning a big log never holds one huge transaction
COLUMNS = ("log_id", "changed_at", "username", "table_name", "operation", "record_id", "change_details")


@dataclass(frozen=True)
class LogFilter:
    table: str | None = None
    operation: str | None = None
    username: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _where(f: LogFilter, tables: list[str] | None, params: dict[str, Any]) -> str:
    terms = []
    if f.table:
        terms.append("table_name = :table")
        params["table"] = f.table
    elif tables is not None:
        terms.append("table_name IN :tables")  # an expanding bind (db.engine): one parameter per table
        params["tables"] = list(tables)
    if f.operation:
        terms.append("operation = :op")
        params["op"] = f.operation
    if f.username:
        terms.append("username = :user")
        params["user"] = f.username.strip()
    if f.since:
        terms.append("changed_at >= :since")
        params["since"] = f.since
    if f.until:
        terms.append("changed_at < :until")
        params["until"] = f.until
    return " AND ".join(terms) or "1 = 1"


def _details(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {}
    return json.loads(raw) if isinstance(raw, (str, bytes)) else dict(raw)


def page(f: LogFilter, tables: list[str] | None, page_no: int = 1, page_size: int = PAGE_SIZE) -> ResultPage:
    """Rows newest first with change_details parsed to {"old": {...}, "new": {...}}, the matching rows counted
    up to COUNT_CAP: two statements. A page past the end (pruned meanwhile) gives the last page."""
    params: dict[str, Any] = {}
    where = _where(f, tables, params)
    with read() as conn:
        total = fetch_one(f"SELECT COUNT(*) AS n FROM (SELECT 1 FROM activity_log WHERE {where} "
                          f"LIMIT {COUNT_CAP + 1}) AS capped", conn, **params)["n"]
        page_no = max(1, page_no) if total > COUNT_CAP else last_page(page_no, total, page_size)
        rows = fetch_all(f"""SELECT {', '.join(COLUMNS)} FROM activity_log WHERE {where}
                              ORDER BY changed_at DESC, log_id DESC LIMIT :limit OFFSET :offset""",
                         conn, limit=page_size, offset=(page_no - 1) * page_size, **params)
    for row in rows:
        row["change_details"] = _details(row["change_details"])
    return ResultPage(rows, min(total, COUNT_CAP), page_no, page_size, capped=total > COUNT_CAP)


def export_rows(f: LogFilter, tables: list[str] | None) -> list[dict[str, Any]]:
    """The filtered rows, newest first, at most EXPORT_LIMIT, change_details as stored (JSON text)."""
    params: dict[str, Any] = {}
    where = _where(f, tables, params)
    return fetch_all(f"""SELECT {', '.join(COLUMNS)} FROM activity_log WHERE {where}
                          ORDER BY changed_at DESC, log_id DESC LIMIT {EXPORT_LIMIT}""",
                     **params)


def count_older_than(days: int) -> int:
    return fetch_one("SELECT COUNT(*) AS n FROM activity_log WHERE changed_at < NOW() - INTERVAL :d DAY",
                     d=days)["n"]


def delete_older_than(conn: Connection, days: int, limit: int = PRUNE_BATCH) -> int:
    """Delete up to `limit` of the oldest rows older than `days` days; returns how many went."""
    return execute(conn, "DELETE FROM activity_log WHERE changed_at < NOW() - INTERVAL :d DAY "
                         f"ORDER BY changed_at LIMIT {int(limit)}", d=days).rowcount


def record_prune(conn: Connection, actor: str, days: int, removed: int) -> None:
    """The prune's own log row (the audit triggers do not watch activity_log)."""
    execute(conn, """INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
                     VALUES (:u, 'activity_log', 'DELETE', :rec,
                             JSON_OBJECT('old', JSON_OBJECT('rows', :n, 'older_than_days', :d)))""",
            u=actor, rec=f"older than {days} days", n=removed, d=days)
