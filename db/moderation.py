"""Review moderation: viewers report reviews; moderators work a queue, hide and unhide with a reason, delete.

Hiding keeps the review (and its rating) but others stop seeing its text: the Media details page shows
the author "hidden by a moderator: <reason>" from reviews.hidden_by / hidden_reason. Every write here runs
in a transaction as the acting user, so the audit triggers on reviews record who did it.
"""
from __future__ import annotations

from typing import Any

from core import permissions
from db.core import actor_role, execute, fetch_all, fetch_one, lock_title_ratings, read, scalar, transactional
from db.errors import DataRuleError

REASON_MAX = 255
QUEUE_PAGE = 20
QUEUES = ("reported", "recent", "hidden")


def _reason(text: str | None, what: str) -> str:
    reason = text.strip() if isinstance(text, str) else ""
    if not reason:
        raise DataRuleError(f"Please give a reason for {what}.")
    if len(reason) > REASON_MAX:
        raise DataRuleError(f"The reason may be at most {REASON_MAX} characters (it has {len(reason)}).")
    return reason


def _review(conn, review_id: int) -> dict[str, Any]:
    row = fetch_one("SELECT review_id, username, hidden_by FROM reviews WHERE review_id = :r FOR UPDATE",
                    conn, r=review_id)
    if row is None:
        raise DataRuleError("This review no longer exists (it may have been deleted meanwhile).")
    return row


@transactional
def report_review(conn, actor: str, review_id: int, reason: str) -> None:
    """A viewer flags a review for the moderators. Reporting again updates the reason and reopens it."""
    permissions.require(actor_role(conn, actor), "own_data")
    reason = _reason(reason, "reporting this review")
    review = _review(conn, review_id)
    if review["username"].lower() == actor.lower():
        raise DataRuleError("You cannot report your own review; edit or delete it instead.")
    execute(conn, """INSERT INTO review_reports (review_id, reported_by, reason) VALUES (:r, :u, :why)
                     ON DUPLICATE KEY UPDATE reason = VALUES(reason), created_at = CURRENT_TIMESTAMP,
                                             resolved_at = NULL""",
            r=review_id, u=actor, why=reason)


def _resolve_reports(conn, review_id: int) -> None:
    execute(conn, "UPDATE review_reports SET resolved_at = CURRENT_TIMESTAMP WHERE review_id = :r "
                  "AND resolved_at IS NULL", r=review_id)


@transactional
def hide_review(conn, actor: str, review_id: int, reason: str) -> None:
    """Hide the text from everyone but its author (who sees why); closes the open reports on it."""
    permissions.require(actor_role(conn, actor), "moderate_reviews")
    reason = _reason(reason, "hiding this review")
    hidden_by = _review(conn, review_id)["hidden_by"]
    if hidden_by is not None:  # a stale page: another moderator was quicker; keep their reason
        raise DataRuleError(f"{hidden_by} hid this review meanwhile; unhide it first to give another reason.")
    execute(conn, "UPDATE reviews SET hidden_by = :m, hidden_reason = :why WHERE review_id = :r",
            m=actor, why=reason, r=review_id)
    _resolve_reports(conn, review_id)


@transactional
def unhide_review(conn, actor: str, review_id: int) -> None:
    permissions.require(actor_role(conn, actor), "moderate_reviews")
    if _review(conn, review_id)["hidden_by"] is None:
        raise DataRuleError("This review is not hidden.")
    execute(conn, "UPDATE reviews SET hidden_by = NULL, hidden_reason = NULL WHERE review_id = :r", r=review_id)


@transactional
def dismiss_reports(conn, actor: str, review_id: int) -> int:
    """The review is fine: close its open reports without hiding it. Returns how many were closed."""
    permissions.require(actor_role(conn, actor), "moderate_reviews")
    _review(conn, review_id)
    return execute(conn, "UPDATE review_reports SET resolved_at = CURRENT_TIMESTAMP WHERE review_id = :r "
                         "AND resolved_at IS NULL", r=review_id).rowcount


@transactional
def delete_review(conn, actor: str, review_id: int) -> None:
    """Delete a review for good (its reports go with it; the title's rating is recomputed by trigger)."""
    permissions.require(actor_role(conn, actor), "moderate_reviews")
    # The title first, then the review: the order every rating write takes its locks in.
    lock_title_ratings(conn, scalar("SELECT media_id FROM reviews WHERE review_id = :r", conn, r=review_id) or 0)
    _review(conn, review_id)
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


def queue(role: str | None, kind: str = "reported", page: int = 1, page_size: int = QUEUE_PAGE
          ) -> tuple[list[dict[str, Any]], int]:
    """One page of a moderation queue (each review with its title, author, open reports and their reasons)
    and the queue's length: two statements. The report figures are computed for the page's rows only."""
    permissions.require(role, "moderate_reviews")
    if kind not in QUEUES:
        raise ValueError(f"Unknown queue {kind!r}: use one of {', '.join(QUEUES)}.")
    with read() as conn:
        total = fetch_one(f"SELECT COUNT(*) AS n FROM reviews r WHERE {_QUEUE_WHERE[kind]}", conn)["n"]
        # Past the end (the last page's reviews were handled meanwhile): the last page, not "no reports".
        page = min(max(1, page), max(1, -(-total // page_size)))
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
    return rows, total
