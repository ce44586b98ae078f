"""SQL of the history import: the catalog read for matching (a fixed number of statements whatever the
file holds), what the importing user already has, and the batched writes of one commit."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from db.engine import execute, execute_many, fetch_all, lock_titles_ratings

_CATALOG = "media_id, title, original_title, release_year, media_type, imdb_id, tmdb_id"


def _in(conn: Connection, sql: str, name: str, values: list, **params: Any) -> list[dict]:
    if not values:
        return []
    statement = text(sql).bindparams(bindparam(name, expanding=True))
    return [dict(r) for r in conn.execute(statement, {name: values, **params}).mappings()]


def titles_by_imdb(conn: Connection, imdb_ids: list[str]) -> list[dict]:
    return _in(conn, f"SELECT {_CATALOG} FROM media WHERE imdb_id IN :ids", "ids", imdb_ids)


def titles_by_tmdb(conn: Connection, tmdb_ids: list[int]) -> list[dict]:
    return _in(conn, f"SELECT {_CATALOG} FROM media WHERE tmdb_id IN :ids", "ids", tmdb_ids)


def titles_in_years(conn: Connection, years: list[int], undated: bool) -> list[dict]:
    """Every title released in one of `years` (and, when asked, every title without a year): the pool the
    title and year matching looks in. One statement on ix_media_year."""
    if not years:
        return fetch_all(f"SELECT {_CATALOG} FROM media", conn) if undated else []
    extra = " OR release_year IS NULL" if undated else ""
    return _in(conn, f"SELECT {_CATALOG} FROM media WHERE release_year IN :years{extra}", "years", years)


def episodes_of(conn: Connection, media_ids: list[int]) -> list[dict]:
    return _in(conn, """SELECT episode_id, media_id, season_number, episode_number FROM episodes
                         WHERE media_id IN :ids""", "ids", media_ids)


def user_reviews(conn: Connection, username: str) -> list[dict]:
    return fetch_all("""SELECT media_id, rating, review_text, contains_spoilers, created_at, updated_at
                          FROM reviews WHERE username = :u""", conn, u=username)


def user_watchlist(conn: Connection, username: str) -> list[dict]:
    return fetch_all("SELECT media_id, status, added_at, updated_at FROM watchlist_items WHERE username = :u",
                     conn, u=username)


def user_playlists(conn: Connection, username: str) -> list[dict]:
    """The user's playlists with their items (one row per item; a playlist without items once, media_id NULL)."""
    return fetch_all("""SELECT p.playlist_id, p.name, p.description, p.created_at, pi.media_id, pi.position,
                               pi.added_at
                          FROM playlists p LEFT JOIN playlist_items pi ON pi.playlist_id = p.playlist_id
                         WHERE p.username = :u
                         ORDER BY p.playlist_id, pi.position, pi.added_at, pi.media_id""", conn, u=username)


# Writes: each takes the rows of one batch and issues one statement (executemany) per kind of change.

def lock_titles(conn: Connection, media_ids: list[int]) -> None:
    """Take the titles' row locks, in id order, before writing anything of the batch: the rating triggers update
    the media rows, and a rater who locked a review row first would deadlock with us; so would another
    writer holding a title's shared lock from a watch event's foreign key (db.engine.lock_titles_ratings)."""
    lock_titles_ratings(conn, media_ids)


def upsert_reviews(conn: Connection, username: str, rows: list[dict]) -> None:
    """rows: {media_id, rating, review_text, contains_spoilers, created_at}. created_at is kept for a new
    review (the date the user rated it elsewhere) and left alone for an existing one."""
    if rows:
        execute_many(conn, """INSERT INTO reviews (username, media_id, rating, review_text, contains_spoilers,
                                                   created_at)
                              VALUES (%s, %s, %s, %s, %s, COALESCE(%s, CURRENT_TIMESTAMP))
                              ON DUPLICATE KEY UPDATE rating = VALUES(rating), review_text = VALUES(review_text),
                                                      contains_spoilers = VALUES(contains_spoilers)""",
                     [(username, r["media_id"], r["rating"], r["review_text"], r["contains_spoilers"],
                       r["created_at"]) for r in rows])


