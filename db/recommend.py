"""The SQL behind recommendations: a user's signals, picks from the learned neighbours table, similar titles,
trending, friends' watching, and what training reads and writes.

Signals are what a user did with a title, each with a weight (the same weights train the model and serve
it, so the learned neighbour weights mean the same thing in both places):
  rated: the rating / 10 (a 10/10 is 1.0, a 3/10 0.3: how much someone liked a title carries information)
  watched (a watch in the diary, watching or completed on the watchlist, a series in progress)      0.8
  planned/on hold/dropped on the watchlist, in a playlist                                           0.5
A rated title's weight is its rating's, whatever else the user did with it (a watched title rated 3/10 is
one they disliked); otherwise the largest of its signals. On MovieLens, weighting by the rating rather
than liked (1.0) / not liked (0.5) raised recall@10 by about 0.004 (seeds 0-3, the full model in a numpy
replica of training and serving). A watch counts as an 8/10: at 7/10 the demo's similar titles of a film
let series in.

`media_neighbours` (written by training, swapped in whole) holds, for each source title i the model knows,
its strongest neighbours j with their weight B[i, j], in nested levels (migration 0014): level L holds
about 2^L - 1 rows per source on average, the rows with the largest |B| over all sources. A user's score
for j is the sum of weight(i) * B[i, j] over their signals i: one aggregation, one statement.

Bounded work per call, whatever the history's length (the latency target is 10 ms at p95 at large scale):
  - signals: the SIGNALS_PER_SOURCE most recent of each kind (ratings, watches, list entries...), read
    along the (username, time) indexes;
  - neighbours: about ROW_BUDGET rows in all: each signal's level is chosen from the signal count, so a
    short history reads every neighbour of each signal and a long one the strongest rows of each;
  - exclusion: each source's row to itself weighs SELF_WEIGHT, so the signals sink out of the scores in
    the same aggregation; the CANDIDATES best scores and POPULAR_CHECKED damped-average titles are then
    checked against everything the user rated, listed or watched (not only the recent signals).
All of it is read live: a new rating changes the next list.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy.engine import Connection

from db.engine import fetch_all, scalar
from db.friends import friends_of_sql

TABLE = "media_neighbours"
STAGING = "media_neighbours_next"
RETIRED = "media_neighbours_old"
TRAINING_LOCK = "streamsync_train:"  # + the database's MD5: locks are server-wide, trainings per database

LIKED = 0.7               # 7/10 and up, or watched: a title a reason may name ("Because you liked ...")
WATCHED = 0.8             # a watch without a rating counts as an 8/10
LISTED = 0.5              # planned, on hold, dropped, or in a playlist
POPULAR_POOL = 500        # cold start ranks the most rated titles by their damped average
DAMPING = 10              # a title's average counts as if it also had this many ratings at the pool's mean
SIMILAR_LIMIT = 12
SIGNALS_PER_SOURCE = 300  # the most recent signals of each kind a recommendation reads
ROW_BUDGET = 8_000        # neighbour rows a recommendation reads, spread over its signals
LEVELS = 8                # level 8 holds all 255 neighbours of a source (core.recommend_model.NEIGHBOURS)
CANDIDATES = 50           # best scores checked against the user's whole history
POPULAR_CHECKED = 50      # popular titles checked against it
SELF_WEIGHT = -1e30       # each source's row to itself: what a user has is never among their scores

# One user's recent signals (binds the user as :me): (media_id, w, rated). Each branch reads an index that
# starts with the user and, where it has one, the time. A review without a rating says the user knows the
# title (_not_seen keeps it out of their picks) but not whether they liked it: no signal.
_USER_SIGNALS = f"""
  (SELECT r.media_id, r.rating / 10 AS w, 1 AS rated FROM reviews r WHERE r.username = :me
      AND r.rating IS NOT NULL ORDER BY r.created_at DESC LIMIT {SIGNALS_PER_SOURCE})
  UNION ALL
  (SELECT we.media_id, {WATCHED}, 0 FROM watch_events we WHERE we.username = :me
    ORDER BY we.watched_at DESC LIMIT {SIGNALS_PER_SOURCE})
  UNION ALL
  (SELECT w.media_id, IF(w.status IN ('watching', 'completed'), {WATCHED}, {LISTED}), 0 FROM watchlist_items w
    WHERE w.username = :me ORDER BY w.updated_at DESC LIMIT {SIGNALS_PER_SOURCE})
  UNION ALL
  (SELECT pi.media_id, {LISTED}, 0 FROM playlists p JOIN playlist_items pi ON pi.playlist_id = p.playlist_id
    WHERE p.username = :me ORDER BY pi.added_at DESC LIMIT {SIGNALS_PER_SOURCE})
  UNION ALL
  (SELECT sp.media_id, {WATCHED}, 0 FROM series_progress sp WHERE sp.username = :me
    ORDER BY sp.last_watched_at DESC LIMIT {SIGNALS_PER_SOURCE})"""

# Everyone's signals for training: (username, media_id, w, rated) rows, several per pair possible; a review
# without a rating is no signal.
_ALL_SIGNALS = (
    "SELECT username, media_id, rating / 10, 1 FROM reviews WHERE rating IS NOT NULL",
    f"SELECT username, media_id, {WATCHED}, 0 FROM watch_events",
    f"SELECT username, media_id, IF(status IN ('watching', 'completed'), {WATCHED}, {LISTED}), 0 "
    "FROM watchlist_items",
    f"SELECT p.username, pi.media_id, {LISTED}, 0 FROM playlists p "
    "JOIN playlist_items pi ON pi.playlist_id = p.playlist_id",
    f"SELECT username, media_id, {WATCHED}, 0 FROM series_progress",
)


def _not_seen(alias: str) -> str:
    """The title alias.media_id is nowhere in the user's history (one index lookup per kind)."""
    return f"""NOT EXISTS (SELECT 1 FROM reviews r WHERE r.username = :me AND r.media_id = {alias}.media_id)
       AND NOT EXISTS (SELECT 1 FROM watchlist_items w WHERE w.username = :me AND w.media_id = {alias}.media_id)
       AND NOT EXISTS (SELECT 1 FROM watch_events we WHERE we.username = :me AND we.media_id = {alias}.media_id)
       AND NOT EXISTS (SELECT 1 FROM series_progress sp WHERE sp.username = :me AND sp.media_id = {alias}.media_id)
       AND NOT EXISTS (SELECT 1 FROM playlists p JOIN playlist_items pi ON pi.playlist_id = p.playlist_id
                        WHERE p.username = :me AND pi.media_id = {alias}.media_id)"""


