"""The SQL of the status watchlist: one row per (user, title) with plan_to_watch, watching, completed, on_hold
or dropped."""
from __future__ import annotations

from sqlalchemy.engine import Connection

from db.engine import execute, fetch_all

STATUSES = ("plan_to_watch", "watching", "completed", "on_hold", "dropped")
STATUS_LABELS = {
    "plan_to_watch": "Plan to watch",
    "watching": "Watching",
    "completed": "Completed",
    "on_hold": "On hold",
    "dropped": "Dropped",
}


def status_counts(username: str) -> dict[str, int]:
    """{status: how many titles} for every status, zeros included (one query on ix_watchlist_user_status)."""
    found = {r["status"]: r["n"] for r in fetch_all(
        "SELECT status, COUNT(*) AS n FROM watchlist_items WHERE username = :u GROUP BY status", u=username)}
    return {status: found.get(status, 0) for status in STATUSES}


def items_for_user(username: str, status: str | None = None, limit: int | None = None,
                   offset: int = 0) -> list[dict]:
    """The user's watchlist (or one status of it) with each title's facts, most recently changed first; a
    page of it with limit/offset. One query."""
    where = "w.username = :u" + (" AND w.status = :s" if status else "")
    page = "LIMIT :lim OFFSET :off" if limit is not None else ""
    return fetch_all(
        f"""SELECT w.media_id, w.status, w.added_at, w.updated_at, m.title, m.release_year, m.media_type,
                   m.average_rating, m.poster_image_url
              FROM watchlist_items w JOIN media m ON m.media_id = w.media_id
             WHERE {where}
             ORDER BY w.updated_at DESC, w.media_id DESC {page}""",
        u=username, s=status, lim=limit, off=offset)


def upsert(conn: Connection, username: str, media_id: int, status: str) -> None:
    """Put a title on the user's watchlist with `status`, or change its status."""
    execute(conn, """INSERT INTO watchlist_items (username, media_id, status) VALUES (:u, :m, :s)
                     ON DUPLICATE KEY UPDATE status = :s""",
            u=username, m=media_id, s=status)


def delete(conn: Connection, username: str, media_id: int) -> int:
    """Take a title off the user's watchlist; returns how many rows went (0 or 1)."""
    return execute(conn, "DELETE FROM watchlist_items WHERE username = :u AND media_id = :m",
                   u=username, m=media_id).rowcount
