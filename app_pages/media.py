"""Media details at `?id=`: facts, genres, rating, cast and crew (linking to Explore), seasons and episodes,
my playlists, watchlist status, rating and review, my watches (a film: log a watch with a date, edit and
delete each; a series: tick episodes one by one or a season at once, watched up to here, rewatch), and the
community's reviews.

Writes run in widget callbacks (ui.feedback.attempt), before the page reads, so what is drawn is what the
database now holds; the review form is checked where it is drawn, so a refusal shows beside it. Only the
open tab is read and drawn: at most six statements per render (session, title with my state, my playlists,
similar titles, and the open tab's: my watches and episodes, credits, or reviews).
"""
import re
from datetime import date

import streamlit as st

from core import moderation, playlists, recommend, reviews, titles, watching, watchlist
from core.words import plural
from ui import cards
from ui.card_grid import card_grid
from ui.feedback import attempt, confirm_button, error_beside, watched_message
from ui.layout import kept_tabs, page_header, signed_in_user
from ui.watching import DIARY_PAGE, day_text, entry_controls, log_watch_button, series_message, viewing_text

REVIEWS_PAGE = "media_reviews_page"
WATCHLIST_NONE = "none"

user = signed_in_user()
me = user["username"]


# --- the title from the URL -------------------------------------------------------------------------------
def media_id_from_url() -> int | None:
    """?id= as a title id, or None after explaining what is wrong with it."""
    raw = (st.query_params.get("id") or "").strip()
    if not raw:
        problem = "No title was chosen."
    elif not re.fullmatch(r"[0-9]+", raw):  # not str.isdigit(): it accepts '²', which int() refuses
        problem = f"“{cards.md(raw[:40])}” is not a title id (it should be a whole number, such as 42)."
    elif len(raw) > 18:  # far beyond any id (and int() refuses more than 4,300 digits)
        problem = f"There is no title with id {raw[:20]}…: title ids are much smaller numbers."
    else:
        return int(raw)  # a number beyond the largest id is answered by the lookup: "no title with id N"
    page_header("Title details", "One film or series: facts, cast, episodes, your lists and reviews.")
    st.info(f"{problem} Find a title in Explore and open it from there.", icon=":material/info:")
    st.page_link(cards.explore_page(), label="Go to Explore", icon=":material/search:")
    return None


def facts_line(title: dict) -> str:
    parts = [str(title["release_year"] or "year unknown"), title["media_type"], f"rated {title['age_rating']}"]
    if title["runtime_minutes"]:
        hours, minutes = divmod(title["runtime_minutes"], 60)
        parts.append(f"{hours} h {minutes} min" if hours else f"{minutes} min")
    return " · ".join(parts)


# --- my library: watchlist and playlists --------------------------------------------------------------------
def change_status(media_id: int, key: str) -> None:
    status = st.session_state[key]
    if status == WATCHLIST_NONE:
        attempt(watchlist.remove, me, media_id, success="Taken off your watchlist.", where=f"watchlist_{media_id}")
    else:
        attempt(watchlist.set_status, me, media_id, status,
                success=f"Watchlist status: {watchlist.STATUS_LABELS[status]}.", where=f"watchlist_{media_id}")


def toggle_playlist(media_id: int, playlist: dict, key: str) -> None:
    if st.session_state[key]:
        done = attempt(playlists.add_item, me, playlist["playlist_id"], media_id,
                       success=f"Added to '{playlist['name']}'.", where=f"playlists_{media_id}")
    else:
        done = attempt(playlists.remove_item, me, playlist["playlist_id"], media_id,
                       success=f"Removed from '{playlist['name']}'.", where=f"playlists_{media_id}")
    if not done:  # put the tick back where the database says it is
        st.session_state[key] = not st.session_state[key]


def create_playlist_with_title(media_id: int, key: str) -> None:
    name = st.session_state[key]

    if attempt(playlists.create_playlist, me, name, first_title=media_id,
               success=f"Created the playlist '{name.strip()}' with this title in it.", where=f"playlists_{media_id}"):
        st.session_state[key] = ""


