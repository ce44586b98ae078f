"""User rows for accounts and profiles: create, look up, login bookkeeping, profile and password changes, and
the SQL behind role changes, locks and deletes (whose rules are core.accounts' and core.admin_users').

Usernames and emails compare ignoring case because the columns use utf8mb4_unicode_ci, so a plain `=`
finds "Asha" when asked for "asha". Password hashes are written here but never returned by the profile
reads, so they cannot reach a page by accident."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.engine import Connection

from db.engine import execute, fetch_all, fetch_one

PROFILE_COLUMNS = "username, firstname, lastname, email, dob, role, created_at, last_login_at, must_change_password"


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


def insert(conn: Connection, username: str, *, firstname: str, lastname: str, email: str, dob: date | None,
           password_hash: str, role: str = "user") -> None:
    """A username or email taken meanwhile raises DataRuleError from the unique keys."""
    execute(conn, """INSERT INTO users (username, firstname, lastname, email, password_hash, dob, role)
                     VALUES (:u, :f, :l, :e, :h, :dob, :role)""",
            u=username, f=firstname, l=lastname, e=email, h=password_hash, dob=dob, role=role)


def stamp_login(conn: Connection, username: str, now: datetime) -> None:
    """A good login: stamp last_login_at (failed logins are counted in db.login_throttle)."""
    execute(conn, "UPDATE users SET last_login_at = :now WHERE username = :u", now=now, u=username)


def log_throttled(conn: Connection, username: str, reason: str) -> None:
    """An activity_log row saying an account's failed logins started its throttle, with no actor; nothing
    when no account is spelled exactly `username`. One statement either way, so a login for a name nobody
    has takes as long as one for a real name."""
    execute(conn, """INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
                     SELECT NULL, 'users', 'UPDATE', username, JSON_OBJECT('reason', :reason)
                       FROM users WHERE username = :u COLLATE utf8mb4_bin""",
            u=username, reason=reason)


def update_profile(conn: Connection, username: str, *, firstname: str, lastname: str, email: str,
                   dob: date | None) -> None:
    execute(conn, """UPDATE users SET firstname = :f, lastname = :l, email = :e, dob = :dob
                      WHERE username = :u""", f=firstname, l=lastname, e=email, dob=dob, u=username)


def set_password(conn: Connection, username: str, new_hash: str) -> None:
    """Store a hash chosen by its owner (which clears must_change_password)."""
    execute(conn, "UPDATE users SET password_hash = :h, must_change_password = 0 WHERE username = :u",
            h=new_hash, u=username)


def admins_for_update(conn: Connection) -> list[dict]:
    """Every admin with whether they can log in now (not locked), the rows locked for this transaction so two
    admins cannot both step down at the same moment."""
    return fetch_all("""SELECT username, (locked_until IS NULL OR locked_until <= NOW()) AS can_log_in
                          FROM users WHERE role = 'admin' FOR UPDATE""", conn)


def for_update(conn: Connection, username: str) -> dict | None:
    """username (as stored), role and locked_until of a user, locked for this transaction; None if unknown."""
    return fetch_one("SELECT username, role, locked_until FROM users WHERE username = :u FOR UPDATE", conn,
                     u=username)


def set_role(conn: Connection, username: str, role: str) -> None:
    execute(conn, "UPDATE users SET role = :r WHERE username = :u", r=role, u=username)


def set_locked_until(conn: Connection, username: str, until: datetime) -> None:
    execute(conn, "UPDATE users SET locked_until = :until WHERE username = :u", until=until, u=username)


def unlock(conn: Connection, username: str) -> None:
    """Lift a lock and forget the failed logins."""
    execute(conn, """UPDATE users SET locked_until = NULL, failed_logins = 0, first_failed_at = NULL
                      WHERE username = :u""", u=username)


def set_one_time_password(conn: Connection, username: str, new_hash: str) -> None:
    """Store a hash the user must replace at the next login."""
    execute(conn, "UPDATE users SET password_hash = :h, must_change_password = 1 WHERE username = :u",
            h=new_hash, u=username)


def require_new_password(conn: Connection, username: str) -> None:
    """Keep the hash, but make its owner choose another at once (the pages show only the password form)."""
    execute(conn, "UPDATE users SET must_change_password = 1 WHERE username = :u", u=username)


def delete(conn: Connection, username: str) -> None:
    """Delete an account: its reviews go first by trigger (ratings stay exact), the rest by cascade."""
    execute(conn, "DELETE FROM users WHERE username = :u", u=username)


def hand_over_hidings(conn: Connection, leaving: str, heir: str | None) -> None:
    """Reviews `leaving` hid as a moderator (other than their own) are put in `heir`'s name, or, with heir None,
    in the name of another admin (else moderator): the foreign key would set hidden_by to NULL and show them."""
    if heir is not None:
        execute(conn, "UPDATE reviews SET hidden_by = :a WHERE hidden_by = :u AND username <> :u",
                a=heir, u=leaving)
        return
    execute(conn, """UPDATE reviews SET hidden_by = (
                         SELECT username FROM users WHERE role IN ('admin', 'moderator') AND username <> :u
                          ORDER BY role = 'admin' DESC, username LIMIT 1)
                      WHERE hidden_by = :u AND username <> :u""", u=leaving)
