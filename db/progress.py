"""The SQL of series progress: "watched up to this episode", per user and series. Episodes are ordered by
(season_number, episode_number). core.progress keeps the watchlist in step."""
from __future__ import annotations

from sqlalchemy.engine import Connection

from db.engine import execute, fetch_all, fetch_one

# "e comes after the episode cur" in season-episode order (cur may be NULL: nothing watched yet).
_AFTER_CUR = ("(cur.episode_id IS NULL OR e.season_number > cur.season_number "
              "OR (e.season_number = cur.season_number AND e.episode_number > cur.episode_number))")

_PROGRESS_SQL = f"""
SELECT x.*, nx.season_number AS next_season, nx.episode_number AS next_number, nx.title AS next_title,
       CONCAT('S', nx.season_number, 'E', nx.episode_number) AS next_code
  FROM (SELECT p.media_id, m.title, m.release_year, m.poster_image_url, p.last_watched_at,
               cur.episode_id AS last_episode_id, cur.title AS last_title,
               CONCAT('S', cur.season_number, 'E', cur.episode_number) AS last_code,
               (SELECT COUNT(*) FROM episodes e WHERE e.media_id = p.media_id) AS total_episodes,
               (SELECT COUNT(*) FROM episodes e WHERE e.media_id = p.media_id AND cur.episode_id IS NOT NULL
                   AND NOT {_AFTER_CUR}) AS watched_episodes,
               (SELECT e.episode_id FROM episodes e WHERE e.media_id = p.media_id AND {_AFTER_CUR}
                 ORDER BY e.season_number, e.episode_number LIMIT 1) AS next_episode_id
          FROM series_progress p
          JOIN media m ON m.media_id = p.media_id
          LEFT JOIN episodes cur ON cur.episode_id = p.last_watched_episode_id
         WHERE p.username = :u) x
  LEFT JOIN episodes nx ON nx.episode_id = x.next_episode_id
"""


def for_user(username: str, unfinished_only: bool = False) -> list[dict]:
    """Every series the user tracks, most recently watched first, each with last_code/last_title
    ("S2E5", title), next_episode_id/next_code/next_title (None when finished), watched_episodes and
    total_episodes. One query whatever the number of series."""
    where = "WHERE x.next_episode_id IS NOT NULL" if unfinished_only else ""
    return fetch_all(f"{_PROGRESS_SQL} {where} ORDER BY x.last_watched_at DESC, x.title", u=username)


def episode_to_mark(conn: Connection, username: str, media_id: int, episode_id: int) -> dict | None:
    """The episode (code, title, is_last: no episode after it) with the user's watchlist status of its title;
    None when the episode is not one of media_id's."""
    return fetch_one(
        """SELECT e.episode_id, e.title, CONCAT('S', e.season_number, 'E', e.episode_number) AS code,
                  NOT EXISTS (SELECT 1 FROM episodes n WHERE n.media_id = e.media_id
                                 AND (n.season_number > e.season_number
                                      OR (n.season_number = e.season_number AND n.episode_number > e.episode_number)))
                    AS is_last,
                  (SELECT w.status FROM watchlist_items w WHERE w.username = :u AND w.media_id = e.media_id)
                    AS status
             FROM episodes e WHERE e.episode_id = :e AND e.media_id = :m""",
        conn, e=episode_id, m=media_id, u=username)


def upsert(conn: Connection, username: str, media_id: int, episode_id: int) -> None:
    execute(conn, """INSERT INTO series_progress (username, media_id, last_watched_episode_id, last_watched_at)
                     VALUES (:u, :m, :e, NOW())
                     ON DUPLICATE KEY UPDATE last_watched_episode_id = :e, last_watched_at = NOW()""",
            u=username, m=media_id, e=episode_id)


def delete(conn: Connection, username: str, media_id: int) -> int:
    return execute(conn, "DELETE FROM series_progress WHERE username = :u AND media_id = :m",
                   u=username, m=media_id).rowcount
