"""Review moderation: viewers report reviews; moderators work a queue, hide and unhide with a reason, dismiss
reports, delete. Every write runs in a transaction as the acting user (the audit triggers on reviews record
who did it) and checks the actor's role as the database has it now. The SQL is db.moderation's."""
from __future__ import annotations

from typing import Any

from core import permissions
from db import moderation as sql
from db.engine import actor_role, lock_title_ratings, transactional
from db.errors import Conflict, Invalid, NotFound
from db.paging import ResultPage

REASON_MAX = 255
QUEUE_PAGE = sql.QUEUE_PAGE
QUEUES = sql.QUEUES


def _reason(text: str | None, what: str) -> str:
    reason = text.strip() if isinstance(text, str) else ""
    if not reason:
        raise Invalid(f"Please give a reason for {what}.", "reason")
    if len(reason) > REASON_MAX:
        raise Invalid(f"The reason may be at most {REASON_MAX} characters (it has {len(reason)}).", "reason")
    return reason


def _review(conn, review_id: int) -> dict[str, Any]:
    row = sql.review_for_update(conn, review_id)
    if row is None:
        raise NotFound("This review no longer exists (it may have been deleted meanwhile).")
    return row


@transactional
def report_review(conn, actor: str, review_id: int, reason: str) -> None:
    """A viewer flags a review for the moderators. Reporting again updates the reason and reopens it."""
    permissions.require(actor_role(conn, actor), "own_data")
    reason = _reason(reason, "reporting this review")
    review = _review(conn, review_id)
    if review["username"].lower() == actor.lower():
        raise Invalid("You cannot report your own review; edit or delete it instead.")
    sql.upsert_report(conn, review_id, actor, reason)


@transactional
def hide_review(conn, actor: str, review_id: int, reason: str) -> None:
    """Hide the text from everyone but its author (who sees why); closes the open reports on it."""
    permissions.require(actor_role(conn, actor), "moderate_reviews")
    reason = _reason(reason, "hiding this review")
    # The title first, as for a delete: hiding changes no figure, but an account's deletion holds the title
    # and the hidden reviews' index range (core.accounts.keep_hidden_reviews) and then reads this review for
    # the rating; a hide that held the review and waited for that range deadlocked with it.
    lock_title_ratings(conn, sql.media_of(conn, review_id) or 0)
    hidden_by = _review(conn, review_id)["hidden_by"]
    if hidden_by is not None:  # a stale page: another moderator was quicker; keep their reason
        raise Conflict(f"{hidden_by} hid this review meanwhile; unhide it first to give another reason.")
    sql.hide(conn, review_id, actor, reason)
    sql.resolve_reports(conn, review_id)


@transactional
def unhide_review(conn, actor: str, review_id: int) -> None:
    permissions.require(actor_role(conn, actor), "moderate_reviews")
    lock_title_ratings(conn, sql.media_of(conn, review_id) or 0)  # the title first, as hide_review
    if _review(conn, review_id)["hidden_by"] is None:
        raise Conflict("This review is not hidden.")
    sql.unhide(conn, review_id)


@transactional
def dismiss_reports(conn, actor: str, review_id: int) -> int:
    """The review is fine: close its open reports without hiding it. Returns how many were closed."""
    permissions.require(actor_role(conn, actor), "moderate_reviews")
    _review(conn, review_id)
    return sql.resolve_reports(conn, review_id)


@transactional
def delete_review(conn, actor: str, review_id: int) -> None:
    """Delete a review for good (its reports go with it; the title's rating is recomputed by trigger)."""
    permissions.require(actor_role(conn, actor), "moderate_reviews")
    # The title first, then the review: the order every rating write takes its locks in.
    lock_title_ratings(conn, sql.media_of(conn, review_id) or 0)
    _review(conn, review_id)
    sql.delete(conn, review_id)


def queue(role: str | None, kind: str = "reported", page: int = 1, page_size: int = QUEUE_PAGE) -> ResultPage:
    """One page of a moderation queue and its length (db.moderation.queue), for moderators."""
    permissions.require(role, "moderate_reviews")
    return sql.queue(kind, page, page_size)
