"""The activity log as a role may read it: filter, page, compare old and new values, export CSV, prune.

Moderators see the catalog tables' rows only, admins all (core.permissions.visible_log_tables); a table filter
is checked against what the role may see. The SQL is db.activity's.
"""
from __future__ import annotations

import csv
import io
from typing import Any

from core import permissions
from db import activity as sql
from db.engine import actor_role, transactional
from db.errors import Invalid, PermissionDenied
from db.paging import ResultPage
from db.schema import APP_TABLES

LogFilter = sql.LogFilter
PAGE_SIZE = sql.PAGE_SIZE
EXPORT_LIMIT = sql.EXPORT_LIMIT
COUNT_CAP = sql.COUNT_CAP
OPERATIONS = sql.OPERATIONS
PRUNE_BATCH = sql.PRUNE_BATCH


def tables_for(role: str | None) -> list[str]:
    """The tables whose activity this role may read, for the filter's choices."""
    visible = permissions.visible_log_tables(role)
    return sorted(t for t in APP_TABLES if visible is None or t in visible)


def _allowed(role: str | None, f: LogFilter) -> list[str] | None:
    """The tables to show (None: all), after checking the role and the filter."""
    permissions.require(role, "view_dashboard")
    allowed = tables_for(role)
    if f.table and f.table not in allowed:
        raise PermissionDenied(f"Your role ({role}) may not read the activity of {f.table}.")
    if f.operation and f.operation not in OPERATIONS:
        raise Invalid(f"Unknown operation {f.operation!r}: use one of {', '.join(OPERATIONS)}.", "operation")
    return None if permissions.visible_log_tables(role) is None else allowed


def page(role: str | None, f: LogFilter, page_no: int = 1, page_size: int = PAGE_SIZE) -> ResultPage:
    """A page of the log, newest first (two statements); `capped`: more than COUNT_CAP rows match."""
    return sql.page(f, _allowed(role, f), page_no, page_size)


# The column that names a row of each table in words, as the log's values hold it.
NAME_FIELDS = ("title", "name", "username", "email")


def subject(row: dict[str, Any]) -> tuple[str, int | None]:
    """What an entry is about in words ("Sholay", "Amitabh Bachchan", else "media_genres 28") and the title
    it concerns, when there is one, for a link: a media row itself, or any row that names a media_id (a
    review, an episode, a list entry). Read from the values the log kept, so a deleted row is still named."""
    details = row["change_details"] or {}
    values = {**(details.get("old") or {}), **(details.get("new") or {})}
    name = next((str(values[f]) for f in NAME_FIELDS if values.get(f) not in (None, "")), None)
    media = row["record_id"] if row["table_name"] == "media" else values.get("media_id")
    media_id = int(media) if str(media or "").isdigit() else None
    return name or f"{row['table_name']} {row['record_id']}", media_id


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
    rows = sql.export_rows(f, _allowed(role, f))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(sql.COLUMNS))
    for r in rows:
        details = r["change_details"]
        writer.writerow([_cell(v) for v in (
            r["log_id"], r["changed_at"].isoformat(sep=" "), r["username"] or "", r["table_name"], r["operation"],
            r["record_id"], details.decode() if isinstance(details, bytes) else (details or ""))])
    return out.getvalue(), len(rows)


def count_older_than(role: str | None, days: int) -> int:
    """How many rows a prune of `days` would delete (for the confirmation)."""
    permissions.require(role, "prune_activity_log")
    return sql.count_older_than(_days(days))


def _days(days: int) -> int:
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise Invalid("Keep at least 1 day of activity: enter a whole number of days of 1 or more.", "days")
    return days


@transactional
def _prune_batch(conn, actor: str, days: int) -> int:
    permissions.require(actor_role(conn, actor), "prune_activity_log")
    return sql.delete_older_than(conn, days, PRUNE_BATCH)


@transactional
def _record_prune(conn, actor: str, days: int, removed: int) -> None:
    sql.record_prune(conn, actor, days, removed)


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