def library_box(title: dict, mine: list[dict]) -> None:
    media_id = title["media_id"]
    st.subheader("In my library")
    options = [WATCHLIST_NONE, *watchlist.STATUSES]
    current = title["my_status"] or WATCHLIST_NONE
    # The key carries the stored status, so a change made elsewhere (progress marking it completed) resets it.
    status_key = f"watchlist_{media_id}_{current}"
    st.selectbox("Watchlist status", options, index=options.index(current), key=status_key,
                 format_func=lambda s: "Not on my watchlist" if s == WATCHLIST_NONE else watchlist.STATUS_LABELS[s],
                 on_change=change_status, args=(media_id, status_key))
    error_beside(f"watchlist_{media_id}")
    holding = [p["name"] for p in mine if p["has_title"]]
    label = f"In {plural(len(holding), 'playlist')}" if holding else "Add to a playlist"
    with st.popover(label, icon=":material/playlist_add:", width="stretch"):
        if not mine:
            st.caption("You have no playlists yet: create one below.")
        for playlist in mine:
            key = f"playlist_{media_id}_{playlist['playlist_id']}_{int(playlist['has_title'])}"
            st.checkbox(f"{cards.md(playlist['name'])} ({playlist['item_count']})", value=playlist["has_title"],
                        key=key, on_change=toggle_playlist, args=(media_id, playlist, key))
        new_key = f"new_playlist_{media_id}"
        with st.form(f"new_playlist_form_{media_id}", border=False):
            st.text_input("New playlist", key=new_key, max_chars=playlists.NAME_MAX,
                          placeholder="e.g. Weekend films")
            st.form_submit_button("Create and add", icon=":material/add:", key=f"new_playlist_submit_{media_id}",
                                  on_click=create_playlist_with_title, args=(media_id, new_key))
    error_beside(f"playlists_{media_id}")
    if holding:
        st.caption("In: " + ", ".join(cards.md(n) for n in holding))


# --- my rating and review -----------------------------------------------------------------------------------
def my_review_section(title: dict) -> None:
    media_id = title["media_id"]
    has_review = title["my_review_id"] is not None
    if title["my_hidden_by"]:
        reason = title["my_hidden_reason"] or "no reason given"
        st.warning(f"A moderator ({cards.md(title['my_hidden_by'])}) hid the text of your review: "
                   f"{cards.md(reason)}. Others still count your rating but cannot read the text; editing it "
                   "does not unhide it.", icon=":material/visibility_off:")
    # Keys carry the stored version, so after a save or delete the form shows what the database holds.
    version = f"{media_id}_{title['my_review_id']}_{title['my_review_updated_at']}"
    with st.form(f"review_form_{version}"):
        rating = cards.rating_input("My rating (1-10, optional)", title["my_rating"], f"rating_{version}")
        text = st.text_area("My review (optional)", value=title["my_text"] or "", key=f"text_{version}",
                            height=150, help=f"At most {reviews.MAX_TEXT:,} characters. A rating, a review or "
                                             "both: leave the text empty for a bare rating, the rating for a review "
                                             "without stars.")
        spoilers = st.checkbox("Contains spoilers (others must click to read it)", value=bool(title["my_spoilers"]),
                               key=f"spoilers_{version}")
        submitted = st.form_submit_button("Save my review" if has_review else "Add my review", type="primary",
                                          key=f"review_save_{media_id}")
    if submitted:  # a refusal leaves the form as typed, to fix and save again
        attempt(reviews.save_review, me, media_id, rating, text, spoilers, where=f"review_{media_id}", rerun=True,
                success=lambda outcome: f"Your review was {outcome}.")
    error_beside(f"review_{media_id}")
    if has_review:
        confirm_button("Delete my review", f"delete_review_{media_id}",
                       "Delete your rating and review of this title? This cannot be undone.",
                       lambda: attempt(reviews.delete_review, me, media_id,
                                       success="Your rating and review were deleted.",
                                       where=f"delete_review_{media_id}"),
                       confirm_label="Yes, delete it")


