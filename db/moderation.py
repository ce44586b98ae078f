"""The SQL of review moderation: reports, hiding and unhiding with a reason, deleting, and the queues.

Hiding keeps the review (and its rating) but others stop seeing its text: the Media details page shows
the author "hidden by a moderator: <reason>" from reviews.hidden_by / hidden_reason. The rules and the
permission checks are core.moderation's.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from db.engine import execute, fetch_all, fetch_one, read, scalar
from db.paging import ResultPage, last_page

QUEUE_PAGE = 20
QUEUES = ("reported", "recent", "hidden")


def review_for_update(conn: Connection, review_id: int) -> dict[str, Any] | None:
    """review_id, username, hidden_by of a review, locked for this transaction; None when it is gone."""
    return fetch_one("SELECT review_id, username, hidden_by FROM reviews WHERE review_id = :r FOR UPDATE",
                     conn, r=review_id)


def upsert_report(conn: Connection, review_id: int, reporter: str, reason: str) -> None:
    """Report a review; reporting again updates the reason and reopens it."""
    execute(conn, """INSERT INTO review_reports (review_id, reported_by, reason) VALUES (:r, :u, :why)
                     ON DUPLICATE KEY UPDATE reason = VALUES(reason), created_at = CURRENT_TIMESTAMP,
                                             resolved_at = NULL""",
            r=review_id, u=reporter, why=reason)


def resolve_reports(conn: Connection, review_id: int) -> int:
    """Close the open reports on a review; returns how many were closed."""
    return execute(conn, "UPDATE review_reports SET resolved_at = CURRENT_TIMESTAMP WHERE review_id = :r "
                         "AND resolved_at IS NULL", r=review_id).rowcount


def media_of(conn: Connection, review_id: int) -> int | None:
    """The title a review is of (None when the review is gone)."""
    return scalar("SELECT media_id FROM reviews WHERE review_id = :r", conn, r=review_id)


def hide(conn: Connection, review_id: int, moderator: str, reason: str) -> None:
    execute(conn, "UPDATE reviews SET hidden_by = :m, hidden_reason = :why WHERE review_id = :r",
            m=moderator, why=reason, r=review_id)


def unhide(conn: Connection, review_id: int) -> None:
    execute(conn, "UPDATE reviews SET hidden_by = NULL, hidden_reason = NULL WHERE review_id = :r", r=review_id)


def delete(conn: Connection, review_id: int) -> None:
    """Delete a review (its reports go with it; the rating triggers recompute the title's figures)."""
    execute(conn, "DELETE FROM reviews WHERE review_id = :r", r=review_id)


# Which reviews each queue holds. A review is hidden while hidden_by names a moderator (every reader of
# reviews tests hidden_by; db.admin_users hands a deleted moderator's hidings to the deleting admin).
_QUEUE_WHERE = {
    "reported": "r.review_id IN (SELECT o.review_id FROM review_reports o WHERE o.resolved_at IS NULL)",
    "recent": "r.created_at >= NOW() - INTERVAL 30 DAY",
    "hidden": "r.hidden_by IS NOT NULL",
}
# Newest first: the latest open report, the review's creation, or its last change (the hiding).
_QUEUE_SORT = {
    "reported": "(SELECT MAX(o.created_at) FROM review_reports o WHERE o.review_id = r.review_id "
                "AND o.resolved_at IS NULL)",
    "recent": "r.created_at",
    "hidden": "r.updated_at",
}


def queue(kind: str = "reported", page: int = 1, page_size: int = QUEUE_PAGE) -> ResultPage:
    """One page of a moderation queue (each review with its title, author, open reports and their reasons)
    and the queue's length: two statements. The report figures are computed for the page's rows only."""
    if kind not in QUEUES:
        raise ValueError(f"Unknown queue {kind!r}: use one of {', '.join(QUEUES)}.")
    with read() as conn:
        total = fetch_one(f"SELECT COUNT(*) AS n FROM reviews r WHERE {_QUEUE_WHERE[kind]}", conn)["n"]
        # Past the end (the last page's reviews were handled meanwhile): the last page, not "no reports".
        page = last_page(page, total, page_size)
        rows = fetch_all(
            f"""SELECT p.*, m.title,
                       (SELECT COUNT(*) FROM review_reports o WHERE o.review_id = p.review_id
                           AND o.resolved_at IS NULL) AS open_reports,
                       (SELECT GROUP_CONCAT(CONCAT(o.reported_by, ': ', o.reason) ORDER BY o.created_at
                                            SEPARATOR '\n')
                          FROM review_reports o WHERE o.review_id = p.review_id AND o.resolved_at IS NULL) AS reasons
                  FROM (SELECT r.review_id, r.username, r.media_id, r.rating, r.review_text, r.contains_spoilers,
                               r.hidden_by, r.hidden_reason, r.created_at, r.updated_at, {_QUEUE_SORT[kind]} AS sort_key
                          FROM reviews r WHERE {_QUEUE_WHERE[kind]}
                         ORDER BY sort_key DESC, r.review_id DESC LIMIT :limit OFFSET :offset) AS p
                  JOIN media m ON m.media_id = p.media_id
                 ORDER BY p.sort_key DESC, p.review_id DESC""",
            conn, limit=page_size, offset=(page - 1) * page_size)
    return ResultPage(rows, total, page, page_size)
