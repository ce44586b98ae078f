"""Widgets for watching: the upcoming-episodes list (Progress, Home, Calendar), the "Log a watch" dialog of a
film (its page and its card), a diary date, and the message after a series write."""
from __future__ import annotations

from datetime import date

import streamlit as st

from core import watching
from db import reviews
from db.errors import DataRuleError
from ui.cards import MEDIA_PAGE, md
from ui.forms import submit_once
from ui.session import after_rerun

CALENDAR_PAGE = "app_pages/calendar.py"
DIARY_PAGE = "app_pages/diary.py"


def day_text(value) -> str:
    """'Fri 5 Dec 2026', or 'date unknown' for a watch logged without one."""
    return f"{value:%a} {value.day} {value:%b %Y}" if value else "date unknown"


def viewing_text(viewing) -> str:
    """'' for a first watch, 'rewatch', 'rewatch 2', ..."""
    viewing = int(viewing or 1)
    return "" if viewing <= 1 else "rewatch" if viewing == 2 else f"rewatch {viewing - 1}"


def upcoming_list(rows: list[dict], limit: int | None = None) -> None:
    """Episodes airing soon, one line each linking to the series: 'Fri 5 Dec · Panchayat · S5E1 · title'."""
    for row in rows[:limit] if limit else rows:
        when = "Today" if row["air_date"] == date.today() else f"{row['air_date']:%a} {row['air_date'].day} " \
                                                               f"{row['air_date']:%b}"
        st.page_link(MEDIA_PAGE, label=f"{when} · {md(row['series'])} · {row['code']} · {md(row['title'])}",
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
    extra = f" Your rating was {done['review']}." if done["review"] else ""
    return f"Logged {kind} of '{done['title']}' in your diary.{extra}"


@st.dialog("Log a watch")
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
                            help="Saved as your review of this title, with the rating.")
        spoilers = st.checkbox("Contains spoilers", key=f"log_spoilers_{media_id}")
        error = st.empty()
        submitted = st.form_submit_button("Log it", type="primary", icon=":material/check:")
    if not submitted:
        return
    try:
        done = submit_once(f"log_watch_{media_id}", lambda: watching.log_film(
            me, media_id, None if unknown else day, rating, text, spoilers))
    except DataRuleError as exc:
        error.error(md(exc), icon=":material/error:")
        return
    after_rerun(film_message(done))
    st.rerun()
