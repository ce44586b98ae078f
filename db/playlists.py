"""A user's named playlists and their ordered items. Every write checks ownership in SQL
(`WHERE username = :actor`), so a foreign or unknown playlist id is refused, never silently ignored."""
from __future__ import annotations

from core.validation import visible
from db.core import execute, fetch_all, fetch_one, transactional
from db.errors import DataRuleError, PermissionDenied

NAME_MAX = 100
DESCRIPTION_MAX = 500

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


def _clean_name(name) -> str:
    """The name as stored, or a DataRuleError that says what to fix."""
    # A name of only invisible characters would look blank in every list, so it counts as no name.
    if not isinstance(name, str) or not visible(name):
        raise DataRuleError("A playlist needs a name (with at least one visible character).")
    name = name.strip()
    if len(name) > NAME_MAX:
        raise DataRuleError(f"A playlist name may be at most {NAME_MAX} characters (this one has {len(name)}).")
    return name


def _clean_description(description) -> str | None:
    if not isinstance(description, str) or not description.strip():
        return None
    description = description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise DataRuleError(f"A description may be at most {DESCRIPTION_MAX} characters.")
    return description


def _refuse_duplicate(conn, actor: str, name: str, except_id: int | None = None) -> None:
    # The column collation is case-insensitive, so "Favourites" and "favourites" collide: say so before the
    # unique key does, in words.
    clash = fetch_one("""SELECT name FROM playlists WHERE username = :u AND name = :n AND playlist_id <> :skip""",
                      conn, u=actor, n=name, skip=except_id or 0)
    if clash and clash["name"].casefold() == name.casefold():
        raise DataRuleError(f"You already have a playlist called '{clash['name']}'. Pick another name.")
    if clash:  # the collation also equates accents ("Café" = "cafe") and every emoji with every other one
        raise DataRuleError(f"'{name}' counts as the same name as your playlist '{clash['name']}' (names are "
                            "compared ignoring case and accents, and all emoji count as alike). Pick another name.")


def _own_playlist(conn, actor: str, playlist_id) -> dict:
    """The actor's playlist, locked for this transaction, or PermissionDenied for anyone else's (or none)."""
    row = fetch_one("""SELECT playlist_id, name FROM playlists
                        WHERE playlist_id = :p AND username = :u FOR UPDATE""",
                    conn, p=playlist_id, u=actor)
    if row is None:
        raise PermissionDenied(f"Playlist #{playlist_id} is not one of your playlists (it may have been deleted).")
    return row


@transactional
def create_playlist(conn, actor: str, name: str, description: str | None = None,
                    first_title: int | None = None) -> int:
    """Create a playlist for `actor`, holding `first_title` if given (both or neither are written); returns
    its id. Refuses an empty, too long or duplicate name, and an unknown title."""
    name = _clean_name(name)
    description = _clean_description(description)
    _refuse_duplicate(conn, actor, name)
    playlist_id = execute(conn, "INSERT INTO playlists (username, name, description) VALUES (:u, :n, :d)",
                          u=actor, n=name, d=description).lastrowid
    if first_title is not None:
        execute(conn, "INSERT INTO playlist_items (playlist_id, media_id, position) VALUES (:p, :m, 1)",
                p=playlist_id, m=first_title)
    return playlist_id


@transactional
def rename_playlist(conn, actor: str, playlist_id: int, name: str, description: str | None = None) -> None:
    """Give the actor's playlist a new name (and description)."""
    _own_playlist(conn, actor, playlist_id)
    name = _clean_name(name)
    _refuse_duplicate(conn, actor, name, except_id=playlist_id)
    execute(conn, """UPDATE playlists SET name = :n, description = :d
                      WHERE playlist_id = :p AND username = :u""",
            n=name, d=_clean_description(description), p=playlist_id, u=actor)


@transactional
def delete_playlist(conn, actor: str, playlist_id: int) -> str:
    """Delete the actor's playlist with its items (the foreign key cascades). Returns the name it had."""
    row = _own_playlist(conn, actor, playlist_id)
    execute(conn, "DELETE FROM playlists WHERE playlist_id = :p AND username = :u", p=playlist_id, u=actor)
    return row["name"]


@transactional
def add_item(conn, actor: str, playlist_id: int, media_id: int) -> None:
    """Append a title to the end of the actor's playlist. Refuses a title already in it or unknown."""
    playlist = _own_playlist(conn, actor, playlist_id)
    if fetch_one("SELECT 1 AS x FROM playlist_items WHERE playlist_id = :p AND media_id = :m",
                 conn, p=playlist_id, m=media_id):
        raise DataRuleError(f"That title is already in '{playlist['name']}'.")
    # The playlist row is locked above, so two adds cannot take the same position.
    execute(conn, """INSERT INTO playlist_items (playlist_id, media_id, position)
                     SELECT :p, :m, COALESCE(MAX(position), 0) + 1 FROM playlist_items WHERE playlist_id = :p""",
            p=playlist_id, m=media_id)


@transactional
def remove_item(conn, actor: str, playlist_id: int, media_id: int) -> None:
    """Take a title out of the actor's playlist (refused if it was not there)."""
    playlist = _own_playlist(conn, actor, playlist_id)
    removed = execute(conn, "DELETE FROM playlist_items WHERE playlist_id = :p AND media_id = :m",
                      p=playlist_id, m=media_id).rowcount
    if not removed:
        raise DataRuleError(f"That title is not in '{playlist['name']}' (any more).")


@transactional
def move_item(conn, actor: str, playlist_id: int, media_id: int, offset: int) -> None:
    """Move a title `offset` places (-1 up, +1 down) in the actor's playlist; positions become 1..n."""
    _own_playlist(conn, actor, playlist_id)
    rows = fetch_all(f"""SELECT pi.media_id, pi.position FROM playlist_items pi
                          WHERE pi.playlist_id = :p ORDER BY {ITEM_ORDER}""", conn, p=playlist_id)
    order = [r["media_id"] for r in rows]
    if media_id not in order:
        raise DataRuleError("That title is not in this playlist (any more).")
    old = order.index(media_id)
    new = max(0, min(len(order) - 1, old + offset))
    order.insert(new, order.pop(old))
    current = {r["media_id"]: r["position"] for r in rows}
    for position, mid in enumerate(order, start=1):
        if current[mid] != position:
            execute(conn, "UPDATE playlist_items SET position = :pos WHERE playlist_id = :p AND media_id = :m",
                    pos=position, p=playlist_id, m=mid)
