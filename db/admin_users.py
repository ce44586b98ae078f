"""Admin user management: find and page users; change a role; lock and unlock; reset a password; delete an
account after saying what goes with it. Every write checks the actor's role in the database inside its
transaction, and no write may leave the instance without a usable admin (the last-admin rule).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from core import permissions
from core.search import escape_like
from db import editor, login_throttle, users
from db.core import actor_role, execute, fetch_all, fetch_one, read, transactional
from db.errors import DataRuleError

PAGE_SIZE = 25
# "Locked until further notice": far enough ahead that nobody will meet it, inside DATETIME's range.
LOCKED_FOR_GOOD = datetime(9999, 12, 31, 23, 59, 59)


def search_users(role: str | None, text: str = "", role_filter: str | None = None, page: int = 1,
                 page_size: int = PAGE_SIZE) -> tuple[list[dict[str, Any]], int]:
    """A page of users whose username, name or email contains `text` (optionally only one role), newest
    first, and how many match: two statements. Never the password hash."""
    permissions.require(role, "manage_users")
    if role_filter and role_filter not in permissions.ROLES:
        raise DataRuleError(f"Unknown role {role_filter!r}.")
    params: dict[str, Any] = {"role": role_filter or "", "limit": page_size,
                              "offset": (max(1, page) - 1) * page_size}
    where = "(:role = '' OR role = :role)"
    if text.strip():
        params["t"] = f"%{escape_like(text.strip())}%"
        where += (" AND (username LIKE :t ESCAPE '!' OR email LIKE :t ESCAPE '!' "
                  "OR CONCAT(firstname, ' ', lastname) LIKE :t ESCAPE '!')")
    with read() as conn:
        total = fetch_one(f"SELECT COUNT(*) AS n FROM users WHERE {where}", conn, **params)["n"]
        rows = fetch_all(
            f"""SELECT username, firstname, lastname, email, role, created_at, last_login_at, locked_until,
                       failed_logins, must_change_password
                  FROM users WHERE {where} ORDER BY created_at DESC, username LIMIT :limit OFFSET :offset""",
            conn, **params)
    return rows, total


def _target(conn, username: str) -> dict[str, Any]:
    row = fetch_one("SELECT username, role, locked_until FROM users WHERE username = :u FOR UPDATE", conn,
                    u=username)
    if row is None:
        raise DataRuleError(f"There is no user {username!r} (any more).")
    return row


def change_role(actor: str, username: str, role: str) -> None:
    """The accounts module's privileged set_role (it holds the last-admin rule for demotions)."""
    users.set_role(actor, username, role)


def _end_sessions(conn, username: str) -> int:
    return execute(conn, "DELETE FROM user_sessions WHERE username = :u", u=username).rowcount


@transactional
def lock_user(conn, actor: str, username: str, until: datetime = LOCKED_FOR_GOOD) -> None:
    """Lock an account until `until` (default: until an admin unlocks it) and log it out everywhere."""
    permissions.require(actor_role(conn, actor), "manage_users")
    target = _target(conn, username)
    if target["username"].lower() == actor.lower():
        raise DataRuleError("You cannot lock your own account; ask another admin.")
    if until <= datetime.now():
        raise DataRuleError("Choose a time in the future to lock the account until.")
    if target["role"] == "admin":
        users.refuse_last_admin(conn, target["username"], f"{target['username']} is")
    execute(conn, "UPDATE users SET locked_until = :until WHERE username = :u", until=until, u=target["username"])
    _end_sessions(conn, target["username"])


@transactional
def unlock_user(conn, actor: str, username: str) -> None:
    """Lift an admin's lock and the wait failed logins left on the account's name."""
    permissions.require(actor_role(conn, actor), "manage_users")
    target = _target(conn, username)
    execute(conn, """UPDATE users SET locked_until = NULL, failed_logins = 0, first_failed_at = NULL
                      WHERE username = :u""", u=target["username"])
    execute(conn, "DELETE FROM login_throttle WHERE throttle_key = :k", k=login_throttle.account_key(username))


@transactional
def reset_password(conn, actor: str, username: str, new_hash: str) -> int:
    """Store the hash of a one-time password the admin hands over, make the user change it at the next login,
    and end all their sessions. Returns how many sessions ended."""
    permissions.require(actor_role(conn, actor), "manage_users")
    target = _target(conn, username)
    if target["username"].lower() == actor.lower():  # it would end the admin's own session mid-page
        raise DataRuleError("To change your own password, use the Password tab of your Profile.")
    execute(conn, "UPDATE users SET password_hash = :h, must_change_password = 1 WHERE username = :u",
            h=new_hash, u=target["username"])
    return _end_sessions(conn, target["username"])


def delete_summary(username: str) -> list[tuple[str, str, int]]:
    """What deleting the account takes with it (reviews, playlists, their items, friendships, ...), counted
    over the foreign-key graph in one statement."""
    return editor.cascade_summary("users", [{"username": username}])


@transactional
def delete_user(conn, actor: str, username: str) -> None:
    """Delete an account; its reviews go first by trigger (ratings stay exact), the rest by cascade. Reviews the
    account hid as a moderator stay hidden, now in the deleting admin's name (the foreign key would otherwise
    set hidden_by to NULL and show them again)."""
    permissions.require(actor_role(conn, actor), "manage_users")
    target = _target(conn, username)
    if target["role"] == "admin":
        users.refuse_last_admin(conn, target["username"], f"{target['username']} is")
    execute(conn, "UPDATE reviews SET hidden_by = :a WHERE hidden_by = :u AND username <> :u",
            a=actor, u=target["username"])
    execute(conn, "DELETE FROM users WHERE username = :u", u=target["username"])
