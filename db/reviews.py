"""Review rows: a viewer's own (one per user and title: a rating, text, or both; the rules are core.reviews')
and the community's reviews of a title, paged. The rating triggers keep media.average_rating and rating_count
(over rated reviews) and review_count (every review) exact.
"""
from __future__ import annotations

from db.engine import execute, fetch_all
from db.errors import Conflict

REVIEWS_PER_PAGE = 10


def insert_unless_present(conn, username: str, media_id: int, rating: int | None, text: str,
                          spoilers: bool) -> bool:
    """Insert username's review of media_id; False, writing nothing, when they have one already. Tried as an
    INSERT rather than looked up first with FOR UPDATE: a locking read that finds no row locks the gap where
    the row would go in uq_reviews_user_media, and two first reviews whose rows fall into the same gap
    (rater07 and rater08, of different titles) each waited for the other's gap to insert: a deadlock. An
    INSERT only waits for gaps others locked, and holds none of its own meanwhile."""
    try:
        execute(conn, """INSERT INTO reviews (username, media_id, rating, review_text, contains_spoilers)
                         VALUES (:u, :m, :rating, :text, :spoilers)""",
                u=username, m=media_id, rating=rating, text=text, spoilers=spoilers)
    except Conflict as exc:
        if exc.errno == 1062:  # uq_reviews_user_media: review_id is the server's, the only other unique key
            return False
        raise
    return True


def update(conn, username: str, media_id: int, rating: int | None, text: str, spoilers: bool) -> None:
    """The rating, text and spoiler mark; a moderator's hiding stays (hidden_by is not touched)."""
    execute(conn, """UPDATE reviews SET rating = :rating, review_text = :text, contains_spoilers = :spoilers
                      WHERE username = :u AND media_id = :m""",
            u=username, m=media_id, rating=rating, text=text, spoilers=spoilers)


def delete(conn, username: str, media_id: int) -> int:
    """Rows deleted (0 or 1)."""
    return execute(conn, "DELETE FROM reviews WHERE username = :u AND media_id = :m",
                   u=username, m=media_id).rowcount


def community_reviews(media_id: int, viewer: str, page: int = 1,
                      per_page: int = REVIEWS_PER_PAGE) -> tuple[list[dict], int]:
    """Every review of media_id, the viewer's own first (is_mine), then the newest; one page, with the total.
    A review a moderator hid comes without its text (hidden = True), so the text never leaves the database
    for others. reported_by_me says whether viewer has already reported it; rating is None for a review
    without stars. One statement. The total comes from media.review_count (the rating triggers keep it equal
    to the title's reviews, rated or not), so a popular title's page reads its ten newest reviews, not all of
    them to count them."""
    rows = fetch_all("""
        SELECT r.review_id, r.username, r.rating, r.contains_spoilers, r.created_at, r.updated_at,
               r.hidden_by IS NOT NULL AS hidden, r.username = :me AS is_mine,
               CASE WHEN r.hidden_by IS NULL THEN r.review_text END AS review_text,
               EXISTS (SELECT 1 FROM review_reports rr
                        WHERE rr.review_id = r.review_id AND rr.reported_by = :me) AS reported_by_me,
               (SELECT m.review_count FROM media m WHERE m.media_id = :m) AS total
          FROM reviews r
         WHERE r.media_id = :m
         ORDER BY r.username = :me DESC, r.created_at DESC, r.review_id DESC
         LIMIT :limit OFFSET :offset""",
                     m=media_id, me=viewer, limit=per_page, offset=(max(page, 1) - 1) * per_page)
    total = int(rows[0]["total"]) if rows else 0
    for row in rows:
        del row["total"]
        for flag in ("hidden", "contains_spoilers", "reported_by_me", "is_mine"):
            row[flag] = bool(row[flag])
    return rows, total


def titles_reviewed_by(conn, username: str) -> list[int]:
    """The titles `username` reviewed (a plain read: locking the review rows here would take them before
    their titles, the order that deadlocks with raters)."""
    return [r["media_id"] for r in fetch_all("SELECT media_id FROM reviews WHERE username = :u", conn, u=username)]
