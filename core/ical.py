"""The iCal feed of a viewer's upcoming episodes: a secret URL per user, stored hashed, and the RFC 5545
calendar it serves (all-day events "Series · S2E5 · Episode title"). Written by hand: the format is small,
and the tests read it back with the icalendar library."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, date, datetime, timedelta

from db import calendar_feeds
from db import watch_events as events
from db.engine import transactional

created_at = calendar_feeds.created_at  # when the viewer's feed address was made (None: no feed)

ROUTE = "streamsync/ical"  # the feed is at /<baseUrlPath>/streamsync/ical/<secret>.ics
SECRET_BYTES = 32
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")  # token_urlsafe(32): 43 URL-safe base64 characters
FEED_EPISODES = 500


def hash_secret(secret: str) -> str:
    """The stored form of a secret; anything but ASCII text hashes to a value no secret has."""
    raw = secret.encode("ascii") if isinstance(secret, str) and secret.isascii() else repr(secret).encode("utf-8",
                                                                                                      "replace")
    return hashlib.sha256(raw).hexdigest()


@transactional
def regenerate(conn, actor: str) -> str:
    """A new feed secret for the actor (the old URL stops working). Returns the secret: it is shown once."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    calendar_feeds.set_secret(conn, actor, hash_secret(secret))
    return secret


@transactional
def revoke(conn, actor: str) -> bool:
    """Stop the actor's feed; False when there was none."""
    return calendar_feeds.revoke(conn, actor) > 0


def feed_path(secret: str, base_url_path: str = "") -> str:
    base_url_path = base_url_path if isinstance(base_url_path, str) else ""
    base = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""
    return f"{base}/{ROUTE}/{secret}.ics"


def feed_for_secret(secret: str, today: date | None = None) -> str | None:
    """The calendar for the owner of `secret`, or None for a malformed, unknown or revoked one (the caller
    answers 404 either way, so the answer says nothing about which users exist)."""
    if not isinstance(secret, str) or not SECRET_PATTERN.fullmatch(secret):
        return None
    owner = calendar_feeds.owner(hash_secret(secret))
    if owner is None:
        return None
    return calendar(events.upcoming(owner, today or date.today(), FEED_EPISODES))


def _text(value: str) -> str:
    """TEXT escaping of RFC 5545 section 3.3.11."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space (section 3.1), never inside a character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def summary(row: dict) -> str:
    return f"{row['series']} · {row['code']} · {row['title']}"


def calendar(rows: list[dict], now: datetime | None = None) -> str:
    """An RFC 5545 calendar with one all-day event per episode."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//StreamSync//Upcoming episodes//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:StreamSync: upcoming episodes"]
    for row in rows:
        aired: date = row["air_date"]
        lines += ["BEGIN:VEVENT", f"UID:episode-{row['episode_id']}@streamsync", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{aired:%Y%m%d}", f"DTEND;VALUE=DATE:{aired + timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{_text(summary(row))}", "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
