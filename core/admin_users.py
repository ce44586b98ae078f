"""Admin user management: find and page users; change a role; lock and unlock; reset a password; delete an
account after saying what goes with it. Every write checks the actor's role in the database inside its
transaction, and no write may leave the instance without a usable admin (core.accounts' last-admin rule).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from core import permissions, tables
from core.accounts import (
    LAST_ADMIN,
    end_sessions,
    keep_hidden_reviews,
    lock_reviewed_titles,
    refuse_last_admin,
    set_role,
)
from db import admin_users as sql
from db import login_throttle, users
from db.engine import actor_role, transactional
from db.errors import Invalid, NotFound
from db.paging import ResultPage

PAGE_SIZE = sql.PAGE_SIZE
# "Locked until further notice": far enough ahead that nobody will meet it, inside DATETIME's range.
LOCKED_FOR_GOOD = datetime(9999, 12, 31, 23, 59, 59)


def search_users(role: str | None, text: str = "", role_filter: str | None = None, page: int = 1,
                 page_size: int = PAGE_SIZE) -> ResultPage:
    """A page of users whose username, name or email contains `text` (optionally only one role), newest
    first, and how many match: two statements. Never the password hash."""
    permissions.require(role, "manage_users")
    if role_filter and role_filter not in permissions.ROLES:
        raise Invalid(f"Unknown role {role_filter!r}.", "role")
    return sql.search_users(text, role_filter, page, page_size)


def _target(conn, username: str) -> dict[str, Any]:
    row = users.for_update(conn, username)
    if row is None:
        raise NotFound(f"There is no user {username!r} (any more).")
    return row


def change_role(actor: str, username: str, role: str) -> None:
    """core.accounts.set_role (it holds the last-admin rule for demotions)."""
    set_role(actor, username, role)


@transactional
def lock_user(conn, actor: str, username: str, until: datetime = LOCKED_FOR_GOOD) -> None:
    """Lock an account until `until` (default: until an admin unlocks it) and log it out everywhere."""
    permissions.require(actor_role(conn, actor), "manage_users")
    target = _target(conn, username)
    if target["username"].lower() == actor.lower():
        raise Invalid("You cannot lock your own account; ask another admin.")
    if until <= datetime.now():
        raise Invalid("Choose a time in the future to lock the account until.", "until")
    if target["role"] == "admin":
        refuse_last_admin(conn, target["username"], LAST_ADMIN.format(who=f"{target['username']} is"))
    users.set_locked_until(conn, target["username"], until)
    end_sessions(conn, target["username"])


@transactional
def unlock_user(conn, actor: str, username: str) -> None:
    """Lift an admin's lock and the wait failed logins left on the account's name."""
    permissions.require(actor_role(conn, actor), "manage_users")
    users.unlock(conn, _target(conn, username)["username"])
    login_throttle.clear(conn, login_throttle.account_key(username))


@transactional
def reset_password(conn, actor: str, username: str, new_hash: str) -> int:
    """Store the hash of a one-time password the admin hands over, make the user change it at the next login,
    and end all their sessions. Returns how many sessions ended."""
    permissions.require(actor_role(conn, actor), "manage_users")
    target = _target(conn, username)
    if target["username"].lower() == actor.lower():  # it would end the admin's own session mid-page
        raise Invalid("To change your own password, use the Password tab of your Profile.")
    users.set_one_time_password(conn, target["username"], new_hash)
    return end_sessions(conn, target["username"])


def delete_summary(username: str) -> list[tuple[str, str, int]]:
    """What deleting the account takes with it (reviews, playlists, their items, friendships, ...), counted
    over the foreign-key graph in one statement."""
    return tables.cascade_summary("users", [{"username": username}])


@transactional
def delete_user(conn, actor: str, username: str) -> None:
    """Delete an account; its reviews go first by trigger (ratings stay exact), the rest by cascade. Reviews the
    account hid as a moderator stay hidden (core.accounts.keep_hidden_reviews)."""
    permissions.require(actor_role(conn, actor), "manage_users")
    target = _target(conn, username)
    if target["role"] == "admin":
        refuse_last_admin(conn, target["username"], LAST_ADMIN.format(who=f"{target['username']} is"))
    lock_reviewed_titles(conn, target["username"])
    keep_hidden_reviews(conn, target["username"], actor)
    users.delete(conn, target["username"])
