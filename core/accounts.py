"""Rules about accounts that several writes share, in one place each:

- the last-admin rule: no write may leave the instance without an admin who can log in (a locked admin cannot
  run it);
- the hidden-review policy: reviews a departing moderator or admin hid stay hidden, in the name of the admin
  who deletes the account, or, when they delete their own, of another admin (else moderator);
- ending a user's sessions.

Plus the privileged role change and deleting one's own account, which both apply them.
"""
from __future__ import annotations

from datetime import date

from core import permissions
from core.sessions import token_hash
from db import reviews, sessions, users
from db.engine import actor_role, lock_titles_ratings, transactional
from db.errors import Conflict, Invalid, NotFound

LAST_ADMIN = "{who} the last admin who can log in: make another user an admin (or unlock one) first."
NO_ADMIN_LEFT = ("These changes would leave no admin who can log in: make another user an admin (or unlock one) "
                 "first.")

get_user = users.get_user


def refuse_last_admin(conn, leaving: str | None, message: str) -> None:
    """Raise Conflict(message) unless an admin other than `leaving` (None: anyone) can still log in. Locks the
    admin rows so two admins cannot both step down at the same moment and leave none."""
    others = [a for a in users.admins_for_update(conn)
              if a["can_log_in"] and (leaving is None or a["username"].lower() != leaving.lower())]
    if not others:
        raise Conflict(message)


def lock_reviewed_titles(conn, leaving: str) -> None:
    """Before `leaving`'s account is deleted: lock the titles they reviewed, in id order. Their reviews go by
    trigger and each recomputes its title; deleting review rows first and then waiting for a title a rater
    held (who waited for those rows) deadlocked (issue 14, part 6)."""
    lock_titles_ratings(conn, reviews.titles_reviewed_by(conn, leaving))


def keep_hidden_reviews(conn, leaving: str, actor: str | None) -> None:
    """Before `leaving`'s account is deleted: the reviews they hid stay hidden (see the module's policy)."""
    heir = actor if actor and actor.lower() != leaving.lower() else None
    users.hand_over_hidings(conn, leaving, heir)


def end_sessions(conn, username: str, keep_token: str | None = None) -> int:
    """Log `username` out everywhere (but the session of keep_token). Returns how many sessions ended."""
    return sessions.end_others(conn, username, token_hash(keep_token) if keep_token else None)


@transactional
def create_account(conn, actor: str, *, firstname: str, lastname: str, email: str, dob, password_hash: str,
                   role: str = "user") -> None:
    """Create the account `actor`: registration acts as the new user, so the audit log names them. A username
    or email taken meanwhile raises Conflict from the unique keys."""
    if dob is not None and not isinstance(dob, date):  # a list here would reach the driver as an expanding bind
        raise Invalid("Enter the date of birth as a date.", "dob")
    users.insert(conn, actor, firstname=firstname, lastname=lastname, email=email, dob=dob,
                 password_hash=password_hash, role=role)


@transactional
def set_role(conn, actor: str, username: str, role: str) -> None:
    """Give `username` the role `role`. Privileged: the actor's role is read from the database inside this
    transaction and must allow manage_users; the last admin cannot be demoted."""
    permissions.require(actor_role(conn, actor), "manage_users")
    if role not in permissions.ROLES:
        raise Invalid(f"Unknown role {role!r}: choose one of {', '.join(permissions.ROLES)}.", "role")
    current = users.for_update(conn, username)
    if current is None:
        raise NotFound(f"There is no user {username!r}.")
    if current["role"] == "admin" and role != "admin":
        refuse_last_admin(conn, current["username"], LAST_ADMIN.format(who=f"{current['username']} is"))
    users.set_role(conn, current["username"], role)


@transactional
def delete_own_account(conn, actor: str) -> None:
    """Delete the actor's account (their reviews go first by trigger, everything else by cascade); the reviews
    they hid as a moderator stay hidden."""
    role = actor_role(conn, actor)
    permissions.require(role, "own_data")  # a locked account's tab left open deletes nothing
    lock_reviewed_titles(conn, actor)
    if role == "admin":
        refuse_last_admin(conn, actor, LAST_ADMIN.format(who="You are"))
    if role in ("admin", "moderator"):
        keep_hidden_reviews(conn, actor, actor)
    users.delete(conn, actor)