# --- cast and crew ------------------------------------------------------------------------------------------
def person_link(person: dict) -> None:
    st.page_link(cards.explore_page(), label=cards.md(person["name"]),
                 query_params={"person": str(person["person_id"])}, icon=":material/person:")


def crew_by_person(people: list[dict]) -> list[dict]:
    """One entry per crew member with all their roles ("Director, Writer"), in the order they first come."""
    merged: dict[int, dict] = {}
    for person in people:
        if person["kind"] == "crew":
            if person["person_id"] in merged:
                merged[person["person_id"]]["detail"] += f", {person['detail']}"
            else:
                merged[person["person_id"]] = dict(person)
    return list(merged.values())


def credits_section(people: list[dict]) -> None:
    cast = [p for p in people if p["kind"] == "cast"]
    crew = crew_by_person(people)
    if not people:
        st.caption("No cast or crew recorded yet. A moderator can add them in the Table editor.")
        return
    st.caption(f"{plural(len({p['person_id'] for p in people}), 'person', 'people')} · click a name to see "
               "everything they are in.")
    if cast:
        people_grid("Cast", cast, lambda p: f"as {cards.md(p['detail'])}" if p["detail"] else "")
    if crew:
        people_grid("Crew", crew, lambda p: cards.md(p["detail"]))


def people_grid(heading: str, people: list[dict], caption) -> None:
    """Four columns of names linking to Explore, each with `caption(person)` under it."""
    st.markdown(f"**{heading}**")
    cols = st.columns(4)
    for i, person in enumerate(people):
        with cols[i % 4]:
            person_link(person)
            if text := caption(person):
                st.caption(text)


# --- my watches: films ---------------------------------------------------------------------------------------
def film_watches_section(mine: list[dict]) -> None:
    if not mine:
        st.caption("You have not logged a watch of this film yet.")
        return
    st.caption(f"You watched it {len(mine)} time{'s' if len(mine) != 1 else ''}. "
               "All your watches are in your Diary.")
    for entry in mine:
        with st.container(border=True):
            kind = viewing_text(entry["viewing"]) or "first watch"
            st.markdown(f"**{day_text(entry['watched_at'])}** · {kind}")
            entry_controls(me, entry, f"The watch of {day_text(entry['watched_at'])}")
    st.page_link(DIARY_PAGE, label="Open my diary", icon=":material/book:")


# --- episodes and my progress -------------------------------------------------------------------------------
def mark_up_to(media_id: int, key: str) -> None:
    attempt(watching.mark_up_to, me, media_id, st.session_state[key], success=watched_message,
            where=f"mark_{media_id}")


def toggle_episode(media_id: int, episode_id: int, key: str) -> None:
    attempt(watching.set_episode, me, media_id, episode_id, st.session_state[key], success=series_message,
            where=f"episodes_{media_id}")


