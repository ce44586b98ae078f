"""A viewer's own statistics, every figure an SQL aggregate over their watch events (and their ratings).

Each function is one statement that reads only the viewer's rows through (username, ...) indexes and the
titles they watched, so the page costs the same number of statements, and about the same time, whether the
catalog holds 91 titles or 100,000. A year of None means all time."""
from __future__ import annotations

from sqlalchemy.engine import Connection

from db.engine import fetch_all, fetch_one

_YEAR = "(:y IS NULL OR YEAR(w.watched_at) = :y)"

# Minutes of one watch: the episode's runtime, else the series' usual one; a film's runtime.
_MINUTES = "COALESCE(e.runtime_minutes, m.runtime_minutes)"


def years(conn: Connection, username: str) -> list[dict]:
    """[{year, watches}] newest first (undated watches belong to no year)."""
    return fetch_all("""SELECT YEAR(watched_at) AS year, COUNT(*) AS watches FROM watch_events
                         WHERE username = :u AND watched_at IS NOT NULL
                         GROUP BY YEAR(watched_at) ORDER BY year DESC""", conn, u=username)


def totals(conn: Connection, username: str, year: int | None) -> dict:
    """Watches, films, episodes, series, hours, rewatches, undated watches, and the longest run of
    consecutive days with a watch (its length, first and last day). One statement."""
    return fetch_one(f"""
        SELECT t.*, s.streak_days, s.streak_from, s.streak_to
          FROM (SELECT COUNT(*) AS watches,
                       COUNT(DISTINCT CASE WHEN w.episode_id IS NULL THEN w.media_id END) AS films,
                       COALESCE(SUM(w.episode_id IS NULL), 0) AS film_watches,
                       COALESCE(SUM(w.episode_id IS NOT NULL), 0) AS episodes,
                       COUNT(DISTINCT CASE WHEN w.episode_id IS NOT NULL THEN w.media_id END) AS series,
                       COALESCE(SUM(w.viewing > 1), 0) AS rewatches,
                       COALESCE(SUM(w.watched_at IS NULL), 0) AS undated,
                       COALESCE(SUM({_MINUTES}), 0) AS minutes
                  FROM watch_events w
                  JOIN media m ON m.media_id = w.media_id
                  LEFT JOIN episodes e ON e.episode_id = w.episode_id
                 WHERE w.username = :u AND {_YEAR}) t
          LEFT JOIN (SELECT COUNT(*) AS streak_days, MIN(d) AS streak_from, MAX(d) AS streak_to
                       FROM (SELECT d, DATE_SUB(d, INTERVAL ROW_NUMBER() OVER (ORDER BY d) DAY) AS run
                               FROM (SELECT DISTINCT DATE(w.watched_at) AS d FROM watch_events w
                                      WHERE w.username = :u AND w.watched_at IS NOT NULL AND {_YEAR}) days) runs
                      GROUP BY run ORDER BY streak_days DESC, streak_to DESC LIMIT 1) s ON TRUE""",
                     conn, u=username, y=year)


def buckets(conn: Connection, username: str, year: int | None) -> list[dict]:
    """Every histogram of the page in one statement: rows {chart, label, sort, n, films}, chart one of
    month (watches per month; films among them), weekday (0 = Monday), genre and decade (titles watched),
    mine and community (my ratings 1-10, and the community's average, rounded, of the same titles; my reviews
    without a rating are in neither)."""
    return fetch_all(f"""
        SELECT 'month' AS chart, DATE_FORMAT(w.watched_at, '%Y-%m') AS label, 0 AS sort, COUNT(*) AS n,
               SUM(w.episode_id IS NULL) AS films
          FROM watch_events w WHERE w.username = :u AND w.watched_at IS NOT NULL AND {_YEAR}
         GROUP BY DATE_FORMAT(w.watched_at, '%Y-%m')
        UNION ALL
        SELECT 'weekday', DAYNAME(MIN(w.watched_at)), WEEKDAY(w.watched_at), COUNT(*), SUM(w.episode_id IS NULL)
          FROM watch_events w WHERE w.username = :u AND w.watched_at IS NOT NULL AND {_YEAR}
         GROUP BY WEEKDAY(w.watched_at)
        UNION ALL
        SELECT 'genre', g.name, 0, COUNT(*), SUM(m.media_type = 'Movie')
          FROM (SELECT DISTINCT w.media_id FROM watch_events w WHERE w.username = :u AND {_YEAR}) t
          JOIN media m ON m.media_id = t.media_id
          JOIN media_genres mg ON mg.media_id = t.media_id JOIN genres g ON g.genre_id = mg.genre_id
         GROUP BY g.name
        UNION ALL
        SELECT 'decade', CONCAT(FLOOR(m.release_year / 10) * 10, 's'), FLOOR(m.release_year / 10) * 10, COUNT(*),
               SUM(m.media_type = 'Movie')
          FROM (SELECT DISTINCT w.media_id FROM watch_events w WHERE w.username = :u AND {_YEAR}) t
          JOIN media m ON m.media_id = t.media_id
         WHERE m.release_year IS NOT NULL
         GROUP BY FLOOR(m.release_year / 10)
        UNION ALL
        SELECT 'mine', CAST(r.rating AS CHAR), r.rating, COUNT(*), 0
          FROM reviews r WHERE r.username = :u AND r.rating IS NOT NULL GROUP BY r.rating
        UNION ALL
        SELECT 'community', CAST(ROUND(m.average_rating) AS CHAR), ROUND(m.average_rating), COUNT(*), 0
          FROM reviews r JOIN media m ON m.media_id = r.media_id
         WHERE r.username = :u AND r.rating IS NOT NULL AND m.average_rating IS NOT NULL
         GROUP BY ROUND(m.average_rating)""", conn, u=username, y=year)


