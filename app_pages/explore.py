"""Explore: one search box over titles and people, filters, sorting, and a poster grid in pages of 24, all kept
in the address. `?person=ID` (linked from Media details) narrows to one person's cast and crew credits."""
import re

import streamlit as st

from core import search, titles
from core.search import MEDIA_TYPES, SORTS, Filters
from core.words import plural
from ui import cards
from ui.card_grid import card_grid
from ui.layout import page_header, signed_in_user
from ui.watching import card_log_dialog

PAGE_KEY = "explore_page"
SHOWN_PAGE = "explore_page_in_url"  # the page this session last put in the address
HAD_TEXT = "explore_had_text"  # whether the last run had search text (relevance was on offer)
# The search lives in the address (?q=khan&type=Movie&genre=Drama&sort=year&page=2), each widget under the
# parameter its key names: a link shares the search, and Back, a refresh or a new tab restore it. The address
# is the truth: every run sets the widgets from it, and every change writes it (set_url), so each search is
# one history entry. (Not bind="query-params": leaving a page while a bound parameter is in the address
# makes Streamlit push a stray history entry, the old page with the new page's query, so Back showed
# an empty search.)
YEARS = (1888, 2100)

user = signed_in_user()
page_header("Explore", "Search titles and people, then narrow by type, genre, year, rating or person.")
genre_names = {g["genre_id"]: g["name"] for g in titles.genres()}
genre_ids_by_name = {name: genre_id for genre_id, name in genre_names.items()}


def person_from_url() -> dict | None:
    """The person `?person=` names, or None (with a warning when the link is broken)."""
    raw = st.query_params.get("person")
    if raw is None:
        return None
    if not re.fullmatch(r"[0-9]+", raw):
        st.warning(f"The person link is not valid ({cards.md(raw[:40])}): showing all titles instead.")
        return None
    found = titles.person(int(raw)) if len(raw) <= 18 else None  # int() refuses over 4,300 digits
    if found is None:
        st.warning(f"There is no person with id {raw[:20]} (maybe removed): showing all titles instead.")
    return found


def default_sort(has_text: bool) -> str:
    """Relevance needs search text; without it the most rated titles come first."""
    return "relevance" if has_text else "count"


def whole(raw: str | None, low: int, high: int) -> int | None:
    return int(raw) if raw and re.fullmatch(r"[0-9]{1,9}", raw) and low <= int(raw) <= high else None


def search_from_url() -> dict:
    """The widgets' values the address asks for; anything missing or invalid is the widget's default."""
    url = st.query_params
    text = (url.get("q") or "")[:search.MAX_QUERY_CHARS]
    has_text = search.parse_query(text) is not None
    rating = url.get("rating") or ""
    rating = float(rating) if re.fullmatch(r"[0-9]{1,2}(\.[05])?", rating) and float(rating) <= 10 else 0.0
    sort = url.get("sort")
    return {
        "q": text,
        "type": url.get("type") if url.get("type") in MEDIA_TYPES else "All",
        "genre": list(dict.fromkeys(genre_ids_by_name[g] for g in url.get_all("genre") if g in genre_ids_by_name)),
        "match": "all" if url.get("match") == "all" else "any",
        "from": whole(url.get("from"), *YEARS),
        "to": whole(url.get("to"), *YEARS),
        "rating": rating,
        "sort": sort if sort in SORTS and (has_text or sort != "relevance") else default_sort(has_text),
    }


def set_url() -> None:
    """Put the widgets' values in the address (defaults left out), and start again on page 1."""
    state = st.session_state
    has_text = search.parse_query(state["q"]) is not None
    if has_text != state.get(HAD_TEXT, False) and state["sort"] == default_sort(not has_text):
        # The first search text orders by relevance, clearing it by the most rated, unless another order was chosen.
        state["sort"] = default_sort(has_text)
    text, year_from, year_to, rating = state["q"].strip(), state["from"], state["to"], state["rating"]
    wanted = {
        "person": st.query_params.get("person"), "q": text or None,
        "type": None if state["type"] == "All" else state["type"], "genre": [genre_names[g] for g in state["genre"]],
        "match": "all" if state["match"] == "all" else None,
        "from": None if year_from is None else str(year_from), "to": None if year_to is None else str(year_to),
        "rating": f"{rating:g}" if rating else None,
        "sort": None if state["sort"] == default_sort(has_text) else state["sort"],
    }
    st.query_params.from_dict({key: value for key, value in wanted.items() if value not in (None, [])})
    cards.reset_page(PAGE_KEY)


def clear_person() -> None:
    st.query_params.pop("person", None)
    set_url()


