"""Reads for the Home page that belong to no other domain: my counts, top rated, my friends' ratings."""
from __future__ import annotations

from db.engine import fetch_all, fetch_one
from db.friends import friends_of_sql


def counts(username: str) -> dict:
    """{playlists, watchlist, friends, incoming_requests, ratings} for the user (one query); a review without
    a rating is not a rating."""
    return fetch_one(
        """SELECT (SELECT COUNT(*) FROM playlists WHERE username = :me) AS playlists,
                  (SELECT COUNT(rating) FROM reviews WHERE username = :me) AS ratings,
                  (SELECT COUNT(*) FROM watchlist_items WHERE username = :me) AS watchlist,
                  (SELECT COUNT(*) FROM friendships
                    WHERE (username_1 = :me OR username_2 = :me) AND status = 'accepted') AS friends,
                  (SELECT COUNT(*) FROM friendships
                    WHERE username_2 = :me AND status = 'pending') AS incoming_requests""",
        me=username)


def top_rated(min_ratings: int, limit: int = 12) -> list[dict]:
    """The best rated titles with at least `min_ratings` ratings (one query). The order is exactly
    ix_media_rating's (average_rating, rating_count, then the primary key), so it reads a few index entries
    instead of sorting the catalog."""
    return fetch_all(
        """SELECT media_id, title, release_year, media_type, poster_image_url, average_rating, rating_count
             FROM media WHERE rating_count >= :n AND average_rating IS NOT NULL
            ORDER BY average_rating DESC, rating_count DESC, media_id DESC LIMIT :lim""",
        n=min_ratings, lim=limit)


def friends_recent_ratings(username: str, limit: int = 10) -> list[dict]:
    """My friends' latest visible ratings (reviews without stars are not ratings), newest first (one query)."""
    return fetch_all(
        f"""SELECT r.username, r.rating, r.updated_at, r.review_text <> '' AS has_review,
                   m.media_id, m.title, m.release_year
              FROM ({friends_of_sql("me")}) mine
              JOIN reviews r ON r.username = mine.friend AND r.hidden_by IS NULL AND r.rating IS NOT NULL
              JOIN media m ON m.media_id = r.media_id
             ORDER BY r.updated_at DESC, r.review_id DESC LIMIT :lim""",
        me=username, lim=limit)
