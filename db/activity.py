"""The activity log, as the audit triggers write it: filter, page, export to CSV, and prune old rows.

Moderators see the catalog tables' rows only, admins all (core.permissions.visible_log_tables). Every
filter is a bound parameter; the table filter is checked against the tables the role may see.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core import permissions
from db.core import actor_role, execute, fetch_all, fetch_one, read, transactional
from db.errors import DataRuleError, PermissionDenied
from db.schema import APP_TABLES

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000    # rows in one CSV download
COUNT_CAP = 100_000      # counting stops here so a huge log still pages quickly
OPERATIONS = ("INSERT", "UPDATE", "DELETE")
PRUNE_BATCH = 10_000     # rows per DELETE, so pruning a big log never holds one huge transaction


@dataclass(frozen=True)
class LogFilter:
    table: str | None = None
    operation: str | None = None
    username: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def tables_for(role: str | None) -> list[str]:
    """The tables whose activity this role may read, for the filter's choices."""
    visible = permissions.visible_log_tables(role)
    return sorted(t for t in APP_TABLES if visible is None or t in visible)


def _where(role: str | None, f: LogFilter, params: dict[str, Any]) -> str:
    permissions.require(role, "view_dashboard")
    allowed = tables_for(role)
    terms = []
    if f.table:
        if f.table not in allowed:
            raise PermissionDenied(f"Your role ({role}) may not read the activity of {f.table}.")
        terms.append("table_name = :table")
        params["table"] = f.table
    elif permissions.visible_log_tables(role) is not None:
        names = [f"t{i}" for i in range(len(allowed))]
        params.update(zip(names, allowed))
        terms.append(f"table_name IN ({', '.join(':' + n for n in names)})")
    if f.operation:
        if f.operation not in OPERATIONS:
            raise DataRuleError(f"Unknown operation {f.operation!r}: use one of {', '.join(OPERATIONS)}.")
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


def page(role: str | None, f: LogFilter, page_no: int = 1, page_size: int = PAGE_SIZE
         ) -> tuple[list[dict[str, Any]], int, bool]:
    """(rows newest first with change_details parsed to {"old": {...}, "new": {...}}, matching rows counted up
    to COUNT_CAP, whether there are more than that): two statements."""
    params: dict[str, Any] = {}
    where = _where(role, f, params)
    with read() as conn:
        total = fetch_one(f"SELECT COUNT(*) AS n FROM (SELECT 1 FROM activity_log WHERE {where} "
                          f"LIMIT {COUNT_CAP + 1}) AS capped", conn, **params)["n"]
        page_no = max(1, page_no)
        if total <= COUNT_CAP:  # past the end (pruned meanwhile): the last page
            page_no = min(page_no, max(1, -(-total // page_size)))
        rows = fetch_all(f"""SELECT log_id, changed_at, username, table_name, operation, record_id, change_details
                               FROM activity_log WHERE {where}
                              ORDER BY changed_at DESC, log_id DESC LIMIT :limit OFFSET :offset""",
                         conn, limit=page_size, offset=(page_no - 1) * page_size, **params)
    for row in rows:
        row["change_details"] = _details(row["change_details"])
    return rows, min(total, COUNT_CAP), total > COUNT_CAP


def side_by_side(details: dict[str, Any]) -> list[dict[str, Any]]:
    """One line per field: its old and new value, and whether it changed (for the details view)."""
    old, new = details.get("old") or {}, details.get("new") or {}
    fields = list(dict.fromkeys([*old, *new]))
    return [{"field": k, "old": old.get(k), "new": new.get(k), "changed": _changed(old, new, k)} for k in fields]


def _changed(old: dict[str, Any], new: dict[str, Any], field: str) -> bool:
    # An update's field that only "new" holds is a flag the trigger computed (users: "password_changed", the
    # hash itself is never logged): it changed when the flag is set, not merely because "old" lacks it.
    if old and field not in old:
        return bool(new.get(field))
    return old.get(field) != new.get(field)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: one starting like a formula (`=cmd|...`, `+`, `-`, `@`) gets a
    leading apostrophe so Excel or LibreOffice never runs it (OWASP "CSV injection")."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_csv(role: str | None, f: LogFilter) -> tuple[str, int]:
    """The filtered rows (newest first, at most EXPORT_LIMIT) as CSV text, and how many rows it holds. Text
    cells that would start a formula are defused (_cell)."""
    params: dict[str, Any] = {}
    where = _where(role, f, params)
    rows = fetch_all(f"""SELECT log_id, changed_at, username, table_name, operation, record_id, change_details
                           FROM activity_log WHERE {where}
                          ORDER BY changed_at DESC, log_id DESC LIMIT {EXPORT_LIMIT}""", **params)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["log_id", "changed_at", "username", "table_name", "operation", "record_id", "change_details"])
    for r in rows:
        details = r["change_details"]
        writer.writerow([_cell(v) for v in (
            r["log_id"], r["changed_at"].isoformat(sep=" "), r["username"] or "", r["table_name"], r["operation"],
            r["record_id"], details.decode() if isinstance(details, bytes) else (details or ""))])
    return out.getvalue(), len(rows)


def count_older_than(role: str | None, days: int) -> int:
    """How many rows a prune of `days` would delete (for the confirmation)."""
    permissions.require(role, "prune_activity_log")
    return fetch_one("SELECT COUNT(*) AS n FROM activity_log WHERE changed_at < NOW() - INTERVAL :d DAY",
                     d=_days(days))["n"]


def _days(days: int) -> int:
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise DataRuleError("Keep at least 1 day of activity: enter a whole number of days of 1 or more.")
    return days


@transactional
def _prune_batch(conn, actor: str, days: int) -> int:
    permissions.require(actor_role(conn, actor), "prune_activity_log")
    return execute(conn, "DELETE FROM activity_log WHERE changed_at < NOW() - INTERVAL :d DAY "
                         f"ORDER BY changed_at LIMIT {PRUNE_BATCH}", d=days).rowcount


@transactional
def _record_prune(conn, actor: str, days: int, removed: int) -> None:
    execute(conn, """INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
                     VALUES (:u, 'activity_log', 'DELETE', :rec,
                             JSON_OBJECT('old', JSON_OBJECT('rows', :n, 'older_than_days', :d)))""",
            u=actor, rec=f"older than {days} days", n=removed, d=days)


def prune_older_than(actor: str, days: int) -> int:
    """Delete activity older than `days` days and record the prune itself in the log. Batches of PRUNE_BATCH
    rows, each its own transaction, so pruning a big log never holds one huge transaction or long locks.
    Returns how many rows went."""
    days = _days(days)
    removed = 0
    while True:
        batch = _prune_batch(actor, days)
        removed += batch
        if batch < PRUNE_BATCH:
            break
    _record_prune(actor, days, removed)
    return removed
