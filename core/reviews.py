"""A viewer's own rating and review of a title (one per user and title: a rating, text, or both) and the
community's reviews of a title, paged (the SQL in db.reviews; the rating triggers keep the title's average
exact)."""
from __future__ import annotations

import math

from db import reviews as sql
from db.engine import lock_title_ratings, transactional
from db.errors import DataRuleError, NotFound

MAX_TEXT = 5000
REVIEWS_PER_PAGE = sql.REVIEWS_PER_PAGE
community_reviews = sql.community_reviews


def validate(rating, text: str | None, spoilers) -> tuple[int | None, str, bool]:
    """The review as stored, or DataRuleError naming what is wrong. The schema's CHECKs say the same;
    checking first gives the viewer the message before anything is sent. A review is a rating, text or
    both: rating None is a review without stars."""
    text = text.strip() if isinstance(text, str) else ""
    if rating is None and not text:
        raise DataRuleError("Choose a rating from 1 to 10, write a review, or both.")
    if rating is not None:
        # A number, not text, a bool, NaN or infinity, and whole.
        ok = (isinstance(rating, (int, float)) and not isinstance(rating, bool) and math.isfinite(rating)
              and rating == int(rating))
        if not ok:
            raise DataRuleError("A rating is a whole number from 1 to 10.")
        if not 1 <= int(rating) <= 10:
            raise DataRuleError(f"A rating is a whole number from 1 to 10, not {int(rating)}.")
        rating = int(rating)
    if len(text) > MAX_TEXT:
        raise DataRuleError(f"A review may be at most {MAX_TEXT:,} characters; this one has {len(text):,}. "
                            "Shorten it and save again.")
    return rating, text, bool(spoilers)


def save_review_in(conn, actor: str, media_id: int, rating, text: str | None = "", spoilers=False) -> str:
    """Add or edit actor's review of media_id inside a running transaction (logging a film watch with a
    rating does both in one). Returns "added" or "updated". Editing keeps a moderator's hiding in place:
    only a moderator lifts it."""
    rating, text, spoilers = validate(rating, text, spoilers)
    # Every review write of a title holds it: no one else writes this row now. A title merged or deleted
    # meanwhile is refused here, before the write looks for the row (and locks its neighbours).
    if not lock_title_ratings(conn, media_id):
        raise NotFound("That title does not exist (any more): it may have been merged into another or deleted.")
    return "added" if sql.upsert(conn, actor, media_id, rating, text, spoilers) else "updated"


save_review = transactional(save_review_in)


@transactional
def delete_review(conn, actor: str, media_id: int) -> bool:
    """Delete actor's own review of media_id. False when there was none."""
    lock_title_ratings(conn, media_id)
    return sql.delete(conn, actor, media_id) > 0