# --- serving ----------------------------------------------------------------------------------------------
# A user with n signals reads level LOG2(ROW_BUDGET / n + 1) of each (between 1 and all LEVELS): on average
# 2^level - 1 rows of each signal, the strongest, about ROW_BUDGET rows in all, with one equality lookup on
# the primary key (media_id, level, neighbour_id) per signal. A pick's "because" is two titles the user liked
# (7/10, or watched) among its sources: the one that adds the most to its score, and the one most like it
# (the largest learned weight) when that is another. Each is a running MAX of the value packed above the
# title's id in one BIGINT (value * 2^32 + id), which costs next to nothing, where a sorted GROUP_CONCAT
# doubled the query's time for long histories.
_PACK = 4294967296


def _best_source(value: str) -> str:
    return (f"MAX(IF(n.weight > 0 AND s.w >= {LIKED}, "
            f"CAST(FLOOR(LEAST({value}, 1000) * 1e6) AS SIGNED) * {_PACK} + s.media_id, NULL)) % {_PACK}")


# Picks and popular titles are checked against the history together, then each keeps its best :lim.
_RECOMMEND_SQL = f"""
WITH signals AS (
  SELECT s.media_id, COALESCE(MAX(IF(s.rated = 1, s.w, NULL)), MAX(s.w)) AS w, COUNT(*) OVER () AS n
    FROM ({_USER_SIGNALS}) s GROUP BY s.media_id
),
scored AS (
  SELECT n.neighbour_id AS media_id, SUM(s.w * n.weight) AS score,
         {_best_source("s.w * n.weight")} AS because_1, {_best_source("n.weight")} AS because_2
    FROM signals s
    JOIN {TABLE} n ON n.media_id = s.media_id
                  AND n.level = LEAST({LEVELS}, GREATEST(1, FLOOR(LOG2({ROW_BUDGET} / s.n + 1))))
   GROUP BY n.neighbour_id HAVING score > 0
   ORDER BY score DESC, media_id DESC LIMIT {CANDIDATES}
),
damped AS (
  -- Cold start and filler: the most rated titles (a walk down ix_media_count), ranked by their average
  -- damped toward the pool's mean; the best POPULAR_CHECKED of them are candidates.
  SELECT p.media_id, (p.average_rating * p.rating_count
                      + SUM(p.average_rating * p.rating_count) OVER () / SUM(p.rating_count) OVER () * {DAMPING})
                     / (p.rating_count + {DAMPING}) AS score
    FROM (SELECT media_id, average_rating, rating_count FROM media WHERE rating_count > 0
           ORDER BY rating_count DESC, media_id DESC LIMIT {POPULAR_POOL}) p
   ORDER BY score DESC, p.media_id DESC LIMIT {POPULAR_CHECKED}
),
unseen AS (
  SELECT c.*, ROW_NUMBER() OVER (PARTITION BY c.popular ORDER BY c.score DESC, c.media_id DESC) AS place
    FROM (SELECT media_id, score, 0 AS popular, because_1, because_2 FROM scored
          UNION ALL
          SELECT media_id, score, 1, NULL, NULL FROM damped) c
   WHERE {_not_seen("c")}
)
SELECT c.media_id, c.score, c.popular, m.title, m.release_year, m.media_type, m.poster_image_url,
       m.average_rating, m.rating_count, b1.title AS because_1, b2.title AS because_2
  FROM unseen c
  JOIN media m ON m.media_id = c.media_id
  LEFT JOIN media b1 ON b1.media_id = c.because_1
  LEFT JOIN media b2 ON b2.media_id = c.because_2 AND c.because_2 <> c.because_1
 WHERE c.place <= :lim
 ORDER BY c.popular, c.score DESC, c.media_id DESC"""


