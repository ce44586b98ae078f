"""The watch diary: one row per watch of a film or of an episode. SQL only; the rules (dates, rewatches, the
watchlist following along) are in core/watching.py.

Triggers of migration 0004 keep series_progress in step with the episode events: after every event written,
edited or deleted, refresh_series_progress() recomputes the user's row for that series (its pointer is the
furthest episode watched in the current viewing). A bulk load (@streamsync_bulk_load) skips them and must
leave the two in agreement itself; disagreements() says where they differ.
"""
from __future__ import annotations

from datetime import date, datetime

from db.engine import execute, fetch_all, fetch_one, scalar
from db.friends import friends_of_sql

# Which episodes count toward a series' completion: regular seasons (not season 0 specials) that have aired.
COUNTED = "e.season_number > 0 AND (e.air_date IS NULL OR e.air_date <= :today)"

# Episode selections for the bulk writes of a series (bound :e, :s or :upto_season/:upto_number).
SELECTIONS = {
    "episode": "e.episode_id = :e",
    "season": "e.season_number = :s",
    # "watched up to here": the regular episodes up to it; specials are ticked one by one
    "up_to": ("e.season_number > 0 AND (e.season_number < :upto_season "
              "OR (e.season_number = :upto_season AND e.episode_number <= :upto_number))"),
    "after": ("e.season_number > 0 AND (e.season_number > :upto_season "
              "OR (e.season_number = :upto_season AND e.episode_number > :upto_number))"),
}


def title_state(conn, username: str, media_id: int, episode_id: int | None = None) -> dict | None:
    """The title, the episode (only when it belongs to the title), the viewer's watchlist status, current
    viewing and how many times they logged it as a film, with a lock on their progress row. None: no title."""
    return fetch_one(
        """SELECT m.media_id, m.title, m.media_type, w.status, p.current_viewing,
                  e.episode_id, e.season_number, e.episode_number, e.title AS episode_title,
                  CONCAT('S', e.season_number, 'E', e.episode_number) AS code,
                  (SELECT CAST(COALESCE(MAX(x.viewing), 0) AS SIGNED) FROM watch_events x
                    WHERE x.username = :u AND x.media_id = m.media_id AND x.episode_id IS NULL) AS film_viewings
             FROM media m
             LEFT JOIN episodes e ON e.episode_id = :e AND e.media_id = m.media_id
             LEFT JOIN series_progress p ON p.username = :u AND p.media_id = m.media_id
             LEFT JOIN watchlist_items w ON w.username = :u AND w.media_id = m.media_id
            WHERE m.media_id = :m""",
        conn, u=username, m=media_id, e=episode_id)


def add_episodes(conn, username: str, media_id: int, viewing: int, watched_at: datetime | None,
                 selection: str, dated: int | None = None, **bound) -> int:
    """Events for the selected episodes of a series in `viewing`, skipping those already watched in it (a
    double click adds nothing). With `dated`, only that episode gets watched_at and the others an unknown
    date (catching up: "watched up to here"). One statement whatever the number of episodes. Returns how
    many were added."""
    return execute(conn, f"""
        INSERT INTO watch_events (username, media_id, episode_id, watched_at, viewing)
        SELECT :u, :m, e.episode_id, CASE WHEN :dated IS NULL OR e.episode_id = :dated THEN :at END, :v
          FROM episodes e
         WHERE e.media_id = :m AND {SELECTIONS[selection]}
           AND NOT EXISTS (SELECT 1 FROM watch_events x WHERE x.username = :u AND x.media_id = :m
                              AND x.episode_id = e.episode_id AND x.viewing = :v)
        ON DUPLICATE KEY UPDATE viewing = VALUES(viewing)""",
                   u=username, m=media_id, v=viewing, at=watched_at, dated=dated, **bound).rowcount


