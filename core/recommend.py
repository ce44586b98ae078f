"""Recommended for you: what to suggest (db.recommend's one statement) and why, in one line per title."""
from __future__ import annotations

from db import recommend as sql

LIMIT = 12
MIN_RATINGS = 3  # "Popular" and "Top rated" need this many ratings, so one 10/10 does not top the list
POPULAR_REASON = "Popular on StreamSync"


def reason(because_genre: str | None, because_person: str | None) -> str:
    """"Because you rated Drama and Nawazuddin Siddiqui highly", or the popular fallback."""
    liked = " and ".join(name for name in (because_genre, because_person) if name)
    return f"Because you rated {liked} highly" if liked else POPULAR_REASON


def for_user(username: str, limit: int = LIMIT) -> list[dict]:
    """Titles the user has not listed, rated or started, each with a `reason` (one query)."""
    rows = sql.recommendations(username, limit=limit, min_ratings=MIN_RATINGS)
    for row in rows:
        row["reason"] = reason(row["because_genre"], row["because_person"])
    return rows