def pick_person(person_id: int) -> None:
    """A person chosen from the search's people: show their titles instead of the text matches."""
    st.query_params["person"] = str(person_id)
    use_query("")


def use_query(text: str) -> None:
    st.session_state["q"] = text
    set_url()


def page_from_url() -> int:
    return whole(st.query_params.get("page"), 1, 10**9 - 1) or 1


for key, value in search_from_url().items():
    st.session_state[key] = value

person = person_from_url()
if person:
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.info(f"Titles with **{cards.md(person['name'])}** in the cast or crew.", icon=":material/person:")
    right.button("Clear person filter", on_click=clear_person, width="stretch")

query = st.text_input("Search", key="q", max_chars=search.MAX_QUERY_CHARS, on_change=set_url,
                      placeholder="A title, words from the story, or a person's name")
has_text = search.parse_query(query) is not None
st.session_state[HAD_TEXT] = has_text

row1 = st.columns([1, 3, 1.2])
media_type = row1[0].selectbox("Type", ["All", *MEDIA_TYPES], key="type", on_change=set_url)
genre_ids = row1[1].multiselect("Genres", list(genre_names), format_func=genre_names.get, key="genre",
                                on_change=set_url, placeholder="Any genre")
genre_mode = row1[2].radio("Titles with", ["any", "all"], key="match", on_change=set_url, horizontal=True,
                           format_func=lambda m: f"{m} of these genres", disabled=len(genre_ids) < 2)
row2 = st.columns([1, 1, 2, 1.2])
year_from = row2[0].number_input("From year", *YEARS, value=None, step=1, key="from", on_change=set_url,
                                 placeholder="any")
year_to = row2[1].number_input("To year", *YEARS, value=None, step=1, key="to", on_change=set_url,
                               placeholder="any")
min_rating = row2[2].slider("Minimum average rating", 0.0, 10.0, step=0.5, key="rating", on_change=set_url,
                            format="%.1f", help="0 shows every title, including those nobody has rated yet.")
sort = row2[3].selectbox("Sort by", [s for s in SORTS if has_text or s != "relevance"],  # no text: no relevance
                         format_func=SORTS.get, key="sort", on_change=set_url)
if year_from is not None and year_to is not None and year_from > year_to:
    year_from, year_to = year_to, year_from
    st.caption(f"Showing {year_from} to {year_to}: the years were the wrong way round.")

filters = search.resolve(Filters(query=query, media_type=None if media_type == "All" else media_type,
                  genre_ids=tuple(genre_ids), genre_mode=genre_mode, year_from=year_from, year_to=year_to,
                  min_rating=min_rating or None, person_id=person["person_id"] if person else None, sort=sort))

# The address decides the page (a shared link, a refresh, Back) unless Previous, Next, "Go to page" or a new
# search moved it since this session last wrote the address.
if st.session_state.get(PAGE_KEY) in (None, st.session_state.get(SHOWN_PAGE)):
    st.session_state[PAGE_KEY] = page_from_url()
page = cards.page_number(PAGE_KEY)
st.session_state[SHOWN_PAGE] = page
if page_from_url() != page:
    if page > 1:
        st.query_params["page"] = str(page)
    else:
        del st.query_params["page"]

top_matches = search.suggestions(filters)
if top_matches:
    # Page links, not markdown links: the title opens in this session (no full reload), and the search stays.
    # One flex row: columns drew a column element around each link (issue 15).
    line = st.container(horizontal=True, vertical_alignment="center")
    line.caption("Top matches:", width="content")
    for match in top_matches:
        line.page_link(cards.media_page(), label=cards.md(match["title"]), query_params={"id": str(match["media_id"])})

parsed = filters.parsed
if parsed is not None:
    people = titles.matching_people(parsed)
    if people:
        st.caption("People matching your search (show their titles):")
        line = st.container(horizontal=True)  # wraps on a narrow screen, as the columns did
        for found in people:
            count = f"{plural(found['credits'], 'title')}"
            line.button(f"{cards.md(found['name'])} · {count}",
                        key=f"explore_person_{found['person_id']}", icon=":material/person:",
                        on_click=pick_person, args=(found["person_id"],))

results = titles.search_titles(filters, user["username"], page)
if not results.rows and page > 1:  # the page ran past the end (titles were removed meanwhile)
    cards.reset_page(PAGE_KEY)
    st.rerun()

if results.total == 0:
    hints = filters.suggestions()
    did_you_mean = search.did_you_mean(filters.hits)
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
    card_grid(results.rows, key="grid_results", log_dialog=card_log_dialog(user["username"]))
    cards.pager(PAGE_KEY, results.total, titles.PAGE_SIZE, noun="titles", capped=results.capped)
