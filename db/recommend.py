"""The SQL behind recommendations: a user's signals, picks from the learned neighbours table, similar titles,
trending, friends' watching, and what training reads and writes.

Signals are what a user did with a title, each with a weight (the same weights train the model and serve
it, so the learned neighbour weights mean the same thing in both places):
  rated 7/10 or more (3.5 stars), watching or completed on the watchlist, a series in progress  1.0
  rated below 7, planned/on hold/dropped on the watchlist, in a playlist                         0.5
A title's weight is the largest of its signals. `media_neighbours` (written by training, swapped in whole)
holds, for each title j the model knows, the sources i that predict it best with their weight B[i, j]; a
user's score for j is the sum of weight(i) * B[i, j] over their signals i: one aggregation, one statement.

Watch events (the watch-history issue adds `watch_events`): WATCH_EVENTS_SIGNAL below is the one place
that reads them; it is used when the table exists (watch_events_present()).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy.engine import Connection

from db.engine import fetch_all, scalar
from db.friends import friends_of_sql

TABLE = "media_neighbours"
STAGING = "media_neighbours_next"
RETIRED = "media_neighbours_old"
TRAINING_LOCK = "streamsync_train_recommender"

LIKED_RATING = 7          # 3.5 stars and up is "liked" (MovieLens's relevant threshold is 4 stars)
POPULAR_POOL = 500        # cold start ranks the most rated titles by their damped average
DAMPING = 10              # a title's average counts as if it also had this many ratings at the pool's mean
SIMILAR_LIMIT = 12

# One user's signals (binds the user as :me). Every source has an index starting with the user. A review
# without a rating says the user knows the title (so it is not recommended back) but not whether they liked
# it: weight 0, which adds nothing to any neighbour's score and is never a "because".
_USER_SIGNALS = f"""
  SELECT r.media_id, CASE WHEN r.rating IS NULL THEN 0.0 WHEN r.rating >= {LIKED_RATING} THEN 1.0 ELSE 0.5 END AS w
    FROM reviews r WHERE r.username = :me
  UNION ALL
  SELECT w.media_id, IF(w.status IN ('watching', 'completed'), 1.0, 0.5) FROM watchlist_items w
   WHERE w.username = :me
  UNION ALL
  SELECT pi.media_id, 0.5 FROM playlists p JOIN playlist_items pi ON pi.playlist_id = p.playlist_id
   WHERE p.username = :me
  UNION ALL
  SELECT sp.media_id, 1.0 FROM series_progress sp WHERE sp.username = :me"""

# Everyone's signals for training: (username, media_id, w) rows, several per pair possible. A review without
# a rating is no rating signal, so training leaves it out.
_ALL_SIGNALS = (
    f"SELECT username, media_id, IF(rating >= {LIKED_RATING}, 1.0, 0.5) FROM reviews WHERE rating IS NOT NULL",
    "SELECT username, media_id, IF(status IN ('watching', 'completed'), 1.0, 0.5) FROM watchlist_items",
    "SELECT p.username, pi.media_id, 0.5 FROM playlists p JOIN playlist_items pi ON pi.playlist_id = p.playlist_id",
    "SELECT username, media_id, 1.0 FROM series_progress",
)

# --- watch events: the one place to change when the watch-history issue's table lands ----------------------
# Until then these are used only where watch_events exists with these columns. When it lands for good, add
# WATCH_EVENTS_SIGNAL to _USER_SIGNALS and WATCH_EVENTS_ALL to _ALL_SIGNALS unconditionally, drop the check.
WATCH_EVENTS_COLUMNS = {"username", "media_id", "watched_at"}
WATCH_EVENTS_SIGNAL = "SELECT we.media_id, 1.0 FROM watch_events we WHERE we.username = :me"
WATCH_EVENTS_ALL = "SELECT username, media_id, 1.0 FROM watch_events"
_watch_events_known: bool | None = None


def watch_events_present(conn: Connection | None = None, refresh: bool = False) -> bool:
    """Whether watch_events exists with the columns read above (asked once per process, or on refresh)."""
    global _watch_events_known
    if _watch_events_known is None or refresh:
        found = fetch_all("SELECT column_name AS c FROM information_schema.columns "
                          "WHERE table_schema = DATABASE() AND table_name = 'watch_events'", conn)
        _watch_events_known = WATCH_EVENTS_COLUMNS <= {r["c"].lower() for r in found}
    return _watch_events_known


def _user_signals(with_watch_events: bool) -> str:
    return _USER_SIGNALS + (f"\n  UNION ALL\n  {WATCH_EVENTS_SIGNAL}" if with_watch_events else "")


# --- serving ----------------------------------------------------------------------------------------------
def _recommend_sql(with_watch_events: bool) -> str:
    return f"""
