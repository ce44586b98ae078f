"""Login sessions: the cookie carries a random token; only its SHA-256 is stored (db.sessions), with a sliding
expiry. For the pages and ui/ that log in, out and list devices."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from ua_parser import parse as parse_agent

from db import sessions as sql
from db.engine import transactional

SESSION_DAYS = 14
SLIDE_AFTER = timedelta(hours=1)  # refresh the expiry at most hourly, so a page view is not a write
USER_AGENT_MAX = 255  # the column's length


def token_hash(token: str) -> str:
    """The stored form of a token. Anything but valid text (a cookie is always text) hashes to a value no
    token has, so it finds no session."""
    if not isinstance(token, str):
        token = repr(token)
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@transactional
def create_session(conn, actor: str, user_agent: str | None = None, now: datetime | None = None) -> str:
    """Start a session for `actor` (already authenticated) and return the token for the cookie."""
    now = now or datetime.now()
    token = secrets.token_urlsafe(32)
    sql.insert(conn, token_hash(token), actor, now, now + timedelta(days=SESSION_DAYS),
               (user_agent or "")[:USER_AGENT_MAX] or None)
    return token


def user_for_token(token: str, now: datetime | None = None) -> dict | None:
    """The user a live token belongs to, sliding its expiry when it was last seen long ago."""
    now = now or datetime.now()
    row = sql.live_user(token_hash(token), now)
    if row is None:
        return None
    if now - row["last_seen_at"] > SLIDE_AFTER:
        _slide(row["username"], token_hash(token), now)
    return {k: row[k] for k in ("username", "firstname", "lastname", "email", "role", "must_change_password")}


@transactional
def _slide(conn, actor: str, hashed: str, now: datetime) -> None:
    sql.slide(conn, hashed, now, now + timedelta(days=SESSION_DAYS))


@transactional
def revoke_session(conn, actor: str, token: str) -> None:
    sql.delete(conn, token_hash(token), actor)


@transactional
def revoke_other_sessions(conn, actor: str, keep_token: str | None) -> int:
    """Log out everywhere else (keep_token None: everywhere). Returns how many sessions ended."""
    return sql.end_others(conn, actor, token_hash(keep_token) if keep_token else None)


def describe_agent(user_agent: str | None) -> dict[str, str]:
    """Browser, system and device of a User-Agent header, in words ("Firefox 133", "Windows 10", "Desktop"),
    by ua-parser's maintained rules (browsers change their strings too often for our own regexes). What it
    cannot read is said plainly rather than guessed."""
    found = parse_agent(user_agent or "")
    agent, system, device = found.user_agent, found.os, found.device

    def named(part, fallback: str, minor: bool = False) -> str:
        if part is None or part.family in (None, "Other"):
            return fallback
        version = ".".join(str(x) for x in (part.major, part.minor if minor else None) if x)
        return f"{part.family} {version}".strip()

    if device is None or device.family in (None, "Other"):
        kind = "Desktop" if system is not None and system.family in ("Windows", "Mac OS X", "Linux", "Ubuntu",
                                                                    "Chrome OS", "Fedora") else "Unknown device"
    else:
        kind = " ".join(dict.fromkeys(x for x in (device.brand, device.model or device.family) if x))
    return {"browser": named(agent, "Unknown browser"), "system": named(system, "unknown system", minor=True),
            "device": kind}


def active_sessions(username: str, current_token: str | None, now: datetime | None = None) -> list[dict]:
    """The user's live sessions, newest first, for the profile page: created_at, last_seen_at, the raw
    user_agent with its browser, system and device in words, and is_current (never the hash itself, so
    nothing a page could leak)."""
    current = token_hash(current_token) if current_token else None
    return [{"created_at": r["created_at"], "last_seen_at": r["last_seen_at"], "user_agent": r["user_agent"],
             **describe_agent(r["user_agent"]), "is_current": r["token_hash"] == current}
            for r in sql.live_sessions(username, now or datetime.now())]
