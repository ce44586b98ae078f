"""Series progress: per user and series, the viewing they are on and "watched up to this episode" (the
furthest episode watched in that viewing). The triggers of migration 0004 keep it in step with the watch
events (db/watch_events.py); writes go through core/watching.py. Episodes are ordered by (season_number,
episode_number); the counts take the aired regular episodes (season 0 specials and unaired ones left out)."""
from __future__ import annotations

from datetime import date

from db.engine import fetch_all
from db.watch_events import COUNTED

# Watched in the row's current viewing (w is watch_events, p series_progress, e episodes).
_IN_VIEWING = "w.username = p.username AND w.media_id = p.media_id AND w.viewing = p.current_viewing"

# derived_merge=off: x is made once, one row per series, and nx joins it. Merged into the outer query, the
# optimizer evaluated x's next-episode subquery again for the join and the outer select (4 times a series;
# 7.3 -> 5.5 ms for a large-scale viewer following 9 to 11 series). The episode count and the walk to the
# next episode read ix_episodes_order (migration 0016) alone, air dates included.
_PROGRESS_SQL = f"""
SET STATEMENT optimizer_switch = 'derived_merge=off' FOR
SELECT x.*, nx.season_number AS next_season, nx.episode_number AS next_number, nx.title AS next_title,
       CONCAT('S', nx.season_number, 'E', nx.episode_number) AS next_code
  FROM (SELECT p.media_id, m.title, m.release_year, m.poster_image_url, p.last_watched_at, p.current_viewing,
               cur.episode_id AS last_episode_id, cur.title AS last_title,
               CONCAT('S', cur.season_number, 'E', cur.episode_number) AS last_code,
               (SELECT COUNT(*) FROM episodes e WHERE e.media_id = p.media_id AND {COUNTED}) AS total_episodes,
               (SELECT COUNT(*) FROM watch_events w JOIN episodes e ON e.episode_id = w.episode_id
                 WHERE {_IN_VIEWING} AND {COUNTED}) AS watched_episodes,
               (SELECT e.episode_id FROM episodes e WHERE e.media_id = p.media_id AND {COUNTED}
                   AND NOT EXISTS (SELECT 1 FROM watch_events w WHERE {_IN_VIEWING} AND w.episode_id = e.episode_id)
                 ORDER BY e.season_number, e.episode_number LIMIT 1) AS next_episode_id
          FROM series_progress p
          JOIN media m ON m.media_id = p.media_id
          LEFT JOIN episodes cur ON cur.episode_id = p.last_watched_episode_id
         WHERE p.username = :u) x
  LEFT JOIN episodes nx ON nx.episode_id = x.next_episode_id
"""


def for_user(username: str, unfinished_only: bool = False) -> list[dict]:
    """Every series the user tracks, most recently watched first, each with current_viewing (2 = first
    rewatch), last_code/last_title ("S2E5", title), next_episode_id/next_code/next_title (the first aired
    regular episode not watched in this viewing; None when finished), watched_episodes and total_episodes.
    One query whatever the number of series."""
    where = "WHERE x.next_episode_id IS NOT NULL" if unfinished_only else ""
    return fetch_all(f"{_PROGRESS_SQL} {where} ORDER BY x.last_watched_at DESC, x.title",
                     u=username, today=date.today())
