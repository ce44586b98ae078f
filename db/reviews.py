"""Review rows: a viewer's own (one per user and title: a rating, text, or both; the rules are core.reviews')
and the community's reviews of a title, paged. The rating triggers keep media.average_rating and rating_count
(over rated reviews) and review_count (every review) exact.
"""
from __future__ import annotations

from db.engine import execute, fetch_all

REVIEWS_PER_PAGE = 10


def upsert(conn, username: str, media_id: int, rating: int | None, text: str, spoilers: bool) -> bool:
    """Add username's review of media_id, or set its rating, text and spoiler mark (a moderator's hiding
    stays: hidden_by is not touched). True when it was added.

    One statement, which takes an exclusive lock on the row it finds. Tried the other ways first:
    - a locking read first: one that finds no row locks the gap where the row would go in
      uq_reviews_user_media, and two first reviews whose rows fall into the same gap (rater07 and rater08,
      of different titles) each waited for the other's gap to insert;
    - an INSERT, then an UPDATE on a duplicate: the failed INSERT holds a shared lock on the row, and so
      does another writer's INSERT whose key sat just before it (a review deleted or moved by a merge and
      written again, which checks the next row too). Both then asked for the row exclusively: a deadlock.

    With CLIENT_FOUND_ROWS (the dialect's default) the server counts 1 for an added row and 2 for a
    changed one; a review saved unchanged also counts 1, but reports no new id."""
    result = execute(conn, """INSERT INTO reviews (username, media_id, rating, review_text, contains_spoilers)
                              VALUES (:u, :m, :rating, :text, :spoilers)
                              ON DUPLICATE KEY UPDATE rating = VALUES(rating), review_text = VALUES(review_text),
                                                      contains_spoilers = VALUES(contains_spoilers)""",
                     u=username, m=media_id, rating=rating, text=text, spoilers=spoilers)
    return result.rowcount == 1 and bool(result.lastrowid)


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