def recommendations(username: str, limit: int) -> list[dict]:
    """Up to `limit` titles the user has not rated, listed or watched: neighbour picks first (score, because_1,
    because_2: the titles behind it; popular = 0), then the damped-average popular titles (popular = 1).
    One statement, the same for everyone."""
    rows, seen = [], set()
    for row in fetch_all(_RECOMMEND_SQL, me=username, lim=limit):
        if row["media_id"] not in seen:  # a title both picked and popular counts as picked
            seen.add(row["media_id"])
            rows.append(row)
    return rows[:limit]


def similar_titles(media_id: int, limit: int = SIMILAR_LIMIT) -> list[dict]:
    """Titles the neighbours table links to media_id either way (what predicts it, what it predicts), by
    the sum of both weights. One statement; empty before the first training."""
    return fetch_all(f"""
        SELECT m.media_id, m.title, m.release_year, m.media_type, m.poster_image_url, m.average_rating,
               m.rating_count, x.score
          FROM (SELECT other, SUM(weight) AS score FROM (
                  SELECT neighbour_id AS other, weight FROM {TABLE} WHERE media_id = :id AND level = {LEVELS}
                  UNION ALL
                  SELECT media_id, weight FROM {TABLE} WHERE neighbour_id = :id AND level = {LEVELS}) both_ways
                 WHERE other <> :id GROUP BY other HAVING score > 0) x
          JOIN media m ON m.media_id = x.other
         ORDER BY x.score DESC, m.media_id DESC LIMIT :lim""", id=media_id, lim=limit)


