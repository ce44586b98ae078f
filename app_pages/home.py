"""Home: my counts, the next episode of each series I am watching, episodes coming up, picks for me (with a
first step for a newcomer: rate a few titles you know), trending this week, what my friends are watching, top
rated, what my friends rated lately and their latest activity. The shelves and the charts are two sets of
tabs, and only the open tab of each is read and drawn: five statements per render with the session check
(seven in the run that refreshes the minute-old trending and top rated; one more with a friends' tab open),
whatever the data size."""
from datetime import date

import streamlit as st

from core import dashboard, home, progress, recommend, reviews, watching
from core.words import plural
from ui.card_grid import card_grid
from ui.cards import card_row, explore_page, md, media_card, media_page, rating_text
from ui.feedback import attempt, error_beside, watched_message
from ui.layout import kept_tabs, page_header, signed_in_user
from ui.navigation import path
from ui.watching import card_log_dialog, feed_entries, upcoming_block

CONTINUE_SHOWN = 6
COLUMNS = 6


# Trending and top rated are the same for everyone: kept a minute per database, shared by all sessions of
# the process, like the landing page's counts. Trending read 14 ms of index per render at 100,000 titles and
# 3.3 M watch events; a week's trend a minute old is as good.
@st.cache_data(ttl=60, show_spinner=False)
def everyones_titles(database: str) -> tuple[list[dict], list[dict]]:  # per database: a test may switch
    return recommend.trending(), home.top_rated(recommend.MIN_RATINGS)


user = signed_in_user()
me = user["username"]
counts = home.counts(me)
unfinished = progress.for_user(me, unfinished_only=True)
if any(counts[k] for k in ("playlists", "ratings", "watchlist", "friends")) or unfinished:
    page_header(f"Welcome back, {md(user['firstname'])}", "What to watch next: your series, picks for you, "
                "the best rated titles and what your friends rate.")
else:  # a brand-new account has nothing to come back to
    page_header(f"Welcome, {md(user['firstname'])}", "Start by rating a few titles you know: your picks, "
                "series and friends then gather here.")
picks = recommend.kept_for_user(me)  # kept until I write anything: core.recent_reads
upcoming = watching.upcoming(me, date.today(), limit=20)


def card_rows(rows: list[dict], caption, prefix: str) -> None:
    """A shelf of cards (one line; scrolling sideways on a phone), each with caption(row) under it and a "Log"
    button for films."""
    card_grid(rows, key=f"shelf_{prefix}", columns=COLUMNS, layout="shelf", note=caption,
              log_dialog=card_log_dialog(me))


def continue_card(series: dict) -> None:
    """A series in progress: its title, the next episode and how far (the bar's words: one element less a
    card; issue 15), and "Watched" for the next episode."""
    st.page_link(media_page(), label=md(series["title"]), query_params={"id": str(series["media_id"])})
    total, watched = series["total_episodes"], series["watched_episodes"]
    st.progress(watched / total if total else 0.0, text=f"Next: **{series['next_code']}** · "
                f"{md(series['next_title'])}  \n{watched} of {total} episodes")
    # "Watched", no icon: a card is a sixth of the page wide, and "Mark S3E4 watched" broke over four lines;
    # the episode is named just above, and in the tooltip.
    where = f"home_next_{series['media_id']}"
    st.button("Watched", key=where, help=f"Mark {series['next_code']} watched", width="stretch",
              on_click=attempt, args=(watching.mark_up_to, me, series["media_id"], series["next_episode_id"]),
              kwargs={"success": watched_message, "where": where})
    error_beside(where)


def rate(media_id: int, key: str) -> None:
    stars = st.session_state.get(key)
    if stars is not None:  # st.feedback gives 0-4 for one to five stars; ratings are 1-10
        attempt(reviews.save_review, me, media_id, (stars + 1) * 2, "",
                success=f"Rated {plural(stars + 1, 'star')}: your picks are updated.", where=key)

# --- my counts -------------------------------------------------------------------------------------------
cols = st.container(key="tiles_counts").columns(4)
cols[0].metric("Playlists", counts["playlists"])
cols[1].metric("Watchlist titles", counts["watchlist"])
cols[2].metric("Series in progress", len(unfinished))
cols[3].metric("Friends", counts["friends"])
if counts["incoming_requests"]:
    n = counts["incoming_requests"]
    st.info(f"You have {plural(n, 'friend request')} waiting.", icon=":material/person_add:")
    st.page_link(path("friends"), label="Answer them on Friends", icon=":material/group:")

# --- continue watching -----------------------------------------------------------------------------------
st.subheader("Continue watching")
if not unfinished:
    st.info("Nothing in progress. Open a series and mark the episodes you have seen: it will wait for you "
            "here with its next episode.", icon=":material/live_tv:")
    st.page_link(explore_page(), label="Find a series on Explore", icon=":material/search:")
