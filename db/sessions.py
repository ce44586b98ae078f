"""Login session rows (user_sessions), by the SHA-256 of their token; the policy (tokens, expiry, sliding)
is core.sessions'."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from db.engine import execute, fetch_all, fetch_one


def insert(conn: Connection, hashed: str, username: str, now: datetime, expires_at: datetime,
           user_agent: str | None) -> None:
    execute(conn, """INSERT INTO user_sessions (token_hash, username, created_at, last_seen_at, expires_at, user_agent)
                     VALUES (:h, :u, :now, :now, :exp, :ua)""",
            h=hashed, u=username, now=now, exp=expires_at, ua=user_agent)


def live_user(hashed: str, now: datetime) -> dict | None:
    """The user of a live session with its last_seen_at (one query). A locked account has no live session,
    whichever way locked_until was set (the Users page, the table editor, SQL); a deleted one has no session
    rows left (cascade)."""
    return fetch_one(
        """SELECT u.username, u.firstname, u.lastname, u.email, u.role, u.must_change_password,
                  s.last_seen_at, s.expires_at
             FROM user_sessions s JOIN users u ON u.username = s.username
            WHERE s.token_hash = :h AND s.expires_at > :now
              AND (u.locked_until IS NULL OR u.locked_until <= :now)""",
        h=hashed, now=now)


def slide(conn: Connection, hashed: str, now: datetime, expires_at: datetime) -> None:
    execute(conn, "UPDATE user_sessions SET last_seen_at = :now, expires_at = :exp WHERE token_hash = :h",
            now=now, exp=expires_at, h=hashed)


def delete(conn: Connection, hashed: str, username: str) -> None:
    execute(conn, "DELETE FROM user_sessions WHERE token_hash = :h AND username = :u", h=hashed, u=username)


def end_others(conn: Connection, username: str, keep_hash: str | None) -> int:
    """Delete the user's sessions but the one of keep_hash (None: all). Returns how many ended."""
    result = execute(conn, "DELETE FROM user_sessions WHERE username = :u AND token_hash <> :keep",
                     u=username, keep=keep_hash or "")
    return result.rowcount


def live_sessions(username: str, now: datetime) -> list[dict]:
    """The user's live sessions, most recently seen first."""
    return fetch_all(
        """SELECT token_hash, created_at, last_seen_at, user_agent FROM user_sessions
            WHERE username = :u AND expires_at > :now ORDER BY last_seen_at DESC, created_at DESC""",
        u=username, now=now)