def remove_episodes(conn, username: str, media_id: int, viewing: int, selection: str, **bound) -> int:
    """Delete the events of the selected episodes in `viewing`. Returns how many went."""
    return execute(conn, f"""
        DELETE w FROM watch_events w JOIN episodes e ON e.episode_id = w.episode_id
         WHERE w.username = :u AND w.media_id = :m AND w.viewing = :v AND {SELECTIONS[selection]}""",
                   u=username, m=media_id, v=viewing, **bound).rowcount


def series_state(conn, username: str, media_id: int, today: date) -> dict:
    """After a write: the current viewing, how many counted episodes there are and how many of them are
    watched in it, and whether any episode event of the series is left at all."""
    return fetch_one(f"""
        SELECT p.current_viewing,
               (SELECT COUNT(*) FROM episodes e WHERE e.media_id = :m AND {COUNTED}) AS counted,
               (SELECT COUNT(*) FROM watch_events w JOIN episodes e ON e.episode_id = w.episode_id
                 WHERE w.username = :u AND w.media_id = :m AND w.viewing = p.current_viewing AND {COUNTED})
                 AS watched
          FROM (SELECT 1) one
          LEFT JOIN series_progress p ON p.username = :u AND p.media_id = :m""",
                     conn, u=username, m=media_id, today=today)


def start_viewing(conn, username: str, media_id: int) -> int:
    """Begin the next viewing of a series (nothing watched in it yet). Returns rows changed (0: no progress)."""
    return execute(conn, """UPDATE series_progress SET current_viewing = current_viewing + 1,
                                   last_watched_episode_id = NULL, last_watched_at = NOW()
                             WHERE username = :u AND media_id = :m""", u=username, m=media_id).rowcount


def forget_series(conn, username: str, media_id: int) -> int:
    """Delete every episode event of a series (the triggers then remove the progress row); returns how many."""
    return execute(conn, "DELETE FROM watch_events WHERE username = :u AND media_id = :m AND episode_id IS NOT NULL",
                   u=username, m=media_id).rowcount


def drop_progress_row(conn, username: str, media_id: int) -> int:
    """A progress row without events (a rewatch begun, or a pointer the migration found pointing nowhere)."""
    return execute(conn, "DELETE FROM series_progress WHERE username = :u AND media_id = :m",
                   u=username, m=media_id).rowcount


def add_film(conn, username: str, media_id: int, viewing: int, watched_at: datetime | None) -> int:
    """One watch of a film; returns its event id."""
    return execute(conn, """INSERT INTO watch_events (username, media_id, watched_at, viewing)
                            VALUES (:u, :m, :at, :v)""",
                   u=username, m=media_id, at=watched_at, v=viewing).lastrowid


def recent_duplicate(conn, username: str, media_id: int, watched_at: datetime | None, seconds: int) -> int | None:
    """The film watch the viewer logged for the same day in the last `seconds` (a double click), if any."""
    return scalar("""SELECT event_id FROM watch_events
                      WHERE username = :u AND media_id = :m AND episode_id IS NULL
                        AND DATE(watched_at) <=> DATE(:at) AND created_at >= NOW() - INTERVAL :s SECOND
                      ORDER BY event_id DESC LIMIT 1""", conn, u=username, m=media_id, at=watched_at, s=seconds)


def event_for_update(conn, event_id: int) -> dict | None:
    """One event with its title's type, locked for the rest of the transaction."""
    return fetch_one("""SELECT w.event_id, w.username, w.media_id, w.episode_id, w.viewing, w.watched_at,
                               m.title, m.media_type
                          FROM watch_events w JOIN media m ON m.media_id = w.media_id
                         WHERE w.event_id = :id FOR UPDATE""", conn, id=event_id)


def set_date(conn, event_id: int, watched_at: datetime | None) -> int:
    return execute(conn, "UPDATE watch_events SET watched_at = :at WHERE event_id = :id",
                   id=event_id, at=watched_at).rowcount


def delete_event(conn, event_id: int) -> int:
    return execute(conn, "DELETE FROM watch_events WHERE event_id = :id", id=event_id).rowcount


