"""Widgets for watching: the upcoming-episodes list (Progress, Home, Calendar), the "Log a watch" dialog of a
film (its page and its card), a diary date, and the message after a series write."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import groupby

import streamlit as st

from core import reviews, watching
from core.errors import DataRuleError, PermissionDenied
from ui import navigation
from ui.cards import md, media_page, stars
from ui.feedback import attempt, confirm_button, error_beside
from ui.forms import submit_once
from ui.session import after_rerun

CALENDAR_PAGE = navigation.path("calendar")
DIARY_PAGE = navigation.path("diary")


def day_text(value) -> str:
    """'Fri 5 Dec 2026', or 'date unknown' for a watch logged without one."""
    return f"{value:%a} {value.day} {value:%b %Y}" if value else "date unknown"


def viewing_text(viewing) -> str:
    """'' for a first watch, 'rewatch', 'rewatch 2', ..."""
    viewing = int(viewing or 1)
    return "" if viewing <= 1 else "rewatch" if viewing == 2 else f"rewatch {viewing - 1}"


def _save_date(me: str, event_id: int, label: str) -> None:
    day = st.session_state[f"edit_day_{event_id}"]
    unknown = st.session_state[f"edit_unknown_{event_id}"]
    attempt(watching.edit_date, me, event_id, None if unknown or day is None else day,
            success=f"{label}: date saved.", where=f"edit_watch_{event_id}")


def entry_controls(me: str, entry: dict, label: str) -> None:
    """Edit the day of one diary entry, or delete it (title page and Diary)."""
    event_id = entry["event_id"]
    with st.popover("Edit date", icon=":material/edit_calendar:"), st.form(f"edit_watch_{event_id}", border=False):
        st.date_input("Watched on", value=entry["watched_at"].date() if entry["watched_at"] else None,
                      min_value=watching.EARLIEST, max_value=date.today(), format="DD/MM/YYYY",
                      key=f"edit_day_{event_id}")
        st.checkbox("I don't remember when", value=entry["watched_at"] is None, key=f"edit_unknown_{event_id}")
        st.form_submit_button("Save date", key=f"edit_save_{event_id}", on_click=_save_date,
                              args=(me, event_id, label))
    error_beside(f"edit_watch_{event_id}")
    confirm_button("Delete", f"delete_watch_{event_id}", f"Delete {md(label)} from your diary?",
                   lambda: attempt(watching.delete_entry, me, event_id, success=f"{label}: deleted from your diary.",
                                   where=f"delete_watch_{event_id}"),
                   confirm_label="Yes, delete it")


def upcoming_list(rows: list[dict], limit: int | None = None) -> None:
    """Episodes airing soon, one line each linking to the series: 'Fri 5 Dec · Panchayat · S5E1 · title'."""
    for row in rows[:limit] if limit else rows:
        when = "Today" if row["air_date"] == date.today() else f"{row['air_date']:%a} {row['air_date'].day} " \
                                                               f"{row['air_date']:%b}"
        st.page_link(media_page(), label=f"{when} · {md(row['series'])} · {row['code']} · {md(row['title'])}",
                     query_params={"id": str(row["media_id"])}, icon=":material/event:")


def upcoming_block(rows: list[dict], limit: int = 5) -> None:
    """The "Upcoming" block of Progress and Home."""
    st.subheader("Upcoming")
    if not rows:
        st.caption("No announced episodes of the series you follow. Add series to your watchlist to see their "
                   "new episodes here and in the Calendar.")
        return
    upcoming_list(rows, limit)
    more = f"All {len(rows)} on the Calendar" if len(rows) > limit else "Calendar and iCal feed"
    st.page_link(CALENDAR_PAGE, label=more, icon=":material/calendar_month:")


def _feed_key(row: dict):
    """A friend's episodes of one series (same day: the caller groups by day) make one entry."""
    if row["kind"] == "watch" and row["code"]:
        return ("episodes", row["username"], row["media_id"])
    return (row["kind"], row["item_id"])