else:
    shown_series = unfinished[:CONTINUE_SHOWN]
    with st.container(key="shelf_continue"):  # one line of cards, framed by their columns (ui.cards.card_row)
        card_row(shown_series, len(shown_series), continue_card)
    if len(unfinished) > CONTINUE_SHOWN:
        st.page_link(path("progress"), label=f"All {len(unfinished)} series on Progress",
                     icon=":material/live_tv:")

upcoming_block(upcoming)

# --- for you ----------------------------------------------------------------------------------------------
known: list[dict] = []
if counts["ratings"] < recommend.ONBOARDING_RATINGS and picks:
    st.subheader("Rate a few titles you know")
    st.caption(f"{counts['ratings']} of {recommend.ONBOARDING_RATINGS} rated. Each rating changes the picks "
               "below at once; skip what you have not seen.")
    known = [p for p in picks if p["popular"]][:COLUMNS] or picks[:COLUMNS]
    with st.container(key="shelf_onboard"):
        for col, pick in zip(st.columns(len(known)), known, strict=True):
            with col:
                media_card(pick)
                key = f"onboard_{pick['media_id']}"
                st.feedback("stars", key=key, on_change=rate, args=(pick["media_id"], key))
                error_beside(key)

# Picks, trending and friends in tabs, and the charts below too: one shelf at a time keeps Home short on a
# phone (it was 27,000 px at 390 px wide). What a closed tab shows is neither read nor drawn.
for_you, trending_tab, friends_tab = kept_tabs(["For you", "Trending this week", "Friends are watching"],
                                               key="shelf")
if for_you.open:
    with for_you:
        shown = {pick["media_id"] for pick in known}
        rest = [pick for pick in picks if pick["media_id"] not in shown]  # the onboarding row's titles once only
        if not picks:
            st.info("Nothing left to recommend: you have listed or rated every title with ratings. Explore the "
                    "catalog for more.", icon=":material/recommend:")
        elif known and all(pick["popular"] for pick in picks):
            # Until a newcomer's first ratings, "for you" could only repeat the popular titles above.
            st.info("Your own picks appear here as soon as you rate a title you know: rate some above, or log "
                    "what you have watched.", icon=":material/recommend:")
        else:
            card_rows(rest, lambda pick: pick["reason"], "home")
if trending_tab.open:
    with trending_tab:
        trending = everyones_titles(dashboard.cache_key())[0]
        if not trending:
            st.info("Nobody rated or watched anything in the last 7 days. Rate what you watch to start the chart.",
                    icon=":material/trending_up:")
        else:
            card_rows(trending, lambda row: f"{plural(row['people'], 'viewer')} this week", "trend")
if friends_tab.open:
    with friends_tab:
        friends_watching = recommend.friends_watching(me)
        if not friends_watching:
            st.info("None of your friends is watching anything right now.", icon=":material/group:")
        else:
            card_rows(friends_watching, lambda row: f"Watching: {row['friend_names']}"
                      + (f" and {row['friends'] - 3} more" if row["friends"] > 3 else ""), "friends")

# --- top rated, friends' ratings and activity ----------------------------------------------------------------
top_tab, friends_rated_tab, activity_tab = kept_tabs(["Top rated", "Your friends rated", "Friends' activity"],
                                                    key="chart")
if top_tab.open:
    with top_tab:
        top = everyones_titles(dashboard.cache_key())[1]
        st.caption(f"Titles with at least {recommend.MIN_RATINGS} ratings.")
        if not top:
            st.info(f"No title has {recommend.MIN_RATINGS} ratings yet. Rate what you have seen to build the "
                    "chart.", icon=":material/star:")
        for rank, row in enumerate(top, start=1):
            st.page_link(media_page(), label=f"{rank}\\. {md(row['title'])} ({row['release_year'] or '?'}) · "
                         f"{rating_text(row['average_rating'], row['rating_count'])}",
                         query_params={"id": str(row["media_id"])})
if friends_rated_tab.open:
    with friends_rated_tab:
        friend_ratings = home.friends_recent_ratings(me)
        if not friend_ratings:
            st.info("No ratings from friends yet. Add friends to see what they watch.", icon=":material/group:")
            st.page_link(path("friends"), label="Find friends", icon=":material/person_add:")
        for row in friend_ratings:
            st.page_link(media_page(), label=f"{md(row['title'])} ({row['release_year'] or '?'})",
                         query_params={"id": str(row["media_id"])})
            st.caption(f"★ {row['rating']}/10 by **{md(row['username'])}** on {row['updated_at']:%d %b %Y}"
                       + (" · with a review" if row["has_review"] else ""))
if activity_tab.open:
    with activity_tab:
        activity = watching.friends_activity(me, 8, 0)
        if not activity:
            st.info("Nothing from friends yet: when they log films, tick episodes or rate titles, it shows up "
                    "here.", icon=":material/dynamic_feed:")
        else:
            feed_entries(activity)
            st.page_link(path("feed"), label="More on the Feed", icon=":material/dynamic_feed:")
