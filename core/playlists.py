"""Playlists: a user's named lists of titles in the order they like. The rules (names, ownership, duplicates)
live here; the SQL in db.playlists. Every write runs in one transaction as the actor."""
from __future__ import annotations

from core.validation import visible
from db import playlists as sql
from db.engine import transactional
from db.errors import Conflict, Invalid, NotFound, PermissionDenied

NAME_MAX = 100
DESCRIPTION_MAX = 500

list_for_user = sql.list_for_user
items_of = sql.items_of


def _clean_name(name) -> str:
    """The name as stored, or Invalid that says what to fix."""
    # A name of only invisible characters would look blank in every list, so it counts as no name.
    if not isinstance(name, str) or not visible(name):
        raise Invalid("A playlist needs a name (with at least one visible character).", "name")
    name = name.strip()
    if len(name) > NAME_MAX:
        raise Invalid(f"A playlist name may be at most {NAME_MAX} characters (this one has {len(name)}).", "name")
    return name


def _clean_description(description) -> str | None:
    if not isinstance(description, str) or not description.strip():
        return None
    description = description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise Invalid(f"A description may be at most {DESCRIPTION_MAX} characters.", "description")
    return description


def _refuse_duplicate(conn, actor: str, name: str, except_id: int | None = None) -> None:
    # The column collation is case-insensitive, so "Favourites" and "favourites" collide: say so before the
    # unique key does, in words.
    clash = sql.same_name(conn, actor, name, except_id)
    if clash and clash["name"].casefold() == name.casefold():
        raise Conflict(f"You already have a playlist called '{clash['name']}'. Pick another name.")
    if clash:  # the collation also equates accents ("Café" = "cafe") and every emoji with every other one
        raise Conflict(f"'{name}' counts as the same name as your playlist '{clash['name']}' (names are "
                       "compared ignoring case and accents, and all emoji count as alike). Pick another name.")


def _own_playlist(conn, actor: str, playlist_id) -> dict:
    """The actor's playlist, locked for this transaction, or PermissionDenied for anyone else's (or none)."""
    row = sql.lock_own(conn, actor, playlist_id)
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
    playlist_id = sql.insert(conn, actor, name, description)
    if first_title is not None:
        sql.append_item(conn, playlist_id, first_title)
    return playlist_id


@transactional
def rename_playlist(conn, actor: str, playlist_id: int, name: str, description: str | None = None) -> None:
    """Give the actor's playlist a new name (and description)."""
    _own_playlist(conn, actor, playlist_id)
    name = _clean_name(name)
    _refuse_duplicate(conn, actor, name, except_id=playlist_id)
    sql.update(conn, actor, playlist_id, name, _clean_description(description))


@transactional
def delete_playlist(conn, actor: str, playlist_id: int) -> str:
    """Delete the actor's playlist with its items. Returns the name it had."""
    row = _own_playlist(conn, actor, playlist_id)
    sql.delete(conn, actor, playlist_id)
    return row["name"]


@transactional
def add_item(conn, actor: str, playlist_id: int, media_id: int) -> None:
    """Append a title to the end of the actor's playlist. Refuses a title already in it or unknown."""
    playlist = _own_playlist(conn, actor, playlist_id)
    if sql.has_item(conn, playlist_id, media_id):
        raise Conflict(f"That title is already in '{playlist['name']}'.")
    sql.append_item(conn, playlist_id, media_id)  # the playlist row is locked above


@transactional
def remove_item(conn, actor: str, playlist_id: int, media_id: int) -> None:
    """Take a title out of the actor's playlist (refused if it was not there)."""
    playlist = _own_playlist(conn, actor, playlist_id)
    if not sql.delete_item(conn, playlist_id, media_id):
        raise NotFound(f"That title is not in '{playlist['name']}' (any more).")


@transactional
def move_item(conn, actor: str, playlist_id: int, media_id: int, offset: int) -> None:
    """Move a title `offset` places (-1 up, +1 down) in the actor's playlist; positions become 1..n."""
    _own_playlist(conn, actor, playlist_id)
    rows = sql.positions(conn, playlist_id)
    order = [r["media_id"] for r in rows]
    if media_id not in order:
        raise NotFound("That title is not in this playlist (any more).")
    old = order.index(media_id)
    new = max(0, min(len(order) - 1, old + offset))
    order.insert(new, order.pop(old))
    current = {r["media_id"]: r["position"] for r in rows}
    for position, mid in enumerate(order, start=1):
        if current[mid] != position:
            sql.set_position(conn, playlist_id, mid, position)
