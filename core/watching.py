"""Watching: every watch of a film or an episode is an event in the viewer's diary, with a date (or "I don't
remember when") and the viewing it belongs to (first watch, rewatch 1, 2, ...).

The rules live here: dates from 1888 up to now; a film logged again is a rewatch; a series is marked episode
by episode, a season at once, or up to an episode; "Rewatch this series" starts a new viewing; the watchlist
follows (first watch: watching; every aired regular episode of the current viewing: completed; nothing left:
back to plan to watch). series_progress follows the events through the triggers of migration 0004.

Each write is one transaction with a fixed number of statements, whatever the length of the series.
"""
from __future__ import annotations

from datetime import date, datetime, time

from core import reviews
from core.validation import whole_number
from core.watchlist import set_status_in
from db import watch_events as events
from db.engine import lock_title_ratings, transactional
from db.errors import DataRuleError

# The reads of watch events the pages show (the diary, the calendar, the feed, a title's own watches).
mine_for_title = events.mine_for_title
diary_summary = events.diary_summary
diary_page = events.diary_page
upcoming = events.upcoming
friends_activity = events.friends_activity

EARLIEST = date(1888, 1, 1)
# A second "Log a watch" of the same film for the same day this soon after the first is the same click.
DOUBLE_CLICK_SECONDS = 10


def watched_at(value, now: datetime | None = None) -> datetime | None:
    """The stored moment for a watch on `value` (a date; None: the date is unknown). Today's watch is now;
    an earlier day's is noon of that day (the diary shows days). Refuses the future and dates before 1888."""
    if value is None:
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        raise DataRuleError(f"“{str(value)[:40]}” is not a date: choose a day from the calendar, or tick "
                            "“I don't remember when”.")
    now = (now or datetime.now()).replace(microsecond=0)
    if day > now.date():
        raise DataRuleError(f"{day:%d %b %Y} is in the future: log a watch once it has happened.")
    if day < EARLIEST:
        raise DataRuleError(f"{day:%d %b %Y} is before 1888, when the first film was made: choose a later day, "
                            "or tick “I don't remember when”.")
    if isinstance(value, datetime):
        return min(value.replace(microsecond=0), now)
    return now if day == now.date() else datetime.combine(day, time(12))


def _title(conn, actor: str, media_id, episode_id=None) -> dict:
    if isinstance(media_id, bool) or not isinstance(media_id, int):
        raise DataRuleError("That is not a title id.")
    if episode_id is not None:
        episode_id = whole_number(episode_id)
        if episode_id is None:
            raise DataRuleError("Choose an episode of this series from the list.")
    state = events.title_state(conn, actor, media_id, episode_id)
    if state is None:
        raise DataRuleError(f"There is no title with id {media_id} (it may have been deleted).")
    return state


def _series(conn, actor: str, media_id, episode_id=None) -> dict:
    state = _title(conn, actor, media_id, episode_id)
    if state["media_type"] != "Series":
        raise DataRuleError(f"'{state['title']}' is a film: it has no episodes. Log a watch of it instead.")
    if episode_id is not None and state["episode_id"] is None:
        raise DataRuleError("That episode does not belong to this title (it may have been deleted).")
    return state


def _follow(conn, actor: str, state: dict, started: bool = False) -> dict:
    """Move the watchlist status after a change to a series' events; returns the counts for the message."""
    now = events.series_state(conn, actor, state["media_id"], date.today())
    status = state["status"]
    if now["current_viewing"] is None:  # nothing of the series is left in the diary
        target = "plan_to_watch" if status in ("watching", "completed") else status
    elif now["counted"] and now["watched"] >= now["counted"]:
        target = "completed"
    elif (now["watched"] or started) and status in (None, "plan_to_watch", "completed"):
        target = "watching"
    else:
        target = status
    if target != status:
        set_status_in(conn, actor, state["media_id"], target)
    return {"completed": target == "completed" and status != "completed", "status": target,
            "watched": now["watched"] or 0, "counted": now["counted"], "viewing": now["current_viewing"]}


@transactional
def set_episode(conn, actor: str, media_id: int, episode_id: int, watched: bool = True, on=None) -> dict:
    """Tick (watched=True) or untick one episode in the current viewing; ticking twice adds one event.
    Returns {code, title, watched, completed, ...} for the message."""
    when = watched_at(date.today() if on is None else on)
    state = _series(conn, actor, media_id, episode_id)
    viewing = state["current_viewing"] or 1
    if watched:
        events.add_episodes(conn, actor, media_id, viewing, when, "episode", e=episode_id)
    else:
        events.remove_episodes(conn, actor, media_id, viewing, "episode", e=episode_id)
    return {"code": state["code"], "title": state["episode_title"], "ticked": watched,
            **_follow(conn, actor, state)}


@transactional
def set_season(conn, actor: str, media_id: int, season: int, watched: bool = True) -> dict:
    """Tick or untick every episode of a season in the current viewing."""
    if isinstance(season, bool) or not isinstance(season, int) or not 0 <= season <= 100:
        raise DataRuleError("A season is a number from 0 (specials) to 100.")
    state = _series(conn, actor, media_id)
    viewing = state["current_viewing"] or 1
    if watched:
        changed = events.add_episodes(conn, actor, media_id, viewing, watched_at(date.today()), "season", s=season)
    else:
        changed = events.remove_episodes(conn, actor, media_id, viewing, "season", s=season)
    return {"season": season, "changed": changed, "ticked": watched, **_follow(conn, actor, state)}


