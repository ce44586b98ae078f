"""Merging two titles that are the same film or series: every row that points at the duplicate moves to the
survivor, by one rule per table. Adding a table that points at titles is one line in REPOINTS.

A rule names the columns that, with media_id, must stay unique (the conflict key), and which row wins a
conflict: "newer" (by the columns in newer_by, compared as a tuple) or "survivor" (the survivor's row stays,
the duplicate's goes). episode_column names a column that points at an episode: it is carried to the
survivor's episode with the same season and number.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Connection

from db.core import execute, fetch_all, fetch_one


@dataclass(frozen=True)
class Repoint:
    table: str
    conflict_key: tuple[str, ...]
    keep: str = "survivor"            # or "newer"
    newer_by: tuple[str, ...] = ()
    episode_column: str | None = None


REPOINTS = (
    # a user who rated or reviewed both keeps the newer review
    Repoint("reviews", ("username",), "newer", ("updated_at", "created_at", "review_id")),
    # on both watchlists: the status set last
    Repoint("watchlist_items", ("username",), "newer", ("updated_at", "added_at")),
    # in the same playlist twice: the survivor's entry and position stay
    Repoint("playlist_items", ("playlist_id",)),
    # progress on both: the one watched last, its episode carried over
    Repoint("series_progress", ("username",), "newer", ("last_watched_at",), "last_watched_episode_id"),
    Repoint("media_genres", ("genre_id",)),
    Repoint("media_cast", ("person_id",)),
    Repoint("media_crew", ("person_id", "role")),
)

# Filled from the duplicate where the survivor has nothing.
FILLED_COLUMNS = ("description", "release_year", "poster_image_url", "runtime_minutes", "imdb_id", "tmdb_id",
                  "tvmaze_id", "original_title", "original_language", "airing_status", "imdb_rating", "imdb_votes")

_EPISODE_MAP = """(SELECT d.episode_id AS old_id, s.episode_id AS new_id FROM episodes d
                     JOIN episodes s ON s.media_id = :survivor AND s.season_number = d.season_number
                                    AND s.episode_number = d.episode_number
                    WHERE d.media_id = :duplicate)"""


def lock_titles(conn: Connection, survivor: int, duplicate: int) -> dict[int, dict]:
    rows = fetch_all(f"SELECT media_id, title, release_year, media_type, {', '.join(FILLED_COLUMNS)} FROM media "
                     "WHERE media_id IN (:a, :b) ORDER BY media_id FOR UPDATE", conn, a=survivor, b=duplicate)
    return {r["media_id"]: r for r in rows}


def pointing_rows(conn: Connection | None, media_id: int) -> dict[str, int]:
    """How many rows of each REPOINTS table (and episodes) point at a title: one statement."""
    tables = ["watch_events", *(r.table for r in REPOINTS)]
    parts = [f"(SELECT COUNT(*) FROM {t} WHERE media_id = :m) AS {t}" for t in tables]
    parts.append("(SELECT COUNT(*) FROM episodes WHERE media_id = :m) AS episodes")
    return fetch_one(f"SELECT {', '.join(parts)}", conn, m=media_id)


def move_episodes(conn: Connection, survivor: int, duplicate: int) -> int:
    """The duplicate's episodes the survivor lacks (by season and number) become the survivor's."""
    return execute(conn, """UPDATE episodes d
                              LEFT JOIN episodes s ON s.media_id = :survivor AND s.season_number = d.season_number
                                                  AND s.episode_number = d.episode_number
                               SET d.media_id = :survivor
                             WHERE d.media_id = :duplicate AND s.episode_id IS NULL""",
                   survivor=survivor, duplicate=duplicate).rowcount


def move_watch_events(conn: Connection, survivor: int, duplicate: int) -> dict[str, int]:
    """Every watch of the duplicate moves to the survivor, episodes carried over by season and number; a watch
    of an episode the user already has in the same viewing of the survivor stays behind and goes with the
    duplicate. Progress is then recomputed from the moved events for each user concerned (the per-row
    triggers would recompute it halfway, against events not yet moved), and their progress rows on the
    duplicate go, so the series_progress rule only meets rows that have no events."""
    users = [r["username"] for r in fetch_all("SELECT DISTINCT username FROM watch_events WHERE media_id = :d",
                                              conn, d=duplicate)]
    conn.exec_driver_sql("SET @streamsync_bulk_load = 1")
    try:
        moved = execute(conn, f"""UPDATE IGNORE watch_events x LEFT JOIN {_EPISODE_MAP} m ON m.old_id = x.episode_id
                                     SET x.media_id = :survivor, x.episode_id = COALESCE(m.new_id, x.episode_id)
                                   WHERE x.media_id = :duplicate""", survivor=survivor, duplicate=duplicate).rowcount
        dropped = execute(conn, "DELETE FROM watch_events WHERE media_id = :d", d=duplicate).rowcount
    finally:
        conn.exec_driver_sql("SET @streamsync_bulk_load = NULL")
    for username in users:
        execute(conn, "DELETE FROM series_progress WHERE username = :u AND media_id = :d", u=username, d=duplicate)
        execute(conn, "CALL refresh_series_progress(:u, :s)", u=username, s=survivor)
    return {"moved": moved, "dropped": dropped}


def repoint(conn: Connection, rule: Repoint, survivor: int, duplicate: int) -> dict[str, int]:
    """Resolve the conflicts of one table by its rule, then move the duplicate's rows. Returns
    {"moved": n, "dropped": n} (dropped: rows that lost a conflict, of either title)."""
    dropped = 0
    if rule.conflict_key:
        same = " AND ".join(f"s.{c} = d.{c}" for c in rule.conflict_key)
        if rule.keep == "newer":
            older = (f"({', '.join('d.' + c for c in rule.newer_by)}) "
                     f"<= ({', '.join('s.' + c for c in rule.newer_by)})")
        else:
            older = "TRUE"
        dropped += execute(conn, f"DELETE d FROM {rule.table} d JOIN {rule.table} s ON s.media_id = :survivor "
                                 f"AND {same} WHERE d.media_id = :duplicate AND {older}",
                           survivor=survivor, duplicate=duplicate).rowcount
        if rule.keep == "newer":  # the conflicts left are those the duplicate's row wins
            dropped += execute(conn, f"DELETE s FROM {rule.table} s JOIN {rule.table} d ON d.media_id = :duplicate "
                                     f"AND {same} WHERE s.media_id = :survivor",
                               survivor=survivor, duplicate=duplicate).rowcount
    if rule.episode_column:
        moved = execute(conn, f"""UPDATE {rule.table} x LEFT JOIN {_EPISODE_MAP} m ON m.old_id = x.{rule.episode_column}
                                     SET x.media_id = :survivor,
                                         x.{rule.episode_column} = COALESCE(m.new_id, x.{rule.episode_column})
                                   WHERE x.media_id = :duplicate""", survivor=survivor, duplicate=duplicate).rowcount
    else:
        moved = execute(conn, f"UPDATE {rule.table} SET media_id = :survivor WHERE media_id = :duplicate",
                        survivor=survivor, duplicate=duplicate).rowcount
    return {"moved": moved, "dropped": dropped}


def delete_title(conn: Connection, media_id: int) -> None:
    execute(conn, "DELETE FROM media WHERE media_id = :m", m=media_id)


def fill_survivor(conn: Connection, survivor: int, values: dict) -> None:
    sets = ", ".join(f"{c} = COALESCE({c}, :{c})" for c in FILLED_COLUMNS)
    execute(conn, f"UPDATE media SET {sets} WHERE media_id = :survivor", survivor=survivor,
            **{c: values.get(c) for c in FILLED_COLUMNS})
