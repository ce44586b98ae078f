"""The seed report's own queries (its section 4.1), on DESIGN.md's table names. Each returns rows as dicts.

They document the schema by example and are checked against the demo data by tests/test_report_queries.py;
pages have their own, narrower queries in the domain modules.
"""
from __future__ import annotations

from db.engine import fetch_all

# A user's accepted friends, whichever side asked: one indexed lookup per direction.
_FRIENDS_OF = """SELECT f.username_2 FROM friendships f WHERE f.username_1 = {who} AND f.status = 'accepted'
                 UNION
                 SELECT f.username_1 FROM friendships f WHERE f.username_2 = {who} AND f.status = 'accepted'"""


def top_rated(limit: int = 10, min_ratings: int = 3) -> list[dict]:
    """The best-rated titles with at least min_ratings ratings (few ratings are not a verdict)."""
    return fetch_all("""SELECT media_id, title, media_type, release_year, average_rating, rating_count
                          FROM media
                         WHERE rating_count >= :min_ratings
                         ORDER BY average_rating DESC, rating_count DESC, title
                         LIMIT :limit""", min_ratings=min_ratings, limit=limit)


def playlist_summary(limit: int = 50) -> list[dict]:
    """Playlists with their owner and how many titles each holds, the fullest first."""
    return fetch_all("""SELECT p.playlist_id, p.name, p.username, u.firstname, u.lastname, p.created_at,
                               COUNT(pi.media_id) AS item_count
                          FROM playlists p
                          JOIN users u ON u.username = p.username
                          LEFT JOIN playlist_items pi ON pi.playlist_id = p.playlist_id
                         GROUP BY p.playlist_id, p.name, p.username, u.firstname, u.lastname, p.created_at
                         ORDER BY item_count DESC, p.name
                         LIMIT :limit""", limit=limit)


def genre_popularity(min_titles: int = 3) -> list[dict]:
    """Genres with at least min_titles titles: how many titles, ratings and the mean of their averages."""
    return fetch_all("""SELECT g.genre_id, g.name, COUNT(*) AS titles, SUM(m.rating_count) AS ratings,
                               ROUND(AVG(m.average_rating), 2) AS mean_rating
                          FROM genres g
                          JOIN media_genres mg ON mg.genre_id = g.genre_id
                          JOIN media m ON m.media_id = mg.media_id
                         GROUP BY g.genre_id, g.name
                        HAVING COUNT(*) >= :min_titles
                         ORDER BY ratings DESC, titles DESC, g.name""", min_titles=min_titles)


def series_progress(username: str) -> list[dict]:
    """A viewer's series with the episode they watched up to (season, number, title) and the series' size."""
    return fetch_all("""SELECT m.media_id, m.title, e.season_number, e.episode_number, e.title AS episode_title,
                               e.air_date, sp.last_watched_at,
                               (SELECT COUNT(*) FROM episodes a WHERE a.media_id = m.media_id) AS total_episodes
                          FROM series_progress sp
                          JOIN media m ON m.media_id = sp.media_id
                          LEFT JOIN episodes e ON e.episode_id = sp.last_watched_episode_id
                         WHERE sp.username = :username
                         ORDER BY sp.last_watched_at DESC""", username=username)


def title_with_cast(media_id: int) -> list[dict]:
    """One row per cast member of a title, in billing order, with the title's own columns."""
    return fetch_all("""SELECT m.media_id, m.title, m.release_year, m.media_type, p.person_id, p.name,
                               c.character_name, c.cast_order
                          FROM media m
                          JOIN media_cast c ON c.media_id = m.media_id
                          JOIN people p ON p.person_id = c.person_id
                         WHERE m.media_id = :media_id
                         ORDER BY c.cast_order, p.name""", media_id=media_id)


def reviews_of_title(media_id: int) -> list[dict]:
    """The visible reviews of a title with their authors' names, newest first."""
    return fetch_all("""SELECT r.review_id, r.rating, r.review_text, r.contains_spoilers, r.created_at,
                               u.username, u.firstname, u.lastname
                          FROM reviews r
                          JOIN users u ON u.username = r.username
                         WHERE r.media_id = :media_id AND r.hidden_by IS NULL
                         ORDER BY r.created_at DESC, r.review_id DESC""", media_id=media_id)


def mutual_friends(first: str, second: str) -> list[dict]:
    """Users who are accepted friends of both first and second."""
    return fetch_all(f"""SELECT u.username, u.firstname, u.lastname
                           FROM users u
                          WHERE u.username IN ({_FRIENDS_OF.format(who=':first')})
                            AND u.username IN ({_FRIENDS_OF.format(who=':second')})
                          ORDER BY u.username""", first=first, second=second)


def latest_activity(limit: int = 50) -> list[dict]:
    """The newest activity_log rows."""
    return fetch_all("""SELECT log_id, username, table_name, operation, record_id, change_details, changed_at
                          FROM activity_log
                         ORDER BY log_id DESC
                         LIMIT :limit""", limit=limit)