WITH signals AS (
  SELECT s.media_id, MAX(s.w) AS w FROM ({_user_signals(with_watch_events)}) s GROUP BY s.media_id
),
scored AS (
  SELECT n.neighbour_id AS media_id, SUM(s.w * n.weight) AS score
    FROM signals s JOIN {TABLE} n ON n.media_id = s.media_id
   GROUP BY n.neighbour_id
),
picked AS (
  SELECT sc.media_id, sc.score FROM scored sc JOIN media m ON m.media_id = sc.media_id
   WHERE sc.score > 0 AND sc.media_id NOT IN (SELECT media_id FROM signals)
   ORDER BY sc.score DESC, sc.media_id LIMIT :lim
),
pool AS (
  -- Cold start and filler: the most rated titles (a walk down ix_media_count), ranked by damped average.
  SELECT m.media_id, m.average_rating, m.rating_count FROM media m
   WHERE m.rating_count > 0 ORDER BY m.rating_count DESC, m.media_id DESC LIMIT {POPULAR_POOL}
),
prior AS (SELECT SUM(average_rating * rating_count) / SUM(rating_count) AS mean FROM pool),
popular AS (
  SELECT p.media_id, (p.average_rating * p.rating_count + prior.mean * {DAMPING}) / (p.rating_count + {DAMPING})
           AS score
    FROM pool p CROSS JOIN prior
   WHERE p.media_id NOT IN (SELECT media_id FROM signals) AND p.media_id NOT IN (SELECT media_id FROM picked)
   ORDER BY score DESC, p.media_id DESC LIMIT :lim
),
chosen AS (
  SELECT media_id, score, 0 AS popular FROM picked
  UNION ALL
  SELECT media_id, score, 1 FROM popular
),
reasons AS (
  -- The two signals that add the most to each pick: its "because".
  SELECT p.media_id, n.media_id AS source_id,
         ROW_NUMBER() OVER (PARTITION BY p.media_id ORDER BY s.w * n.weight DESC, n.media_id) AS rn
    FROM picked p JOIN {TABLE} n ON n.neighbour_id = p.media_id JOIN signals s ON s.media_id = n.media_id
   WHERE n.weight > 0 AND s.w > 0
)
SELECT c.media_id, c.score, c.popular, m.title, m.release_year, m.media_type, m.poster_image_url,
       m.average_rating, m.rating_count, s1.title AS because_1, s2.title AS because_2
  FROM chosen c JOIN media m ON m.media_id = c.media_id
  LEFT JOIN reasons r1 ON r1.media_id = c.media_id AND r1.rn = 1 LEFT JOIN media s1 ON s1.media_id = r1.source_id
  LEFT JOIN reasons r2 ON r2.media_id = c.media_id AND r2.rn = 2 LEFT JOIN media s2 ON s2.media_id = r2.source_id
 ORDER BY c.popular, c.score DESC, c.media_id DESC
 LIMIT :lim"""


def recommendations(username: str, limit: int) -> list[dict]:
    """Up to `limit` titles the user has not rated, listed or watched: neighbour picks first (score, because_1,
    because_2: the titles behind it), then the damped-average popular titles (popular = 1). One statement
    (and, once per process, the watch_events check)."""
    sql = _recommend_sql(watch_events_present())
    return fetch_all(sql, me=username, lim=limit)


def similar_titles(media_id: int, limit: int = SIMILAR_LIMIT) -> list[dict]:
    """Titles the neighbours table links to media_id either way (what predicts it, what it predicts), by
    the sum of both weights. One statement; empty before the first training."""
    return fetch_all(f"""
        SELECT m.media_id, m.title, m.release_year, m.media_type, m.poster_image_url, m.average_rating,
               m.rating_count, x.score
          FROM (SELECT other, SUM(weight) AS score FROM (
                  SELECT neighbour_id AS other, weight FROM {TABLE} WHERE media_id = :id
                  UNION ALL
                  SELECT media_id, weight FROM {TABLE} WHERE neighbour_id = :id) both_ways
                 WHERE other <> :id GROUP BY other HAVING score > 0) x
          JOIN media m ON m.media_id = x.other
         ORDER BY x.score DESC, m.media_id DESC LIMIT :lim""", id=media_id, lim=limit)


def trending(days: int = 7, limit: int = 12) -> list[dict]:
    """The titles most people rated or watched in the last `days` days: people (distinct), then the average.
    One statement, read from the indexes on each source's time (migration 0013) alone."""
    watched = "SELECT username, media_id FROM series_progress WHERE last_watched_at >= NOW() - INTERVAL :days DAY"
    if watch_events_present():
        watched += (" UNION ALL SELECT username, media_id FROM watch_events"
                    " WHERE watched_at >= NOW() - INTERVAL :days DAY")
    return fetch_all(f"""
        SELECT m.media_id, m.title, m.release_year, m.media_type, m.poster_image_url, m.average_rating,
               m.rating_count, t.people
          FROM (SELECT media_id, COUNT(DISTINCT username) AS people FROM (
                  SELECT username, media_id FROM reviews WHERE created_at >= NOW() - INTERVAL :days DAY
                  UNION ALL {watched}) recent
                 GROUP BY media_id ORDER BY people DESC, media_id DESC LIMIT :lim) t
          JOIN media m ON m.media_id = t.media_id
         ORDER BY t.people DESC, m.average_rating DESC, m.media_id DESC""", days=days, lim=limit)