def upsert_watchlist(conn: Connection, username: str, rows: list[dict]) -> None:
    """rows: {media_id, status, added_at}."""
    if rows:
        execute_many(conn, """INSERT INTO watchlist_items (username, media_id, status, added_at)
                              VALUES (%s, %s, %s, COALESCE(%s, CURRENT_TIMESTAMP))
                              ON DUPLICATE KEY UPDATE status = VALUES(status)""",
                     [(username, r["media_id"], r["status"], r["added_at"]) for r in rows])


def create_playlist(conn: Connection, username: str, name: str, description: str | None,
                    created_at: Any) -> int:
    return execute(conn, """INSERT INTO playlists (username, name, description, created_at)
                            VALUES (:u, :n, :d, COALESCE(:c, CURRENT_TIMESTAMP))""",
                   u=username, n=name, d=description, c=created_at).lastrowid


def set_playlist_description(conn: Connection, username: str, playlist_id: int, description: str | None) -> None:
    execute(conn, "UPDATE playlists SET description = :d WHERE playlist_id = :p AND username = :u",
            d=description, p=playlist_id, u=username)


def owned_playlist_ids(conn: Connection, username: str, playlist_ids: Iterable[int]) -> set[int]:
    """Which of these playlists are the user's (locked for the transaction, so items are not raced)."""
    rows = _in(conn, "SELECT playlist_id FROM playlists WHERE username = :u AND playlist_id IN :ids FOR UPDATE",
               "ids", sorted(set(playlist_ids)), u=username)
    return {r["playlist_id"] for r in rows}


def put_playlist_items(conn: Connection, rows: list[dict]) -> None:
    """rows: {playlist_id, media_id, position, added_at}: added, or moved to that position."""
    if rows:
        execute_many(conn, """INSERT INTO playlist_items (playlist_id, media_id, position, added_at)
                              VALUES (%s, %s, %s, COALESCE(%s, CURRENT_TIMESTAMP))
                              ON DUPLICATE KEY UPDATE position = VALUES(position)""",
                     [(r["playlist_id"], r["media_id"], r["position"], r["added_at"]) for r in rows])


def start_batch(conn: Connection, username: str, source: str, file_name: str, sha256: str, policy: str,
                records: int, batches: int) -> int:
    return execute(conn, """INSERT INTO import_batches (username, source, file_name, file_sha256, policy,
                                                        records_read, batches_total)
                            VALUES (:u, :s, :f, :h, :p, :r, :b)""",
                   u=username, s=source, f=file_name[:255], h=sha256, p=policy, r=records, b=batches).lastrowid


def batch_saved(conn: Connection, batch_id: int, rows: int) -> None:
    execute(conn, """UPDATE import_batches SET batches_done = batches_done + 1, rows_written = rows_written + :n
                      WHERE batch_id = :b""", b=batch_id, n=rows)


def finish_batch(conn: Connection, batch_id: int, reason: str | None) -> None:
    execute(conn, """UPDATE import_batches SET status = IF(:r IS NULL, 'completed', 'stopped'),
                                              stopped_reason = :r, finished_at = CURRENT_TIMESTAMP
                      WHERE batch_id = :b""", b=batch_id, r=reason and reason[:500])



def user_watch_events(conn: Connection, username: str) -> list[dict]:
    """The user's diary as the import compares it: {media_id, episode_id, viewing, watched_at}."""
    return fetch_all("SELECT media_id, episode_id, viewing, watched_at FROM watch_events WHERE username = :u",
                     conn, u=username)


def insert_watch_events(conn: Connection, username: str, rows: list[dict], batch_id: int) -> None:
    """rows: {media_id, episode_id, watched_at, viewing}, written as an import of batch_id. The triggers of
    migration 0004 keep series_progress in step with each episode."""
    if rows:
        execute_many(conn, """INSERT INTO watch_events (username, media_id, episode_id, watched_at, viewing, source,
                                                        import_batch)
                              VALUES (%s, %s, %s, %s, %s, 'import', %s)""",
                     [(username, r["media_id"], r["episode_id"], r["watched_at"], r["viewing"], batch_id)
                      for r in rows])
