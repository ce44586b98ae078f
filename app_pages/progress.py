"""Progress: every series I follow with the last episode I watched (`S2E5 · title`), the next one and how
far I am; mark the next one watched in one click, set any episode, or stop tracking. Three statements per
render with the session check: my series, and the episodes of the one in the picker."""
import streamlit as st

from core import progress, titles
from ui.cards import EXPLORE_PAGE, MEDIA_PAGE, md
from ui.feedback import attempt, confirm_button, error_beside, watched_message
from ui.layout import page_header, signed_in_user

user = signed_in_user()
me = user["username"]
page_header("Progress", "Your series: where you are, what comes next, and how much is left.")

series = progress.for_user(me)
# A series whose episodes were all removed from the catalog has no next episode either, but it is not
# finished: it stays under Watching, where its card says so.
finished = [s for s in series if s["next_episode_id"] is None and s["total_episodes"]]
watching = [s for s in series if s not in finished]


def episode_label(code: str | None, title: str | None) -> str:
    return f"{code} · {md(title)}" if code else "Not started"


def remove_control(row: dict) -> None:
    confirm_button(
        "Stop tracking…", key=f"progress_remove_{row['media_id']}",
        question=f"Forget your progress on **{md(row['title'])}**? Your watchlist and ratings stay.",
        action=lambda: attempt(progress.remove, me, row["media_id"],
                               success=f"Stopped tracking '{row['title']}'.",
                               where=f"progress_remove_{row['media_id']}"),
        confirm_label="Yes, forget it")


def series_card(row: dict) -> None:
    with st.container(border=True):
        st.page_link(MEDIA_PAGE, label=md(row["title"]), query_params={"id": str(row["media_id"])})
        total, watched = row["total_episodes"], row["watched_episodes"]
        st.markdown(f"**{episode_label(row['last_code'], row['last_title'])}**")
        percent = round(100 * watched / total) if total else 0
        st.progress(percent / 100, text=f"{percent}% · {watched} of {total} episodes")
        if row["next_episode_id"] is not None:
            st.caption(f"Next: {episode_label(row['next_code'], row['next_title'])}")
            st.button(f"Mark {row['next_code']} watched", key=f"progress_next_{row['media_id']}",
                      icon=":material/check:", type="primary", on_click=attempt,
                      args=(progress.mark_watched_up_to, me, row["media_id"], row["next_episode_id"]),
                      kwargs={"success": watched_message, "where": f"progress_next_{row['media_id']}"})
            error_beside(f"progress_next_{row['media_id']}")
        elif total:
            st.caption("All episodes watched.")
        else:
            st.caption("This series has no episodes in the catalog yet.")
        remove_control(row)


if not series:
    st.info("You are not following any series yet. Open a series and mark the episodes you have seen; it "
            "will show up here with its next episode.", icon=":material/live_tv:")
    st.page_link(EXPLORE_PAGE, label="Find a series on Explore", icon=":material/search:")
    st.stop()

st.subheader(f"Watching ({len(watching)})")
if not watching:
    st.caption("You have watched every episode of the series you follow.")
cols = st.columns(3)
for i, row in enumerate(watching):
    with cols[i % 3]:
        series_card(row)

st.subheader("Set progress to any episode")
series_titles = {row["media_id"]: row["title"] for row in series}
chosen = st.selectbox("Series", list(series_titles), format_func=series_titles.get, key="progress_series")
episodes = titles.episodes(chosen)
if not episodes:
    st.caption("This series has no episodes in the catalog yet.")
else:
    current = next(row["last_episode_id"] for row in series if row["media_id"] == chosen)
    ids = [e["episode_id"] for e in episodes]
    labels = {e["episode_id"]: f"{e['code']} · {e['title']}" for e in episodes}
    episode = st.selectbox("Watched up to", ids, format_func=labels.get, key=f"progress_episode_{chosen}",
                           index=ids.index(current) if current in ids else 0)
    st.button("Save progress", key="progress_set", icon=":material/save:", on_click=attempt,
              args=(progress.mark_watched_up_to, me, chosen, episode),
              kwargs={"success": watched_message, "where": "progress_set"})
    error_beside("progress_set")

if finished:
    st.subheader(f"Finished ({len(finished)})")
    cols = st.columns(3)
    for i, row in enumerate(finished):
        with cols[i % 3]:
            series_card(row)