def renumber_films(conn, username: str, media_id: int, after_viewing: int) -> None:
    """Close the gap a deleted film watch leaves, so the remaining watches count 1, 2, 3 (ascending: the
    unique key is checked row by row)."""
    execute(conn, """UPDATE watch_events SET viewing = viewing - 1
                      WHERE username = :u AND media_id = :m AND episode_id IS NULL AND viewing > :v
                      ORDER BY viewing""", u=username, m=media_id, v=after_viewing)


def films_left(conn, username: str, media_id: int) -> int:
    return scalar("SELECT COUNT(*) FROM watch_events WHERE username = :u AND media_id = :m AND episode_id IS NULL",
                  conn, u=username, m=media_id)


# --- reads for pages ----------------------------------------------------------------------------------------

def mine_for_title(username: str, media_id: int) -> list[dict]:
    """The viewer's events for one title, newest first: event_id, episode_id, watched_at, viewing."""
    return fetch_all("""SELECT event_id, episode_id, watched_at, viewing, created_at FROM watch_events
                         WHERE username = :u AND media_id = :m
                         ORDER BY viewing DESC, watched_at IS NULL, watched_at DESC, event_id DESC""",
                     u=username, m=media_id)


KINDS = {"all": "", "films": "AND w.episode_id IS NULL", "episodes": "AND w.episode_id IS NOT NULL"}


def diary_summary(username: str) -> list[dict]:
    """How many watches per year (None: date unknown) and kind: [{year, films, episodes}], newest year first."""
    return fetch_all("""SELECT YEAR(watched_at) AS year, CAST(SUM(episode_id IS NULL) AS SIGNED) AS films,
                               CAST(SUM(episode_id IS NOT NULL) AS SIGNED) AS episodes
                          FROM watch_events WHERE username = :u
                         GROUP BY YEAR(watched_at) ORDER BY year IS NULL, year DESC""", u=username)


def diary_page(username: str, year: int | None, kind: str, limit: int, offset: int) -> tuple[list[dict], int]:
    """One page of the viewer's diary for a year (None: the watches without a date), newest first, with the
    total for the filter. One statement."""
    when = "w.watched_at IS NULL" if year is None else "w.watched_at >= :start AND w.watched_at < :end"
    rows = fetch_all(f"""
        SELECT w.event_id, w.media_id, w.episode_id, w.watched_at, w.viewing, w.source,
               m.title, m.media_type, m.release_year, e.season_number, e.episode_number,
               e.title AS episode_title, CONCAT('S', e.season_number, 'E', e.episode_number) AS code,
               COUNT(*) OVER () AS total
          FROM watch_events w
          JOIN media m ON m.media_id = w.media_id
          LEFT JOIN episodes e ON e.episode_id = w.episode_id
         WHERE w.username = :u AND {when} {KINDS[kind]}
         ORDER BY w.watched_at DESC, w.event_id DESC
         LIMIT :lim OFFSET :off""",
                     u=username, start=datetime(year, 1, 1) if year else None,
                     end=datetime(year + 1, 1, 1) if year else None, lim=limit, off=offset)
    total = int(rows[0]["total"]) if rows else 0
    for row in rows:
        del row["total"]
    return rows, total


def upcoming(username: str, today: date, limit: int = 200) -> list[dict]:
    """Episodes airing today or later of the series the viewer follows (in progress, or on the watchlist
    other than dropped), soonest first. Each followed title's episodes are one range of ix_episodes_order
    (migration 0016), their air dates checked in the index, empty for a film; the title is read only for the
    episodes found. (Title first, as the optimizer chose, read every title of a long watchlist: 5.7 -> 1.0 ms
    for a large-scale viewer.)"""
    return fetch_all("""
        SELECT e.episode_id, e.media_id, m.title AS series, e.season_number, e.episode_number,
               CONCAT('S', e.season_number, 'E', e.episode_number) AS code, e.title, e.air_date
          FROM (SELECT media_id FROM series_progress WHERE username = :u
                UNION
                SELECT media_id FROM watchlist_items WHERE username = :u AND status <> 'dropped') f
          STRAIGHT_JOIN episodes e ON e.media_id = f.media_id AND e.air_date >= :today
          STRAIGHT_JOIN media m ON m.media_id = f.media_id AND m.media_type = 'Series'
         ORDER BY e.air_date, m.title, e.season_number, e.episode_number
         LIMIT :lim""", u=username, today=today, lim=limit)


