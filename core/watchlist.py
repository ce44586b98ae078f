"""The status watchlist: one status per user and title (plan to watch, watching, completed, on hold, dropped)."""
from __future__ import annotations

from db import watchlist as sql
from db.engine import transactional
from db.errors import Invalid, NotFound

STATUSES = sql.STATUSES
STATUS_LABELS = sql.STATUS_LABELS
status_counts = sql.status_counts
items_for_user = sql.items_for_user


def set_status_in(conn, actor: str, media_id: int, status: str) -> None:
    """Put a title on the actor's watchlist with `status` (or change it), inside a running transaction."""
    if status not in STATUSES:
        raise Invalid(f"Unknown watchlist status {status!r}; use one of: {', '.join(STATUSES)}.", "status")
    sql.upsert(conn, actor, media_id, status)


@transactional
def set_status(conn, actor: str, media_id: int, status: str) -> None:
    set_status_in(conn, actor, media_id, status)


@transactional
def remove(conn, actor: str, media_id: int) -> None:
    """Take a title off the actor's watchlist (refused if it was not on it)."""
    if not sql.delete(conn, actor, media_id):
        raise NotFound("That title is not on your watchlist (any more).")
