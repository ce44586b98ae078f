"""Friendships: requests, answers, removal, blocks, and who may see whose profile. One row per pair; username_1
asked, and for a 'blocked' row username_1 is the blocker. A block in either direction hides each from the
other: no request, no profile. The SQL is db.friends'."""
from __future__ import annotations

from core import recent_reads
from db import friends as sql
from db.engine import transactional
from db.errors import Conflict, Invalid, NotFound, PermissionDenied


def _names_for_friends_only(rows: list[dict]) -> list[dict]:
    """A real name is for friends: the rows of anyone else (a request either way, a block, a suggestion, which
    has no status) keep the username only. Sending a request to anyone must not show their name under Sent
    requests."""
    for row in rows:
        if row.get("status") != "accepted":
            row["firstname"] = row["lastname"] = None
    return rows


def overview(username: str) -> list[dict]:
    """Every friendship row of the user, seen from their side (db.friends.overview); names for friends only."""
    return _names_for_friends_only(sql.overview(username))


def suggestions(username: str, limit: int = 8) -> list[dict]:
    """People the user may know (db.friends.suggestions): strangers, so their usernames only."""
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 100:
        raise Invalid("Ask for 1 to 100 suggestions.", "limit")  # it is written into the statement's LIMIT
    return _names_for_friends_only(sql.suggestions(username, limit))


def kept_suggestions(username: str, relations: list[dict]) -> list[dict]:
    """suggestions(username) as the Friends page shows them: kept a few minutes until the user writes
    (core.recent_reads: 12 ms a read at large scale), less anyone in `relations` (overview(), read live), so
    someone who has just asked me, accepted or blocked me meanwhile is not suggested."""
    related = {r["other"] for r in relations}
    return [s for s in recent_reads.kept(username, suggestions) if s["username"] not in related]


def _existing_user(conn, actor: str, username, doing: str) -> str:
    """The other user's exact username, or an error saying why not; `doing` ("add", "block") is what the
    actor wants to do with them, for the message."""
    name = (username or "").strip() if isinstance(username, str) else ""
    if not name:
        raise Invalid(f"Type the username of the person you want to {doing}.", "username")
    found = sql.exact_username(conn, name)
    if found is None:
        raise NotFound(f"There is no user called '{name}'. Check the spelling (usernames, not real names).")
    if found.lower() == actor.lower():
        raise Invalid(f"That is you: you cannot {doing} yourself.", "username")
    return found


@transactional
def send_request(conn, actor: str, username: str) -> str:
    """Ask `username` to be friends. Returns their exact username. Each refusal says why."""
    other = _existing_user(conn, actor, username, "add")
    row = sql.relation(conn, actor, other)
    if row is not None:
        status, asked = row["status"], row["username_1"] == actor
        if status == "accepted":
            raise Conflict(f"You and {other} are already friends.")
        if status == "pending" and asked:
            raise Conflict(f"You already asked {other}; wait for them to answer (or cancel the request).")
        if status == "pending":
            raise Conflict(f"{other} already asked you: accept their request under Incoming requests.")
        if asked:
            raise Conflict(f"You blocked {other}. Unblock them first to send a request.")
        raise Conflict(f"You cannot send a friend request to {other}.")
    sql.insert(conn, actor, other, "pending")
    return other


@transactional
def accept(conn, actor: str, requester: str) -> None:
    row = sql.relation(conn, actor, requester)
    if row is not None and row["status"] == "accepted":  # a second click on Accept, or they were quicker
        raise Conflict(f"You and {requester} are already friends.")
    if not sql.accept_pending(conn, requester, actor):
        raise NotFound(f"There is no pending request from {requester} (it may have been cancelled).")


@transactional
def decline(conn, actor: str, requester: str) -> None:
    if not sql.delete_pending(conn, requester, actor):
        raise NotFound(f"There is no pending request from {requester} (it may have been cancelled).")


@transactional
def cancel(conn, actor: str, addressee: str) -> None:
    if not sql.delete_pending(conn, actor, addressee):
        raise NotFound(f"You have no pending request to {addressee} (they may have answered it).")


@transactional
def remove(conn, actor: str, friend: str) -> None:
    if not sql.delete_friendship(conn, actor, friend):
        raise NotFound(f"You and {friend} are not friends (any more).")


@transactional
def block(conn, actor: str, username: str) -> str:
    """Block a user: whatever was between the two (friendship, request) is replaced by the block, in one
    transaction. Returns their exact username."""
    other = _existing_user(conn, actor, username, "block")
    row = sql.relation(conn, actor, other)
    if row is not None and row["status"] == "blocked":
        # One row per pair holds one blocker; an existing block already hides each from the other.
        if row["username_1"] == actor:
            raise Conflict(f"You have already blocked {other}.")
        raise Conflict(f"There is already a block between you and {other}.")
    if row is not None:
        sql.delete_row(conn, row["username_1"], row["username_2"])
    sql.insert(conn, actor, other, "blocked")
    return other


@transactional
def unblock(conn, actor: str, username: str) -> None:
    if not sql.delete_block(conn, actor, username):
        raise NotFound(f"You have not blocked {username}.")


def profile(viewer: str, username: str) -> dict:
    """Another user's profile as `viewer` may see it. Raises NotFound for an unknown user and
    PermissionDenied when either has blocked the other. {username, firstname, lastname, status, outgoing,
    is_friend}, the names only for a friend; their lists and ratings (their_playlists, recent_ratings, ...)
    are for friends only."""
    row = sql.profile_row(viewer, username)
    if row is None:
        raise NotFound(f"There is no user called '{username}'.")
    if row["status"] == "blocked":
        raise PermissionDenied(f"You cannot see {row['username']}'s profile.")
    row["is_friend"] = row["status"] == "accepted"
    if not row["is_friend"]:  # a stranger (or a pending request) sees the username only
        row["firstname"] = row["lastname"] = None
    return row


def friend_profile(viewer: str, username: str) -> dict:
    """profile() and, for a friend only, what friends see: their playlists, recent ratings, the titles both
    rated and the mutual friends (lists, ratings, both, mutual; empty for anyone else). The friend check is
    here, not in the page: these lists are nobody else's business."""
    person = profile(viewer, username)
    if person["is_friend"]:
        other = person["username"]
        person.update(lists=sql.their_playlists(other), ratings=sql.recent_ratings(other),
                      both=sql.both_rated(viewer, other), mutual=sql.mutual_friends(viewer, other))
    else:
        person.update(lists=[], ratings=[], both=[], mutual=[])
    return person