def episodes_section(title: dict, episode_rows: list[dict], mine: list[dict]) -> None:
    media_id = title["media_id"]
    if not episode_rows:
        st.caption("No episodes recorded yet. A moderator can add them in the Table editor.")
        return
    viewing = title["my_viewing"] or 1
    watched = {e["episode_id"] for e in mine if e["viewing"] == viewing}
    counted = [e for e in episode_rows
               if e["season_number"] > 0 and (not e["air_date"] or e["air_date"] <= date.today())]
    done = sum(1 for e in counted if e["episode_id"] in watched)
    you = f"{viewing_text(viewing).capitalize()}: you" if viewing > 1 else "You"
    if title["my_episode_id"] is not None:
        last = next(e for e in episode_rows if e["episode_id"] == title["my_episode_id"])
        st.markdown(f"{you} have watched up to **{last['code']}** · {cards.md(last['title'])} "
                    f"({done} of {len(counted)} episodes).")
    else:
        st.markdown(f"{you} have not marked any of the {len(counted)} episodes watched yet.")
    if counted and done == len(counted):
        st.button("Rewatch this series", icon=":material/replay:", key=f"rewatch_{media_id}", on_click=attempt,
                  args=(watching.start_rewatch, me, media_id),
                  kwargs={"success": lambda n: f"{viewing_text(n).capitalize()} starts at the first episode; your "
                                               "earlier watch stays in your diary.",
                          "where": f"rewatch_{media_id}"})
        error_beside(f"rewatch_{media_id}")
    ids = [e["episode_id"] for e in episode_rows]
    by_id = {e["episode_id"]: e for e in episode_rows}
    pointer = ids.index(title["my_episode_id"]) if title["my_episode_id"] in ids else -1
    key = f"progress_{media_id}_{title['my_episode_id']}_{viewing}"
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.selectbox("Watched up to", ids, index=min(pointer + 1, len(ids) - 1), key=key,
                   format_func=lambda i: f"{by_id[i]['code']} · {by_id[i]['title']}")
    right.button("Mark watched", type="primary", on_click=mark_up_to, args=(media_id, key), width="stretch")
    error_beside(f"mark_{media_id}")

    seasons = sorted({e["season_number"] for e in episode_rows})
    season = seasons[0] if len(seasons) == 1 else st.selectbox(
        "Season", seasons, key=f"season_{media_id}", format_func=lambda s: "Specials" if s == 0 else f"Season {s}")
    shown = [e for e in episode_rows if e["season_number"] == season]
    all_in = all(e["episode_id"] in watched for e in shown)
    st.button(f"Unmark season {season}" if all_in else f"Mark all of season {season} watched",
              key=f"season_toggle_{media_id}_{season}_{int(all_in)}", icon=":material/done_all:",
              on_click=attempt, args=(watching.set_season, me, media_id, season, not all_in),
              kwargs={"success": series_message, "where": f"episodes_{media_id}"})
    error_beside(f"episodes_{media_id}")
    for e in shown:
        ticked = e["episode_id"] in watched
        key = f"episode_{e['episode_id']}_{viewing}_{int(ticked)}"
        aired = f" · {e['air_date']:%d %b %Y}" if e["air_date"] else ""
        upcoming = " · upcoming" if e["air_date"] and e["air_date"] > date.today() else ""
        st.checkbox(f"{e['code']} · {cards.md(e['title'])}{aired}{upcoming}", value=ticked, key=key,
                    on_change=toggle_episode, args=(media_id, e["episode_id"], key))


# --- community reviews --------------------------------------------------------------------------------------
def report(review_id: int, key: str) -> None:
    if attempt(moderation.report_review, me, review_id, st.session_state[key],
               success="Thank you: a moderator will look at that review.", where=f"report_{review_id}"):
        st.session_state[key] = ""


def review_card(review: dict) -> None:
    with st.container(border=True):
        # Hiding a review also moves updated_at, so only a visible review can say it was edited.
        edited = " · edited" if review["updated_at"] > review["created_at"] and not review["hidden"] else ""
        who = f"**{cards.md(review['username'])}**" + (" (you)" if review["is_mine"] else "")
        st.markdown(f"{who} · {cards.stars(review['rating'])} · {review['created_at']:%d %b %Y}{edited}")
        if review["hidden"]:
            st.caption(":material/visibility_off: A moderator hid this review's text.")
            return
        if not review["review_text"]:
            st.caption("A rating without a review.")
        elif review["contains_spoilers"]:
            with st.expander("Contains spoilers: click to read"):
                st.text(review["review_text"])
        else:
            st.text(review["review_text"])
        if review["is_mine"]:
            st.caption("Your review, as others see it: change it under My rating & review.")
            return
        if review["reported_by_me"]:
            st.caption("You reported this review.")
            return
        if not review["review_text"]:  # a bare rating has nothing to report
            return
        with st.popover("Report", icon=":material/flag:"):
            key = f"report_reason_{review['review_id']}"
            with st.form(f"report_form_{review['review_id']}", border=False):
                st.text_input("What is wrong with it?", key=key, max_chars=255,
                              placeholder="e.g. insults, spam, unmarked spoilers")
                st.form_submit_button("Report to moderators", key=f"report_submit_{review['review_id']}",
                                      on_click=report, args=(review["review_id"], key))
        error_beside(f"report_{review['review_id']}")


