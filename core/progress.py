"""Series progress: "watched up to this episode", per user and series; the watchlist follows in the same
transaction (the last episode marks the title completed)."""
from __future__ import annotations

from core.watchlist import set_status_in
from db import progress as sql
from db.engine import transactional
from db.errors import NotFound

for_user = sql.for_user


@transactional
def mark_watched_up_to(conn, actor: str, media_id: int, episode_id: int) -> dict:
    """Record that `actor` watched `media_id` up to `episode_id`. The watchlist follows in the same
    transaction: the last episode marks the title completed; otherwise an absent or plan_to_watch entry
    becomes watching. Returns {code, title, completed} for the confirmation message."""
    episode = sql.episode_to_mark(conn, actor, media_id, episode_id)
    if episode is None:
        raise NotFound("That episode does not belong to this title (it may have been deleted).")
    sql.upsert(conn, actor, media_id, episode_id)
    completed = bool(episode["is_last"])
    if completed:
        set_status_in(conn, actor, media_id, "completed")
    elif episode["status"] in (None, "plan_to_watch"):
        set_status_in(conn, actor, media_id, "watching")
    return {"code": episode["code"], "title": episode["title"], "completed": completed}


@transactional
def remove(conn, actor: str, media_id: int) -> None:
    """Forget the actor's progress on a series (the watchlist entry stays)."""
    if not sql.delete(conn, actor, media_id):
        raise NotFound("You have no progress on that title (any more).")
