"""Explore: one search box over titles and people, filters, sorting, and a poster grid in pages of 24.
`?person=ID` (linked from Media details) narrows to one person's cast and crew credits."""
import re

import streamlit as st

from core import search
from core.search import MEDIA_TYPES, SORTS, Filters
from db import catalog
from ui import cards
from ui.layout import page_header, signed_in_user
from ui.watching import log_watch_button

PAGE_KEY = "explore_page"
QUERY_KEY = "explore_q"

user = signed_in_user()
page_header("Explore", "Search titles and people, then narrow by type, genre, year, rating or person.")


def person_from_url() -> dict | None:
    """The person `?person=` names, or None (with a warning when the link is broken)."""
    raw = st.query_params.get("person")
    if raw is None:
        return None
    if not re.fullmatch(r"[0-9]+", raw):
        st.warning(f"The person link is not valid ({cards.md(raw[:40])}): showing all titles instead.")
        return None
    found = catalog.person(int(raw)) if len(raw) <= 18 else None  # int() refuses over 4,300 digits
    if found is None:
        st.warning(f"There is no person with id {raw[:20]} (maybe removed): showing all titles instead.")
    return found


def clear_person() -> None:
    st.query_params.pop("person", None)


def pick_person(person_id: int) -> None:
    """A person chosen from the search's people: show their titles instead of the text matches."""
    st.query_params["person"] = str(person_id)
    st.session_state[QUERY_KEY] = ""


person = person_from_url()
if person:
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.info(f"Titles with **{cards.md(person['name'])}** in the cast or crew.", icon=":material/person:")
    right.button("Clear person filter", on_click=clear_person, width="stretch")

query = st.text_input("Search", key=QUERY_KEY, max_chars=200,
                      placeholder="A title, words from the story, or a person's name")

genre_rows = catalog.genres()
genre_names = {g["genre_id"]: g["name"] for g in genre_rows}
row1 = st.columns([1, 3, 1.2])
media_type = row1[0].selectbox("Type", ["All", *MEDIA_TYPES], key="explore_type")
genre_ids = row1[1].multiselect("Genres", list(genre_names), format_func=genre_names.get, key="explore_genres",
                                placeholder="Any genre")
genre_mode = row1[2].radio("Titles with", ["any", "all"], key="explore_genre_mode", horizontal=True,
                           format_func=lambda m: f"{m} of these genres", disabled=len(genre_ids) < 2)
row2 = st.columns([1, 1, 2, 1.2])
year_from = row2[0].number_input("From year", min_value=1888, max_value=2100, value=None, step=1,
                                 key="explore_year_from", placeholder="any")
year_to = row2[1].number_input("To year", min_value=1888, max_value=2100, value=None, step=1,
                               key="explore_year_to", placeholder="any")
min_rating = row2[2].slider("Minimum average rating", 0.0, 10.0, 0.0, 0.5, key="explore_min_rating", format="%.1f",
                            help="0 shows every title, including those nobody has rated yet.")
sort = row2[3].selectbox("Sort by", list(SORTS), format_func=SORTS.get, key="explore_sort")
if year_from is not None and year_to is not None and year_from > year_to:
    year_from, year_to = year_to, year_from
    st.caption(f"Showing {year_from} to {year_to}: the years were the wrong way round.")

filters = search.resolve(Filters(query=query, media_type=None if media_type == "All" else media_type,
                  genre_ids=tuple(genre_ids), genre_mode=genre_mode, year_from=year_from, year_to=year_to,
                  min_rating=min_rating or None, person_id=person["person_id"] if person else None, sort=sort))

# A new search starts on page 1.
if st.session_state.get("explore_filters") != filters:
    st.session_state["explore_filters"] = filters
    cards.reset_page(PAGE_KEY)

def use_query(text: str) -> None:
    st.session_state[QUERY_KEY] = text


top_matches = search.suggestions(filters)
if top_matches:
    # Page links, not markdown links: the title opens in this session (no full reload), and the search stays.
    st.caption("Top matches:")
    for col, match in zip(st.columns(len(top_matches)), top_matches):
        col.page_link(cards.MEDIA_PAGE, label=cards.md(match["title"]), query_params={"id": str(match["media_id"])})

parsed = filters.parsed
if parsed is not None:
    people = catalog.matching_people(parsed)
    if people:
        st.caption("People matching your search (show their titles):")
        cols = st.columns(min(len(people), 4))
        for i, found in enumerate(people):
            count = f"{found['credits']} title{'s' if found['credits'] != 1 else ''}"
            cols[i % len(cols)].button(f"{cards.md(found['name'])} · {count}",
                                       key=f"explore_person_{found['person_id']}", icon=":material/person:",
                                       on_click=pick_person, args=(found["person_id"],), width="stretch")

page = cards.page_number(PAGE_KEY)
results = catalog.search_titles(filters, user["username"], page)
if not results.rows and page > 1:  # the page ran past the end (titles were removed meanwhile)
    cards.reset_page(PAGE_KEY)
    st.rerun()

if results.total == 0:
    hints = filters.suggestions()
    did_you_mean = filters.hits.did_you_mean if filters.hits else None
    if did_you_mean:
        st.info(f"**No titles match.** Did you mean **{cards.md(did_you_mean)}**?", icon=":material/search_off:")
        st.button(f"Search for {cards.md(did_you_mean)}", on_click=use_query, args=(did_you_mean,),
                  icon=":material/search:")
    elif hints:
        st.info("**No titles match.** Try " + "; or ".join(hints) + ".", icon=":material/search_off:")
    else:
        st.info("**The catalog has no titles yet.** A moderator can add them in the Table editor.",
                icon=":material/movie:")
else:
    counted = cards.count_label(results.total, "titles", capped=results.capped)
    st.caption(f"{counted} · sorted by {SORTS[filters.effective_sort()].lower()}")
    cards.poster_grid(results.rows,
                      log_watch=lambda row: log_watch_button(user["username"], row, f"card_log_{row['media_id']}"))
    cards.pager(PAGE_KEY, results.total, catalog.PAGE_SIZE, noun="titles", capped=results.capped)
