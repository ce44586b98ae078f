"""User rows for accounts and profiles: create, look up, login bookkeeping, profile and password changes,
deleting one's own account, and the privileged role change (set_role) the admin pages reuse.

Usernames and emails compare ignoring case because the columns use utf8mb4_unicode_ci, so a plain `=`
finds "Asha" when asked for "asha". Password hashes are written here but never returned by the profile
reads, so they cannot reach a page by accident."""
from __future__ import annotations

from datetime import date, datetime

from core import permissions
from db.core import actor_role, execute, fetch_all, fetch_one, transactional
from db.errors import DataRuleError
from db.sessions import end_other_sessions

PROFILE_COLUMNS = "username, firstname, lastname, email, dob, role, created_at, last_login_at, must_change_password"
LAST_ADMIN = "{who} the last admin who can log in: make another user an admin (or unlock one) first."


def get_user(username: str) -> dict | None:
    """A user's profile (no password hash), found ignoring case."""
    return fetch_one(f"SELECT {PROFILE_COLUMNS} FROM users WHERE username = :u", u=username)


def login_record(username: str) -> dict | None:
    """What a login needs: the hash and an admin's lock. Only core.auth calls this."""
    return fetch_one("""SELECT username, password_hash, locked_until FROM users WHERE username = :u""",
                     u=username)


def taken(username: str, email: str, except_username: str | None = None) -> dict[str, bool]:
    """Whether the username and the email are already in use (ignoring case), in one query.
    except_username leaves out the asking user's own row (a profile keeping its email)."""
    row = fetch_one("""SELECT COALESCE(SUM(username = :u), 0) AS username, COALESCE(SUM(email = :e), 0) AS email
                         FROM users WHERE (username = :u OR email = :e) AND username <> :me""",
                    u=username, e=email, me=except_username or "")
    return {"username": bool(row["username"]), "email": bool(row["email"])}


@transactional
def create_user(conn, actor: str, *, firstname: str, lastname: str, email: str, dob: date | None,
                password_hash: str, role: str = "user") -> None:
    """Create the account `actor` (registration acts as the new user, so the audit log names them).
    A username or email taken meanwhile raises DataRuleError from the unique keys."""
    execute(conn, """INSERT INTO users (username, firstname, lastname, email, password_hash, dob, role)
                     VALUES (:u, :f, :l, :e, :h, :dob, :role)""",
            u=actor, f=firstname, l=lastname, e=email, h=password_hash, dob=dob, role=role)


@transactional
def record_login_success(conn, actor: str, now: datetime) -> None:
    """A good login: stamp last_login_at (failed logins are counted in db.login_throttle)."""
    execute(conn, "UPDATE users SET last_login_at = :now WHERE username = :u", now=now, u=actor)


@transactional
def log_login_throttled(conn, actor: None, username: str, reason: str) -> None:
    """Record, as the system's act (no actor), that an account's failed logins started its throttle: an
    admin reading the log sees why the owner could not log in, and that the owner did not do it."""
    execute(conn, """INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
                     VALUES (NULL, 'users', 'UPDATE', :u, JSON_OBJECT('reason', :reason))""",
            u=username, reason=reason)


@transactional
def update_profile(conn, actor: str, *, firstname: str, lastname: str, email: str, dob: date | None) -> None:
    execute(conn, """UPDATE users SET firstname = :f, lastname = :l, email = :e, dob = :dob
                      WHERE username = :u""", f=firstname, l=lastname, e=email, dob=dob, u=actor)


@transactional
def change_password(conn, actor: str, new_hash: str, keep_token: str | None) -> int:
    """Store a new hash, clear must_change_password and end every other session of the user, all at once
    (a stolen session must not outlive the password it was opened with). Returns sessions ended."""
    execute(conn, "UPDATE users SET password_hash = :h, must_change_password = 0 WHERE username = :u",
            h=new_hash, u=actor)
    return end_other_sessions(conn, actor, keep_token)


def refuse_last_admin(conn, username: str, who: str) -> None:
    """Raise unless an admin other than `username` can still log in (a locked admin cannot run the
    instance). Locks the admin rows so two admins cannot both step down at the same moment and leave none."""
    admins = fetch_all("""SELECT username, (locked_until IS NULL OR locked_until <= NOW()) AS can_log_in
                            FROM users WHERE role = 'admin' FOR UPDATE""", conn)
    if not any(a["can_log_in"] and a["username"].lower() != username.lower() for a in admins):
        raise DataRuleError(LAST_ADMIN.format(who=who))


@transactional
def delete_own_account(conn, actor: str) -> None:
    """Delete the actor's account (their reviews go first by trigger, everything else by cascade). Reviews a
    moderator or admin hid stay hidden, in the name of another admin (or moderator): the foreign key would
    set hidden_by to NULL and show them again."""
    role = actor_role(conn, actor)
    if role == "admin":
        refuse_last_admin(conn, actor, "You are")
    if role in ("admin", "moderator"):
        execute(conn, """UPDATE reviews SET hidden_by = (
                             SELECT username FROM users WHERE role IN ('admin', 'moderator') AND username <> :u
                              ORDER BY role = 'admin' DESC, username LIMIT 1)
                          WHERE hidden_by = :u AND username <> :u""", u=actor)
    execute(conn, "DELETE FROM users WHERE username = :u", u=actor)


@transactional
def set_role(conn, actor: str, username: str, role: str) -> None:
    """Give `username` the role `role`. Privileged: the actor's role is read from the database inside this
    transaction and must allow manage_users; the last admin cannot be demoted."""
    permissions.require(actor_role(conn, actor), "manage_users")
    if role not in permissions.ROLES:
        raise DataRuleError(f"Unknown role {role!r}: choose one of {', '.join(permissions.ROLES)}.")
    current = fetch_one("SELECT username, role FROM users WHERE username = :u FOR UPDATE", conn, u=username)
    if current is None:
        raise DataRuleError(f"There is no user {username!r}.")
    if current["role"] == "admin" and role != "admin":
        refuse_last_admin(conn, current["username"], f"{current['username']} is")
    execute(conn, "UPDATE users SET role = :r WHERE username = :u", r=role, u=current["username"])