def friends_watching(username: str, limit: int = 12) -> list[dict]:
    """Titles my friends are watching (watchlist status 'watching', or a series in progress), most friends
    first, with up to three of their names (friend_names, comma-separated). One statement; each source is
    joined to my friends inside its own branch, so it reads their rows by index (joined after a union, all
    of both tables was read: 2.2 s at large scale)."""
    return fetch_all(f"""
        SELECT m.media_id, m.title, m.release_year, m.media_type, m.poster_image_url, m.average_rating,
               m.rating_count, t.friends, t.friend_names
          FROM (SELECT w.media_id, COUNT(DISTINCT w.username) AS friends, MAX(w.at) AS latest,
                       SUBSTRING_INDEX(GROUP_CONCAT(DISTINCT w.username ORDER BY w.username SEPARATOR ', '),
                                       ', ', 3) AS friend_names
                  FROM (SELECT w.username, w.media_id, w.updated_at AS at
                          FROM ({friends_of_sql("me")}) mine
                          JOIN watchlist_items w ON w.username = mine.friend AND w.status = 'watching'
                        UNION ALL
                        SELECT p.username, p.media_id, p.last_watched_at
                          FROM ({friends_of_sql("me")}) mine
                          JOIN series_progress p ON p.username = mine.friend) w
                 GROUP BY w.media_id ORDER BY friends DESC, latest DESC LIMIT :lim) t
          JOIN media m ON m.media_id = t.media_id
         ORDER BY t.friends DESC, m.media_id DESC""", me=username, lim=limit)


def neighbour_count() -> int:
    return int(scalar(f"SELECT COUNT(*) FROM {TABLE}"))


# --- training: what it reads --------------------------------------------------------------------------------
def stream_signals(conn: Connection, with_watch_events: bool, batch: int = 50_000) -> Iterator[list[tuple]]:
    """Every (username, media_id, weight) signal, in batches (a pair may come several times)."""
    sources = _ALL_SIGNALS + ((WATCH_EVENTS_ALL,) if with_watch_events else ())
    for sql in sources:
        result = conn.exec_driver_sql(sql).yield_per(batch)
        yield from result.partitions(batch)


def content_features(conn: Connection) -> list[tuple]:
    """(media_id, feature) for every title: its type, genres, lead cast and key crew. The model uses them as
    extra 'viewers' who like every title with that feature, so titles nobody co-rated still have sensible
    neighbours (films near films, a director's films together)."""
    return conn.exec_driver_sql("""
        SELECT media_id, CONCAT('type:', media_type) FROM media
        UNION ALL SELECT media_id, CONCAT('genre:', genre_id) FROM media_genres
        UNION ALL SELECT media_id, CONCAT('person:', person_id) FROM media_cast WHERE cast_order < 5
        UNION ALL SELECT media_id, CONCAT('person:', person_id) FROM media_crew
                   WHERE role IN ('Director', 'Writer', 'Creator')""").fetchall()


# --- training: what it writes -------------------------------------------------------------------------------
def acquire_training_lock(conn: Connection) -> bool:
    """Whether this connection got the training lock (two trainings at once would fight over the staging
    table). Released when the connection closes."""
    return bool(conn.exec_driver_sql(f"SELECT GET_LOCK('{TRAINING_LOCK}', 0)").scalar())


def start_staging(conn: Connection) -> None:
    """An empty copy of the neighbours table to fill (any leftover of an interrupted run goes first)."""
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {STAGING}")
    conn.exec_driver_sql(f"CREATE TABLE {STAGING} LIKE {TABLE}")
    conn.commit()


def write_staging(conn: Connection, rows: Iterable[tuple[int, int, float]], chunk_rows: int = 5000) -> int:
    """Insert (media_id, neighbour_id, weight) rows into the staging table in multi-row chunks."""
    sql = f"INSERT INTO {STAGING} (media_id, neighbour_id, weight) VALUES (%s, %s, %s)"
    done, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= chunk_rows:
            conn.exec_driver_sql(sql, chunk)
            done += len(chunk)
            chunk = []
    if chunk:
        conn.exec_driver_sql(sql, chunk)
        done += len(chunk)
    conn.commit()
    return done


def drop_vanished_titles(conn: Connection) -> int:
    """Remove staged rows of titles deleted while training ran. Returns how many rows went."""
    result = conn.exec_driver_sql(f"""
        DELETE s FROM {STAGING} s
         WHERE NOT EXISTS (SELECT 1 FROM media m WHERE m.media_id = s.media_id)
            OR NOT EXISTS (SELECT 1 FROM media m WHERE m.media_id = s.neighbour_id)""")
    conn.commit()
    return result.rowcount


def swap_in_staging(conn: Connection) -> None:
    """Put the staging table in place of the live one in one atomic RENAME, then drop the old one."""
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {RETIRED}")
    conn.exec_driver_sql(f"RENAME TABLE {TABLE} TO {RETIRED}, {STAGING} TO {TABLE}")
    conn.exec_driver_sql(f"DROP TABLE {RETIRED}")
    conn.commit()


def drop_staging(conn: Connection) -> None:
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {STAGING}")
    conn.commit()