@transactional
def mark_up_to(conn, actor: str, media_id: int, episode_id: int) -> dict:
    """"Watched up to here": the regular episodes up to this one are watched in the current viewing and
    those after it are not (so choosing an earlier episode goes back). This one is dated today, the earlier
    ones newly marked have an unknown date (catching up). A special (season 0) is ticked alone.
    Returns {code, title, completed} for the message."""
    state = _series(conn, actor, media_id, episode_id)
    viewing, when = state["current_viewing"] or 1, watched_at(date.today())
    if state["season_number"] == 0:
        events.add_episodes(conn, actor, media_id, viewing, when, "episode", e=episode_id)
    else:
        upto = {"upto_season": state["season_number"], "upto_number": state["episode_number"]}
        events.add_episodes(conn, actor, media_id, viewing, when, "up_to", dated=episode_id, **upto)
        events.remove_episodes(conn, actor, media_id, viewing, "after", **upto)
    return {"code": state["code"], "title": state["episode_title"], **_follow(conn, actor, state)}


@transactional
def start_rewatch(conn, actor: str, media_id: int) -> int:
    """Begin the next viewing of a series: progress starts again from nothing, the earlier viewing stays in
    the diary, the watchlist says watching. Returns the new viewing number (2 = first rewatch)."""
    state = _series(conn, actor, media_id)
    if state["current_viewing"] is None:
        raise DataRuleError(f"You have not watched any episode of '{state['title']}' yet: there is nothing to "
                            "rewatch.")
    now = events.series_state(conn, actor, media_id, date.today())
    if not now["watched"]:
        raise DataRuleError(f"You are already at the start of viewing {state['current_viewing']} of "
                            f"'{state['title']}': mark episodes as you watch them.")
    events.start_viewing(conn, actor, media_id)
    if state["status"] != "watching":
        set_status_in(conn, actor, media_id, "watching")
    return state["current_viewing"] + 1


@transactional
def forget_series(conn, actor: str, media_id: int) -> None:
    """Stop tracking a series: its episode events and progress go (the watchlist entry and ratings stay)."""
    removed = events.forget_series(conn, actor, media_id) + events.drop_progress_row(conn, actor, media_id)
    if not removed:
        raise DataRuleError("You have no progress on that title (any more).")


@transactional
def log_film(conn, actor: str, media_id: int, on=None, rating=None, review: str | None = "",
             spoilers: bool = False) -> dict:
    """Log a watch of a film on the day `on` (None: unknown), with an optional rating and review saved in
    the same transaction. A film seen before makes a rewatch. The same film for the same day logged again
    within seconds (a double click) is the same watch. The watchlist says completed.
    Returns {event_id, viewing, rewatch, review: None | "added" | "updated", duplicate}."""
    when = watched_at(on)
    # A rating, a review or both are saved as the title's review; with neither, the watch is logged alone.
    reviewed = rating is not None or bool((review or "").strip())
    if reviewed:
        reviews.validate(rating, review, spoilers)
        # The title first, as every rating write takes it: the watch event's insert below would otherwise
        # hold a shared lock on it (its foreign key) and two people logging it at once deadlocked asking for
        # the exclusive lock the rating needs.
        lock_title_ratings(conn, media_id)
    state = _title(conn, actor, media_id)
    if state["media_type"] != "Movie":
        raise DataRuleError(f"'{state['title']}' is a series: mark its episodes as watched instead.")
    duplicate = events.recent_duplicate(conn, actor, media_id, when, DOUBLE_CLICK_SECONDS)
    if duplicate is not None:
        return {"event_id": duplicate, "viewing": state["film_viewings"], "rewatch": state["film_viewings"] > 1,
                "review": None, "duplicate": True, "title": state["title"]}
    viewing = state["film_viewings"] + 1
    event_id = events.add_film(conn, actor, media_id, viewing, when)
    outcome = reviews.save_review_in(conn, actor, media_id, rating, review, spoilers) if reviewed else None
    if state["status"] != "completed":
        set_status_in(conn, actor, media_id, "completed")
    return {"event_id": event_id, "viewing": viewing, "rewatch": viewing > 1, "review": outcome,
            "duplicate": False, "title": state["title"]}


def _own_event(conn, actor: str, event_id) -> dict:
    found = events.event_for_update(conn, event_id) if isinstance(event_id, int) else None
    if found is None or found["username"] != actor:  # another's entry is answered as a missing one
        raise DataRuleError("That diary entry no longer exists (it may have been deleted).")
    return found


@transactional
def edit_date(conn, actor: str, event_id: int, on) -> None:
    """Change the day of one of the actor's diary entries (None: unknown)."""
    when = watched_at(on)
    _own_event(conn, actor, event_id)
    events.set_date(conn, event_id, when)


@transactional
def delete_entry(conn, actor: str, event_id: int) -> dict:
    """Delete one of the actor's diary entries. A film's later watches move up one (rewatch 2 becomes 1);
    an episode's progress and the watchlist follow."""
    found = _own_event(conn, actor, event_id)
    state = _title(conn, actor, found["media_id"])
    events.delete_event(conn, event_id)
    if found["episode_id"] is not None:
        return {"title": found["title"], **_follow(conn, actor, state)}
    events.renumber_films(conn, actor, found["media_id"], found["viewing"])
    if state["film_viewings"] == 1 and state["status"] == "completed":
        set_status_in(conn, actor, found["media_id"], "plan_to_watch")
    return {"title": found["title"]}