def trending(days: int = 7, limit: int = 12) -> list[dict]:
    """The titles most people rated or watched in the last `days` days: people (distinct), then the average.
    One statement, read from the indexes on each source's time (migration 0013) alone."""
    return fetch_all("""
        SELECT m.media_id, m.title, m.release_year, m.media_type, m.poster_image_url, m.average_rating,
               m.rating_count, t.people
          FROM (SELECT media_id, COUNT(DISTINCT username) AS people FROM (
                  SELECT username, media_id FROM reviews WHERE created_at >= NOW() - INTERVAL :days DAY
                  UNION ALL
                  SELECT username, media_id FROM series_progress WHERE last_watched_at >= NOW() - INTERVAL :days DAY
                  UNION ALL
                  SELECT username, media_id FROM watch_events WHERE watched_at >= NOW() - INTERVAL :days DAY) recent
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
    return int(scalar(f"SELECT COUNT(*) FROM {TABLE} WHERE level = {LEVELS} AND neighbour_id <> media_id"))


# --- training: what it reads --------------------------------------------------------------------------------
def stream_signals(conn: Connection, batch: int = 50_000) -> Iterator[list[tuple]]:
    """Every (username, media_id, weight, rated) signal, in batches (a pair may come several times)."""
    for sql in _ALL_SIGNALS:
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
    """Whether this connection got its database's training lock (two trainings at once would fight over the
    staging table; trainings of other databases on the server do not). Released when the connection closes."""
    return bool(conn.exec_driver_sql(f"SELECT GET_LOCK(CONCAT('{TRAINING_LOCK}', MD5(DATABASE())), 0)").scalar())


def start_staging(conn: Connection) -> None:
    """An empty copy of the neighbours table to fill (any leftover of an interrupted run goes first)."""
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {STAGING}")
    conn.exec_driver_sql(f"CREATE TABLE {STAGING} LIKE {TABLE}")
    conn.commit()


def write_staging(conn: Connection, rows: Iterable[tuple[int, int, int, float]], chunk_rows: int = 5000) -> int:
    """Insert (media_id, first level, neighbour_id, weight) rows into the staging table in multi-row chunks,
    each into its first level and every deeper one (migration 0014), and each source's row to itself
    (SELF_WEIGHT) into every level. Returns how many neighbours (not rows) went in."""
    sql = f"INSERT INTO {STAGING} (media_id, level, neighbour_id, weight) VALUES (%s, %s, %s, %s)"
    done, chunk, sources = 0, [], set()
    for media_id, first_level, neighbour_id, weight in rows:
        if media_id not in sources:
            sources.add(media_id)
            chunk.extend((media_id, level, media_id, SELF_WEIGHT) for level in range(1, LEVELS + 1))
        chunk.extend((media_id, level, neighbour_id, weight) for level in range(first_level, LEVELS + 1))
        done += 1
        if len(chunk) >= chunk_rows:
            conn.exec_driver_sql(sql, chunk)
            chunk = []
    if chunk:
        conn.exec_driver_sql(sql, chunk)
    conn.commit()
    return done


def drop_vanished_titles(conn: Connection) -> int:
    """Remove staged rows of titles deleted while training ran. Returns how many neighbours went."""
    gone = """NOT EXISTS (SELECT 1 FROM media m WHERE m.media_id = s.media_id)
               OR NOT EXISTS (SELECT 1 FROM media m WHERE m.media_id = s.neighbour_id)"""
    vanished = conn.exec_driver_sql(f"SELECT COUNT(*) FROM {STAGING} s WHERE s.level = {LEVELS} "
                                    f"AND s.neighbour_id <> s.media_id AND ({gone})").scalar()
    conn.exec_driver_sql(f"DELETE s FROM {STAGING} s WHERE {gone}")
    conn.commit()
    return int(vanished)


def swap_in_staging(conn: Connection) -> None:
    """Put the staging table in place of the live one in one atomic RENAME, then drop the old one."""
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {RETIRED}")
    conn.exec_driver_sql(f"RENAME TABLE {TABLE} TO {RETIRED}, {STAGING} TO {TABLE}")
    conn.exec_driver_sql(f"DROP TABLE {RETIRED}")
    conn.commit()


def drop_staging(conn: Connection) -> None:
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {STAGING}")
    conn.commit()