def feed_entries(rows: list[dict]) -> None:
    """Friends' watches, ratings and reviews (newest first), as on the Feed page and Home. Review text is
    shown as text (never Markdown); a spoiler stays in a closed expander until clicked."""
    for key, entry in groupby(rows, key=_feed_key):
        entry = list(entry)
        row = entry[0]
        who = f"**{md(row['username'])}**"
        with st.container(border=True):
            if key[0] == "episodes":
                codes = f"{entry[-1]['code']}–{entry[0]['code']}" if len(entry) > 1 else row["code"]
                count = f" ({len(entry)} episodes)" if len(entry) > 1 else f" · {md(row['episode_title'])}"
                st.markdown(f"{who} watched {codes}{count} of")
            elif row["kind"] == "watch":
                again = viewing_text(row["viewing"])
                st.markdown(f"{who} watched" + (f" ({again})" if again else ""))
            else:
                if row["rating"] is None:  # a review written without stars
                    st.markdown(f"{who} reviewed")
                else:
                    st.markdown(f"{who} rated {stars(row['rating'])}" + (" and reviewed" if row["review_text"] else ""))
            st.page_link(media_page(), label=f"{md(row['title'])} ({row['release_year'] or '?'})",
                         query_params={"id": str(row["media_id"])})
            st.caption(f"{row['at']:%d %b %Y, %H:%M}")
            if row["kind"] == "review":
                if row["review_text"] is None:
                    st.caption(":material/visibility_off: A moderator hid this review's text.")
                elif row["review_text"] and row["contains_spoilers"]:
                    with st.expander("Contains spoilers: click to read"):
                        st.text(row["review_text"])
                elif row["review_text"]:
                    st.text(row["review_text"])


def series_message(done: dict) -> str:
    """The toast after ticking or unticking an episode or a season."""
    what = f"{done['code']} · {done['title']}" if "code" in done else f"Season {done['season']}"
    verb = "Marked" if done["ticked"] else "Unmarked"
    tail = " The series is now completed in your watchlist." if done["completed"] else ""
    return f"{verb} {what} as watched.{tail}"


def film_message(done: dict) -> str:
    if done["duplicate"]:
        return f"That watch of '{done['title']}' is already in your diary."
    kind = f"a {viewing_text(done['viewing'])}" if done["rewatch"] else "a watch"
    extra = f" Your review was {done['review']}." if done["review"] else ""
    return f"Logged {kind} of '{done['title']}' in your diary.{extra}"


OPEN_DIALOG = "log_watch_open"  # the film whose "Log a watch" dialog is open, kept across its reruns


def _open(media_id: int) -> None:
    st.session_state[OPEN_DIALOG] = media_id


def _dismissed() -> None:
    st.session_state.pop(OPEN_DIALOG, None)


def log_watch_button(me: str, row: dict, key: str, label: str = "Log a watch", **style) -> None:
    """The "Log a watch" button of a film (its page, its card) and, while it is open, its dialog."""
    st.button(label, key=key, icon=":material/add_task:", on_click=_open, args=(row["media_id"],), **style)
    if st.session_state.get(OPEN_DIALOG) == row["media_id"]:
        log_watch_dialog(me, row["media_id"], row["title"], row.get("my_rating"))


def card_log_dialog(me: str) -> Callable[[dict], None]:
    """For a grid of cards (ui.card_grid): the "Log a watch" dialog of the film whose card's "Log" was
    clicked."""
    return lambda row: log_watch_dialog(me, row["media_id"], row["title"], row.get("my_rating"))


@st.dialog("Log a watch", on_dismiss=_dismissed)
def log_watch_dialog(me: str, media_id: int, title: str, my_rating: int | None = None) -> None:
    """Date (today by default, or unknown), an optional rating and review; saved in one transaction. A
    double click logs once; a refusal shows beside the form and keeps what was typed."""
    st.markdown(f"**{md(title)}**")
    with st.form(f"log_watch_{media_id}", border=False):
        day = st.date_input("Watched on", value=date.today(), min_value=watching.EARLIEST, max_value=date.today(),
                            format="DD/MM/YYYY", key=f"log_day_{media_id}")
        unknown = st.checkbox("I don't remember when", key=f"log_unknown_{media_id}")
        rating = st.number_input("Rating (optional, 1-10)", min_value=1, max_value=10, step=1, value=my_rating,
                                 placeholder="No rating", key=f"log_rating_{media_id}")
        text = st.text_area("Review (optional)", key=f"log_review_{media_id}", max_chars=reviews.MAX_TEXT,
                            help="Saved as your review of this title, with the rating if you gave one.")
        spoilers = st.checkbox("Contains spoilers", key=f"log_spoilers_{media_id}")
        error = st.empty()
        submitted = st.form_submit_button("Log it", type="primary", icon=":material/check:")
    if not submitted:
        return
    try:
        done = submit_once(f"log_watch_{media_id}", lambda: watching.log_film(
            me, media_id, None if unknown else day, rating, text, spoilers))
    except (DataRuleError, PermissionDenied) as exc:
        error.error(md(exc), icon=":material/error:")
        return
    _dismissed()
    after_rerun(film_message(done))
    st.rerun()
