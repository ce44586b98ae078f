"""Everything one account holds, read for its export: one query per part, whatever its size.

The password hash never leaves: the profile query names its columns. Titles come with the ids another
service needs to find them again (IMDb, TMDb) and their year and type."""
from __future__ import annotations

from sqlalchemy.engine import Connection

from db.engine import fetch_all, fetch_one

_TITLE = "m.title, m.release_year AS year, m.media_type, m.imdb_id, m.tmdb_id"


def profile(conn: Connection, username: str) -> dict | None:
    return fetch_one("""SELECT username, firstname, lastname, email, dob, role, created_at, last_login_at
                          FROM users WHERE username = :u""", conn, u=username)


def reviews(conn: Connection, username: str) -> list[dict]:
    """Ratings, with their review text when there is one (a bare rating has empty text)."""
    return fetch_all(f"""SELECT {_TITLE}, r.rating, r.review_text, r.contains_spoilers, r.created_at, r.updated_at
                           FROM reviews r JOIN media m ON m.media_id = r.media_id
                          WHERE r.username = :u ORDER BY r.created_at, r.review_id""", conn, u=username)


def watchlist(conn: Connection, username: str) -> list[dict]:
    return fetch_all(f"""SELECT {_TITLE}, w.status, w.added_at, w.updated_at
                           FROM watchlist_items w JOIN media m ON m.media_id = w.media_id
                          WHERE w.username = :u ORDER BY w.added_at, w.media_id""", conn, u=username)


def playlist_items(conn: Connection, username: str) -> list[dict]:
    """Every playlist with its items in order (a playlist without items comes once, with title NULL)."""
    return fetch_all(f"""SELECT p.playlist_id, p.name AS playlist, p.description, p.created_at,
                                pi.position, pi.added_at, {_TITLE}
                           FROM playlists p
                           LEFT JOIN playlist_items pi ON pi.playlist_id = p.playlist_id
                           LEFT JOIN media m ON m.media_id = pi.media_id
                          WHERE p.username = :u
                          ORDER BY p.name, p.playlist_id, pi.position, pi.added_at, pi.media_id""",
                     conn, u=username)


def progress(conn: Connection, username: str) -> list[dict]:
    return fetch_all(f"""SELECT {_TITLE}, e.season_number AS season, e.episode_number AS episode,
                                e.title AS episode_title, p.last_watched_at
                           FROM series_progress p JOIN media m ON m.media_id = p.media_id
                           LEFT JOIN episodes e ON e.episode_id = p.last_watched_episode_id
                          WHERE p.username = :u ORDER BY p.last_watched_at, m.media_id""", conn, u=username)


def friends(conn: Connection, username: str) -> list[dict]:
    """Every friendship row of the user, seen from their side (asked: the user sent it or blocked)."""
    return fetch_all("""SELECT f.username_2 AS other, f.status, 1 AS asked, f.created_at
                          FROM friendships f WHERE f.username_1 = :u
                        UNION ALL
                        SELECT f.username_1, f.status, 0, f.created_at
                          FROM friendships f WHERE f.username_2 = :u
                        ORDER BY created_at, other""", conn, u=username)


def diary(conn: Connection, username: str) -> list[dict]:
    """Every watch: the title, the episode (season and number) or none for a film, when, which viewing."""
    return fetch_all(f"""SELECT {_TITLE}, e.season_number AS season, e.episode_number AS episode,
                                e.title AS episode_title, w.watched_at, w.viewing, w.source
                           FROM watch_events w JOIN media m ON m.media_id = w.media_id
                           LEFT JOIN episodes e ON e.episode_id = w.episode_id
                          WHERE w.username = :u ORDER BY w.watched_at IS NULL DESC, w.watched_at, w.event_id""",
                     conn, u=username)
