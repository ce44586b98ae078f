"""A viewer's own rating and review of a title (one per user and title: a rating, text, or both), and the
community's reviews of a title, paged. The rating triggers keep media.average_rating and rating_count (over
rated reviews) and review_count (every review) exact.
"""
from __future__ import annotations

import math

from db.engine import execute, fetch_all, lock_title_ratings, transactional
from db.errors import DataRuleError

MAX_TEXT = 5000
REVIEWS_PER_PAGE = 10


def validate(rating, text: str | None, spoilers) -> tuple[int | None, str, bool]:
    """The review as stored, or DataRuleError naming what is wrong. The schema's CHECKs say the same;
    checking first gives the viewer the message before anything is sent. A review is a rating, text or
    both: rating None is a review without stars."""
    text = text.strip() if isinstance(text, str) else ""
    if rating is None and not text:
        raise DataRuleError("Choose a rating from 1 to 10, write a review, or both.")
    if rating is not None:
        # no text, no bool, no NaN or infinity, no fraction (the checks of core.validation.whole_number, which
        # db/ may not import)
        ok = (isinstance(rating, (int, float)) and not isinstance(rating, bool) and math.isfinite(rating)
              and rating == int(rating))
        whole = int(rating) if ok else None
        if whole is None:
            raise DataRuleError("A rating is a whole number from 1 to 10.")
        if not 1 <= whole <= 10:
            raise DataRuleError(f"A rating is a whole number from 1 to 10, not {whole}.")
        rating = whole
    if len(text) > MAX_TEXT:
        raise DataRuleError(f"A review may be at most {MAX_TEXT:,} characters; this one has {len(text):,}. "
                            "Shorten it and save again.")
    return rating, text, bool(spoilers)


def save_review_in(conn, actor: str, media_id: int, rating, text: str | None = "", spoilers=False) -> str:
    """Add or edit actor's review of media_id inside a running transaction (logging a film watch with a
    rating does both in one). Returns "added" or "updated". Editing keeps a moderator's hiding in place:
    only a moderator lifts it."""
    rating, text, spoilers = validate(rating, text, spoilers)
    lock_title_ratings(conn, media_id)
    existing = execute(conn, "SELECT review_id FROM reviews WHERE username = :u AND media_id = :m FOR UPDATE",
                       u=actor, m=media_id).scalar()
    params = dict(u=actor, m=media_id, rating=rating, text=text, spoilers=spoilers)
    if existing is None:
        execute(conn, """INSERT INTO reviews (username, media_id, rating, review_text, contains_spoilers)
                         VALUES (:u, :m, :rating, :text, :spoilers)""", **params)
        return "added"
    execute(conn, """UPDATE reviews SET rating = :rating, review_text = :text, contains_spoilers = :spoilers
                      WHERE username = :u AND media_id = :m""", **params)
    return "updated"


save_review = transactional(save_review_in)


@transactional
def delete_review(conn, actor: str, media_id: int) -> bool:
    """Delete actor's own review of media_id. False when there was none."""
    lock_title_ratings(conn, media_id)
    result = execute(conn, "DELETE FROM reviews WHERE username = :u AND media_id = :m", u=actor, m=media_id)
    return result.rowcount > 0


def community_reviews(media_id: int, viewer: str, page: int = 1,
                      per_page: int = REVIEWS_PER_PAGE) -> tuple[list[dict], int]:
    """Other people's reviews of media_id, newest first, one page, with the total. A review a moderator
    hid comes without its text (hidden = True), so the text never leaves the database for others.
    reported_by_me says whether viewer has already reported it; rating is None for a review without stars.
    One statement. The total comes from media.review_count (the rating triggers keep it equal to the title's
    reviews, rated or not), so a popular title's page reads its ten newest reviews, not all of them to count
    them."""
    rows = fetch_all("""
        SELECT r.review_id, r.username, r.rating, r.contains_spoilers, r.created_at, r.updated_at,
               r.hidden_by IS NOT NULL AS hidden,
               CASE WHEN r.hidden_by IS NULL THEN r.review_text END AS review_text,
               EXISTS (SELECT 1 FROM review_reports rr
                        WHERE rr.review_id = r.review_id AND rr.reported_by = :me) AS reported_by_me,
               (SELECT m.review_count FROM media m WHERE m.media_id = :m)
                 - EXISTS (SELECT 1 FROM reviews mine WHERE mine.media_id = :m AND mine.username = :me) AS total
          FROM reviews r
         WHERE r.media_id = :m AND r.username <> :me
         ORDER BY r.created_at DESC, r.review_id DESC
         LIMIT :limit OFFSET :offset""",
                     m=media_id, me=viewer, limit=per_page, offset=(max(page, 1) - 1) * per_page)
    total = int(rows[0]["total"]) if rows else 0
    for row in rows:
        del row["total"]
        for flag in ("hidden", "contains_spoilers", "reported_by_me"):
            row[flag] = bool(row[flag])
    return rows, total
