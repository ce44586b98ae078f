"""Series progress: "watched up to this episode", per user and series. Episodes are ordered by
(season_number, episode_number); a title's watchlist status follows the progress in the same transaction."""
from __future__ import annotations

from core.validation import whole_number
from db.core import execute, fetch_all, fetch_one, transactional
from db.errors import DataRuleError
from db.watchlist import set_status_in

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


@transactional
def mark_watched_up_to(conn, actor: str, media_id: int, episode_id: int) -> dict:
    """Record that `actor` watched `media_id` up to `episode_id`. The watchlist follows in the same
    transaction: the last episode marks the title completed; otherwise an absent or plan_to_watch entry
    becomes watching. Returns {code, title, completed} for the confirmation message."""
    if whole_number(episode_id) is None or whole_number(media_id) is None:
        raise DataRuleError("Choose an episode of this series from the list.")
    episode = fetch_one(
        """SELECT e.episode_id, e.title, CONCAT('S', e.season_number, 'E', e.episode_number) AS code,
                  NOT EXISTS (SELECT 1 FROM episodes n WHERE n.media_id = e.media_id
                                 AND (n.season_number > e.season_number
                                      OR (n.season_number = e.season_number AND n.episode_number > e.episode_number)))
                    AS is_last,
                  (SELECT w.status FROM watchlist_items w WHERE w.username = :u AND w.media_id = e.media_id)
                    AS status
             FROM episodes e WHERE e.episode_id = :e AND e.media_id = :m""",
        conn, e=episode_id, m=media_id, u=actor)
    if episode is None:
        raise DataRuleError("That episode does not belong to this title (it may have been deleted).")
    execute(conn, """INSERT INTO series_progress (username, media_id, last_watched_episode_id, last_watched_at)
                     VALUES (:u, :m, :e, NOW())
                     ON DUPLICATE KEY UPDATE last_watched_episode_id = :e, last_watched_at = NOW()""",
            u=actor, m=media_id, e=episode_id)
    completed = bool(episode["is_last"])
    if completed:
        set_status_in(conn, actor, media_id, "completed")
    elif episode["status"] in (None, "plan_to_watch"):
        set_status_in(conn, actor, media_id, "watching")
    return {"code": episode["code"], "title": episode["title"], "completed": completed}


@transactional
def remove(conn, actor: str, media_id: int) -> None:
    """Forget the actor's progress on a series (the watchlist entry stays)."""
    removed = execute(conn, "DELETE FROM series_progress WHERE username = :u AND media_id = :m",
                      u=actor, m=media_id).rowcount
    if not removed:
        raise DataRuleError("You have no progress on that title (any more).")