def community_section(media_id: int) -> None:
    page = cards.page_number(REVIEWS_PAGE)
    rows, total = reviews.community_reviews(media_id, me, page)
    if not rows and page > 1:  # the page ran past the end (reviews were deleted meanwhile): start again
        cards.reset_page(REVIEWS_PAGE)
        st.rerun()
    if not rows:
        st.caption("Nobody has reviewed this title yet: be the first under My rating & review.")
        return
    for review in rows:
        review_card(review)
    cards.pager(REVIEWS_PAGE, total, reviews.REVIEWS_PER_PAGE, noun="reviews")


# --- the page -----------------------------------------------------------------------------------------------
media_id = media_id_from_url()
if media_id is None:
    st.stop()
title = titles.title_for_viewer(media_id, me)
if title is None:
    page_header("Title details", "One film or series: facts, cast, episodes, your lists and reviews.")
    st.warning(f"There is no title with id {media_id}: it may have been removed. Find it again in Explore.",
               icon=":material/search_off:")
    st.page_link(cards.explore_page(), label="Go to Explore", icon=":material/search:")
    st.stop()
if st.session_state.get("media_shown") != media_id:  # another title: start its reviews on page 1
    st.session_state["media_shown"] = media_id
    cards.reset_page(REVIEWS_PAGE)

page_header(cards.md(title["title"]), facts_line(title))
poster_col, info_col, library_col = st.columns([1, 2, 1.3])
with poster_col:
    cards.poster(title)
with info_col:
    m1, m2, m3 = st.columns(3)
    m1.metric("Average rating", f"{title['average_rating']:.1f}" if title["rating_count"] else "–")
    m2.metric("Ratings", f"{title['rating_count']:,}")
    m3.metric("My rating", f"{title['my_rating']}/10" if title["my_rating"] else "–")
    if title["genres"]:
        st.markdown(" ".join(f":blue-badge[{cards.md(g)}]" for g in title["genres"]))
    if title["description"]:
        st.markdown(cards.md(title["description"]))
    if title["imdb_id"]:
        st.markdown(f"[IMDb page ↗](https://www.imdb.com/title/{title['imdb_id']}/)")
with library_col:
    if title["media_type"] == "Movie":
        log_watch_button(me, title, f"log_watch_{media_id}", type="primary", width="stretch")
    library_box(title, titles.playlists_with_title(me, media_id))

is_series = title["media_type"] == "Series"
watches_tab = "Episodes & progress" if is_series else "My watches"
tab_names = ["My rating & review", watches_tab, "Cast & crew", "Reviews"]
tabs = dict(zip(tab_names, kept_tabs(tab_names), strict=True))
# Only the open tab is read and drawn (ui.layout.kept_tabs): a series' episode grid is most of the page.
if tabs["My rating & review"].open:
    with tabs["My rating & review"]:
        my_review_section(title)
if tabs[watches_tab].open:
    with tabs[watches_tab]:
        mine = watching.mine_for_title(me, media_id)
        if is_series:
            episodes_section(title, titles.episodes(media_id), mine)
        else:
            film_watches_section(mine)
if tabs["Cast & crew"].open:
    with tabs["Cast & crew"]:
        credits_section(titles.credits(media_id))
if tabs["Reviews"].open:
    with tabs["Reviews"]:
        community_section(media_id)

st.subheader("Similar titles")
similar = recommend.similar(media_id)
if not similar:
    st.caption("No similar titles yet: they are learned from what viewers rate and watch together "
               "(`manage.py train-recommender`).")
else:
    card_grid(similar, key="grid_similar")
