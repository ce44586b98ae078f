"""Login sessions: the cookie carries a random token; only its SHA-256 is stored, with a sliding expiry."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from db.core import execute, fetch_all, fetch_one, transactional

SESSION_DAYS = 14
SLIDE_AFTER = timedelta(hours=1)  # refresh the expiry at most hourly, so a page view is not a write


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transactional
def create_session(conn, actor: str, user_agent: str | None = None, now: datetime | None = None) -> str:
    """Start a session for `actor` (already authenticated) and return the token for the cookie."""
    now = now or datetime.now()
    token = secrets.token_urlsafe(32)
    execute(conn, """INSERT INTO user_sessions (token_hash, username, created_at, last_seen_at, expires_at, user_agent)
                     VALUES (:h, :u, :now, :now, :exp, :ua)""",
            h=token_hash(token), u=actor, now=now, exp=now + timedelta(days=SESSION_DAYS),
            ua=(user_agent or "")[:255] or None)
    return token


def user_for_token(token: str, now: datetime | None = None) -> dict | None:
    """The user a live token belongs to (one query), sliding its expiry when it was last seen long ago.
    A locked account has no live session, whichever way locked_until was set (the Users page, the table
    editor, SQL); a deleted one has no session rows left (cascade)."""
    now = now or datetime.now()
    row = fetch_one(
        """SELECT u.username, u.firstname, u.lastname, u.email, u.role, u.must_change_password,
                  s.last_seen_at, s.expires_at
             FROM user_sessions s JOIN users u ON u.username = s.username
            WHERE s.token_hash = :h AND s.expires_at > :now
              AND (u.locked_until IS NULL OR u.locked_until <= :now)""",
        h=token_hash(token), now=now)
    if row is None:
        return None
    if now - row["last_seen_at"] > SLIDE_AFTER:
        _slide(row["username"], token_hash(token), now)
    return {k: row[k] for k in ("username", "firstname", "lastname", "email", "role", "must_change_password")}


@transactional
def _slide(conn, actor: str, hashed: str, now: datetime) -> None:
    execute(conn, "UPDATE user_sessions SET last_seen_at = :now, expires_at = :exp WHERE token_hash = :h",
            now=now, exp=now + timedelta(days=SESSION_DAYS), h=hashed)


@transactional
def revoke_session(conn, actor: str, token: str) -> None:
    execute(conn, "DELETE FROM user_sessions WHERE token_hash = :h AND username = :u", h=token_hash(token), u=actor)


@transactional
def revoke_other_sessions(conn, actor: str, keep_token: str | None) -> int:
    """Log out everywhere else (keep_token None: everywhere). Returns how many sessions ended."""
    return end_other_sessions(conn, actor, keep_token)


def end_other_sessions(conn, username: str, keep_token: str | None) -> int:
    """The delete behind revoke_other_sessions, for writes that must do it in their own transaction
    (a password change)."""
    result = execute(conn, "DELETE FROM user_sessions WHERE username = :u AND token_hash <> :keep",
                     u=username, keep=token_hash(keep_token) if keep_token else "")
    return result.rowcount


def active_sessions(username: str, current_token: str | None, now: datetime | None = None) -> list[dict]:
    """The user's live sessions, newest first, for the profile page: created_at, last_seen_at, user_agent
    and is_current (never the hash itself, so nothing a page could leak)."""
    rows = fetch_all(
        """SELECT token_hash, created_at, last_seen_at, user_agent FROM user_sessions
            WHERE username = :u AND expires_at > :now ORDER BY last_seen_at DESC, created_at DESC""",
        u=username, now=now or datetime.now())
    current = token_hash(current_token) if current_token else None
    return [{"created_at": r["created_at"], "last_seen_at": r["last_seen_at"], "user_agent": r["user_agent"],
             "is_current": r["token_hash"] == current} for r in rows]
