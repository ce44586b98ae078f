"""Calendar-feed secrets: one per user, stored as its SHA-256 (the URL itself is shown once, never kept)."""
from __future__ import annotations

from db.engine import execute, scalar


def set_secret(conn, username: str, secret_hash: str) -> None:
    """Replace the user's feed secret (the old URL stops working at once)."""
    execute(conn, """INSERT INTO calendar_feeds (username, secret_hash) VALUES (:u, :h)
                     ON DUPLICATE KEY UPDATE secret_hash = :h, created_at = NOW()""", u=username, h=secret_hash)


def revoke(conn, username: str) -> int:
    return execute(conn, "DELETE FROM calendar_feeds WHERE username = :u", u=username).rowcount


def created_at(username: str):
    """When the user's current feed URL was made, or None when they have none."""
    return scalar("SELECT created_at FROM calendar_feeds WHERE username = :u", u=username)


def owner(secret_hash: str) -> str | None:
    """Whose feed secret hashes to secret_hash (the unique index answers it); none for a locked account, whose
    feed stops answering with its sessions."""
    return scalar("""SELECT f.username FROM calendar_feeds f JOIN users u ON u.username = f.username
                      WHERE f.secret_hash = :h AND (u.locked_until IS NULL OR u.locked_until <= NOW())""",
                  h=secret_hash)
