"""Diary: my watches by month, films and episodes (a series' episodes of one day in one entry), filtered by
year and kind (in the URL: ?year=2025&kind=films, year=unknown for the watches without a date), with counts
at the top; each entry links to its title and is edited or deleted in place. Three statements per render
with the session check: the counts, and one page of entries."""
from __future__ import annotations

from itertools import groupby

import streamlit as st

from core import watching
from ui import cards
from ui.layout import page_header, signed_in_user
from ui.watching import day_text, entry_controls, viewing_text

PER_PAGE = 60
PAGE_KEY = "diary_page"
KIND_LABELS = {"all": "Films and episodes", "films": "Films", "episodes": "Episodes"}
UNKNOWN = "unknown"

user = signed_in_user()
me = user["username"]
page_header("Diary", "Every film and episode you watched, by month; rewatches marked. Edit a date or delete an "
            "entry in place.")

summary = watching.diary_summary(me)
films = sum(r["films"] for r in summary)
episodes = sum(r["episodes"] for r in summary)
cols = st.columns(4)
cols[0].metric("Watches", f"{films + episodes:,}")
cols[1].metric("Films", f"{films:,}")
cols[2].metric("Episodes", f"{episodes:,}")
cols[3].metric("Years", len([r for r in summary if r["year"]]))
if not summary:
    st.info("Your diary is empty. Log a watch on a film's page, or tick the episodes you have seen on a series' "
            "page: each one lands here with its date.", icon=":material/book:")
    st.page_link(cards.explore_page(), label="Find something on Explore", icon=":material/search:")
    st.stop()

# --- filters, kept in the URL ---------------------------------------------------------------------------------
years = [str(r["year"]) if r["year"] else UNKNOWN for r in summary]
wanted_year = st.query_params.get("year", years[0])
wanted_kind = st.query_params.get("kind", "all")
year_choice = wanted_year if wanted_year in years else years[0]
kind_choice = wanted_kind if wanted_kind in KIND_LABELS else "all"


def per_year(option: str) -> str:
    row = summary[years.index(option)]
    label = "Date unknown" if option == UNKNOWN else option
    return f"{label} ({row['films'] + row['episodes']:,})"


def refilter() -> None:
    st.query_params["year"] = st.session_state["diary_year"]
    st.query_params["kind"] = st.session_state["diary_kind"]
    cards.reset_page(PAGE_KEY)


left, right = st.columns([1, 2])
left.selectbox("Year", years, index=years.index(year_choice), format_func=per_year, key="diary_year",
               on_change=refilter)
right.segmented_control("Kind", list(KIND_LABELS), default=kind_choice, format_func=KIND_LABELS.get,
                        key="diary_kind", on_change=refilter)
if wanted_year not in years or wanted_kind not in KIND_LABELS:
    st.caption("That year or kind in the address has no entries; showing the latest year instead.")

# --- one page of entries, by month ----------------------------------------------------------------------------
year = None if year_choice == UNKNOWN else int(year_choice)
page = cards.page_number(PAGE_KEY)
rows, total = watching.diary_page(me, year, kind_choice, PER_PAGE, (page - 1) * PER_PAGE)
if not rows and page > 1:  # entries were deleted meanwhile: back to the first page
    cards.reset_page(PAGE_KEY)
    st.rerun()
if not rows:
    st.info(f"No {KIND_LABELS[kind_choice].lower()} in {per_year(year_choice).split(' (')[0]}.",
            icon=":material/filter_alt_off:")


def title_link(row: dict) -> None:
    year_made = f" ({row['release_year']})" if row["release_year"] else ""
    st.page_link(cards.media_page(), label=f"{cards.md(row['title'])}{year_made}",
                 query_params={"id": str(row["media_id"])},
                 icon=":material/movie:" if row["episode_id"] is None else ":material/live_tv:")


def film_entry(row: dict) -> None:
    with st.container(border=True):
        title_link(row)
        kind = viewing_text(row["viewing"])
        st.caption(f"{day_text(row['watched_at'])}" + (f" · {kind}" if kind else ""))
        entry_controls(me, row, f"Your watch of '{row['title']}' on {day_text(row['watched_at'])}")


def episodes_entry(group: list[dict]) -> None:
    """A series' episodes watched on one day: one entry, each episode editable inside it."""
    first = group[-1]
    with st.container(border=True):
        title_link(first)
        codes = f"{group[-1]['code']}–{group[0]['code']}" if len(group) > 1 else first["code"]
        kind = viewing_text(first["viewing"])
        st.caption(f"{day_text(first['watched_at'])} · {codes} · {len(group)} episode{'s' if len(group) > 1 else ''}"
                   + (f" · {kind}" if kind else ""))
        with st.expander("Episodes"):
            for row in reversed(group):
                st.markdown(f"**{row['code']}** · {cards.md(row['episode_title'])}")
                entry_controls(me, row, f"{row['title']} {row['code']} on {day_text(row['watched_at'])}")


def entry_key(row: dict):
    """Episodes of one series on one day (and viewing) share an entry; every film watch is its own."""
    if row["episode_id"] is None:
        return ("film", row["event_id"])
    day = row["watched_at"].date() if row["watched_at"] else None
    return ("series", row["media_id"], day, row["viewing"])


def month_of(row: dict) -> str:
    return f"{row['watched_at']:%B %Y}" if row["watched_at"] else "Date unknown"


for month, in_month in groupby(rows, key=month_of):
    st.subheader(month)
    for key, entry in groupby(in_month, key=entry_key):
        entry = list(entry)
        if key[0] == "film":
            film_entry(entry[0])
        else:
            episodes_entry(entry)

cards.pager(PAGE_KEY, total, PER_PAGE, noun="watches")
