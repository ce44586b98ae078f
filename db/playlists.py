"""The SQL of a user's named playlists and their ordered items. Every write names the owner in SQL
(`WHERE username = :u`), so a foreign or unknown playlist id matches nothing. The rules are core.playlists'."""
from __future__ import annotations

from sqlalchemy.engine import Connection

from db.engine import execute, fetch_all, fetch_one

# Items keep a 1..n position; ties (older rows, imports) fall back to when they were added.
ITEM_ORDER = "pi.position, pi.added_at, pi.media_id"


def list_for_user(username: str) -> list[dict]:
    """[{playlist_id, name, description, item_count, created_at}], by name (one query)."""
    return fetch_all(
        """SELECT p.playlist_id, p.name, p.description, p.created_at, COUNT(pi.media_id) AS item_count
             FROM playlists p LEFT JOIN playlist_items pi ON pi.playlist_id = p.playlist_id
            WHERE p.username = :u
            GROUP BY p.playlist_id, p.name, p.description, p.created_at
            ORDER BY p.name""",
        u=username)


def items_of(username: str, playlist_id: int) -> list[dict]:
    """The items of one of `username`'s playlists, in list order, with each title's facts (one query; a
    playlist that is not theirs has no items here)."""
    return fetch_all(
        f"""SELECT pi.playlist_id, pi.position, pi.added_at, m.media_id, m.title, m.release_year,
                   m.media_type, m.average_rating, m.poster_image_url
              FROM playlists p
              JOIN playlist_items pi ON pi.playlist_id = p.playlist_id
              JOIN media m ON m.media_id = pi.media_id
             WHERE p.playlist_id = :p AND p.username = :u
             ORDER BY {ITEM_ORDER}""",
        u=username, p=playlist_id)


def same_name(conn: Connection, username: str, name: str, except_id: int | None = None) -> dict | None:
    """The user's playlist whose name the collation counts as equal to `name` (other than except_id)."""
    return fetch_one("""SELECT name FROM playlists WHERE username = :u AND name = :n AND playlist_id <> :skip""",
                     conn, u=username, n=name, skip=except_id or 0)


def lock_own(conn: Connection, username: str, playlist_id) -> dict | None:
    """The user's playlist (playlist_id, name), locked for this transaction; None when it is not theirs."""
    return fetch_one("""SELECT playlist_id, name FROM playlists
                         WHERE playlist_id = :p AND username = :u FOR UPDATE""",
                     conn, p=playlist_id, u=username)


def insert(conn: Connection, username: str, name: str, description: str | None) -> int:
    return execute(conn, "INSERT INTO playlists (username, name, description) VALUES (:u, :n, :d)",
                   u=username, n=name, d=description).lastrowid


def update(conn: Connection, username: str, playlist_id: int, name: str, description: str | None) -> None:
    execute(conn, """UPDATE playlists SET name = :n, description = :d
                      WHERE playlist_id = :p AND username = :u""",
            n=name, d=description, p=playlist_id, u=username)


def delete(conn: Connection, username: str, playlist_id: int) -> None:
    """Delete the playlist with its items (the foreign key cascades)."""
    execute(conn, "DELETE FROM playlists WHERE playlist_id = :p AND username = :u", p=playlist_id, u=username)


def has_item(conn: Connection, playlist_id: int, media_id: int) -> bool:
    return fetch_one("SELECT 1 AS x FROM playlist_items WHERE playlist_id = :p AND media_id = :m",
                     conn, p=playlist_id, m=media_id) is not None


def append_item(conn: Connection, playlist_id: int, media_id: int) -> None:
    """Add the title at the end (the caller holds the playlist's row lock, so two adds cannot take one position)."""
    execute(conn, """INSERT INTO playlist_items (playlist_id, media_id, position)
                     SELECT :p, :m, COALESCE(MAX(position), 0) + 1 FROM playlist_items WHERE playlist_id = :p""",
            p=playlist_id, m=media_id)


def delete_item(conn: Connection, playlist_id: int, media_id: int) -> int:
    """Take the title out; returns how many rows went (0 or 1)."""
    return execute(conn, "DELETE FROM playlist_items WHERE playlist_id = :p AND media_id = :m",
                   p=playlist_id, m=media_id).rowcount


def positions(conn: Connection, playlist_id: int) -> list[dict]:
    """[{media_id, position}] in list order."""
    return fetch_all(f"""SELECT pi.media_id, pi.position FROM playlist_items pi
                          WHERE pi.playlist_id = :p ORDER BY {ITEM_ORDER}""", conn, p=playlist_id)


def set_position(conn: Connection, playlist_id: int, media_id: int, position: int) -> None:
    execute(conn, "UPDATE playlist_items SET position = :pos WHERE playlist_id = :p AND media_id = :m",
            pos=position, p=playlist_id, m=media_id)