def friends_activity(username: str, limit: int, offset: int) -> list[dict]:
    """A page of what the viewer's friends (accepted friendships only: a blocked user is never one) watched,
    rated and reviewed, newest first. Watches with an unknown date and the migration's events are not news.
    A review's text comes only when no moderator hid it. One statement; each branch reads at most a page's
    worth per friend through its (username, date) index."""
    window = limit + offset
    return fetch_all(f"""
        SELECT x.kind, x.username, x.at, x.media_id, x.viewing, x.rating, x.review_text, x.contains_spoilers,
               x.item_id, m.title, m.media_type, m.release_year, e.season_number, e.episode_number,
               e.title AS episode_title, CONCAT('S', e.season_number, 'E', e.episode_number) AS code
          FROM ((SELECT 'watch' AS kind, w.username, w.watched_at AS at, w.media_id, w.episode_id, w.viewing,
                        NULL AS rating, NULL AS review_text, 0 AS contains_spoilers, w.event_id AS item_id
                   FROM ({friends_of_sql("me")}) f
                   JOIN watch_events w ON w.username = f.friend AND w.watched_at IS NOT NULL
                                      AND w.source <> 'migration'
                  ORDER BY w.watched_at DESC LIMIT :window)
                UNION ALL
                (SELECT 'review', r.username, r.updated_at, r.media_id, NULL, NULL, r.rating,
                        CASE WHEN r.hidden_by IS NULL THEN r.review_text END, r.contains_spoilers, r.review_id
                   FROM ({friends_of_sql("me")}) f
                   JOIN reviews r ON r.username = f.friend
                  ORDER BY r.updated_at DESC LIMIT :window)) x
          JOIN media m ON m.media_id = x.media_id
          LEFT JOIN episodes e ON e.episode_id = x.episode_id
         ORDER BY x.at DESC, x.kind, x.item_id DESC
         LIMIT :lim OFFSET :off""", me=username, window=window, lim=limit, off=offset)


# --- agreement with series_progress ---------------------------------------------------------------------------

def disagreements(conn) -> list[dict]:
    """Where series_progress and the events disagree (empty when they agree): a series with episode events
    but no progress row, a progress row whose current viewing is behind its events, or a pointer that is not
    the furthest episode watched in the current viewing."""
    return fetch_all("""
        SELECT w.username, w.media_id, 'no progress row' AS problem
          FROM (SELECT DISTINCT username, media_id FROM watch_events WHERE episode_id IS NOT NULL) w
          LEFT JOIN series_progress p ON p.username = w.username AND p.media_id = w.media_id
         WHERE p.username IS NULL
        UNION ALL
        SELECT p.username, p.media_id, 'viewing behind the events'
          FROM series_progress p
         WHERE p.current_viewing < (SELECT MAX(w.viewing) FROM watch_events w WHERE w.username = p.username
                                       AND w.media_id = p.media_id AND w.episode_id IS NOT NULL)
        UNION ALL
        SELECT p.username, p.media_id, 'pointer'
          FROM series_progress p
         WHERE NOT p.last_watched_episode_id <=> (
               SELECT w.episode_id FROM watch_events w JOIN episodes e ON e.episode_id = w.episode_id
                WHERE w.username = p.username AND w.media_id = p.media_id AND w.viewing = p.current_viewing
                ORDER BY e.season_number DESC, e.episode_number DESC LIMIT 1)""", conn)