def people(conn: Connection, username: str, year: int | None, limit: int = 10) -> list[dict]:
    """The actors and directors of the most titles I watched: {role: actor|director, person_id, name, n}."""
    watched = f"SELECT DISTINCT w.media_id FROM watch_events w WHERE w.username = :u AND {_YEAR}"
    return fetch_all(f"""
        (SELECT 'actor' AS role, p.person_id, p.name, COUNT(*) AS n
           FROM ({watched}) t JOIN media_cast c ON c.media_id = t.media_id JOIN people p ON p.person_id = c.person_id
          GROUP BY p.person_id, p.name ORDER BY n DESC, p.name LIMIT {int(limit)})
        UNION ALL
        (SELECT 'director', p.person_id, p.name, COUNT(*)
           FROM ({watched}) t JOIN media_crew c ON c.media_id = t.media_id AND c.role = 'Director'
           JOIN people p ON p.person_id = c.person_id
          GROUP BY p.person_id, p.name ORDER BY COUNT(*) DESC, p.name LIMIT {int(limit)})""",
                     conn, u=username, y=year)


def year_review(conn: Connection, username: str, year: int, limit: int = 5) -> list[dict]:
    """The year in review in one statement, rows {section, media_id, title, media_type, at, n, rating}:
    first and last (the year's first and last watch), top_rated (my best-rated titles watched that year),
    series (most episodes watched that year), favourites (first ever watched that year and rated 8 or more)."""
    lim = int(limit)
    return fetch_all(f"""
        (SELECT 'first' AS section, m.media_id, m.title, m.media_type, w.watched_at AS at, 1 AS n, NULL AS rating
           FROM watch_events w JOIN media m ON m.media_id = w.media_id
          WHERE w.username = :u AND YEAR(w.watched_at) = :y ORDER BY w.watched_at, w.event_id LIMIT 1)
        UNION ALL
        (SELECT 'last', m.media_id, m.title, m.media_type, w.watched_at, 1, NULL
           FROM watch_events w JOIN media m ON m.media_id = w.media_id
          WHERE w.username = :u AND YEAR(w.watched_at) = :y ORDER BY w.watched_at DESC, w.event_id DESC LIMIT 1)
        UNION ALL
        (SELECT 'top_rated', m.media_id, m.title, m.media_type, MAX(w.watched_at), COUNT(*), r.rating
           FROM watch_events w JOIN media m ON m.media_id = w.media_id
           JOIN reviews r ON r.username = w.username AND r.media_id = w.media_id AND r.rating IS NOT NULL
          WHERE w.username = :u AND YEAR(w.watched_at) = :y
          GROUP BY m.media_id, m.title, m.media_type, r.rating ORDER BY r.rating DESC, MAX(w.watched_at) DESC
          LIMIT {lim})
        UNION ALL
        (SELECT 'series', m.media_id, m.title, m.media_type, MAX(w.watched_at), COUNT(*), NULL
           FROM watch_events w JOIN media m ON m.media_id = w.media_id
          WHERE w.username = :u AND YEAR(w.watched_at) = :y AND w.episode_id IS NOT NULL
          GROUP BY m.media_id, m.title, m.media_type ORDER BY COUNT(*) DESC, m.title LIMIT {lim})
        UNION ALL
        (SELECT 'favourites', m.media_id, m.title, m.media_type, f.first_at, 1, r.rating
           FROM (SELECT w.media_id, MIN(w.watched_at) AS first_at FROM watch_events w
                  WHERE w.username = :u AND w.watched_at IS NOT NULL GROUP BY w.media_id
                 HAVING YEAR(MIN(w.watched_at)) = :y) f
           JOIN media m ON m.media_id = f.media_id
           JOIN reviews r ON r.username = :u AND r.media_id = f.media_id AND r.rating >= 8
          ORDER BY r.rating DESC, f.first_at LIMIT {lim})""", conn, u=username, y=year)
