"""Progress: every series I follow with the last episode I watched (`S2E5 · title`), the next one and how
far I am in the current viewing; mark the next one watched in one click, set any episode or stop tracking
(for the series chosen in the picker), rewatch a finished series; and the episodes coming up. Four statements
per render with the session check: my series, upcoming episodes, and the episodes of the one in the picker."""
from datetime import date

import streamlit as st

from core import progress, titles, watching
from ui.cards import explore_page, md, media_page
from ui.feedback import attempt, confirm_button, error_beside, watched_message
from ui.layout import page_header, signed_in_user
from ui.watching import upcoming_block, viewing_text

user = signed_in_user()
me = user["username"]
page_header("Progress", "Your series: where you are, what comes next, and how much is left.")

series = progress.for_user(me)
# A series whose episodes were all removed from the catalog has no next episode either, but it is not
# finished: it stays under Watching, where its card says so.
finished = [s for s in series if s["next_episode_id"] is None and s["total_episodes"]]
in_progress = [s for s in series if s not in finished]


def episode_label(code: str | None, title: str | None) -> str:
    return f"{code} · {md(title)}" if code else "Not started"


def remove_control(row: dict) -> None:
    confirm_button(
        "Stop tracking…", key=f"progress_remove_{row['media_id']}",
        question=f"Forget your progress on **{md(row['title'])}**? Its episodes leave your diary; your "
                 "watchlist and ratings stay.",
        action=lambda: attempt(watching.forget_series, me, row["media_id"],
                               success=f"Stopped tracking '{row['title']}'.",
                               where=f"progress_remove_{row['media_id']}"),
        confirm_label="Yes, forget it")


def series_card(row: dict) -> None:
    with st.container(border=True):
        st.page_link(media_page(), label=md(row["title"]), query_params={"id": str(row["media_id"])})
        if row["current_viewing"] > 1:
            st.badge(viewing_text(row["current_viewing"]).capitalize(), icon=":material/replay:")
        total, watched = row["total_episodes"], row["watched_episodes"]
        # Where I am, what comes next and how far, as the progress bar's words (a card drew six elements;
        # issue 15).
        if row["next_episode_id"] is not None:
            upcoming = f"Next: {episode_label(row['next_code'], row['next_title'])}"
        else:
            upcoming = "All episodes watched." if total else "This series has no episodes in the catalog yet."
        percent = round(100 * watched / total) if total else 0
        st.progress(percent / 100, text=f"**{episode_label(row['last_code'], row['last_title'])}**  \n"
                                        f"{upcoming}  \n{percent}% · {watched} of {total} episodes")
        if row["next_episode_id"] is not None:
            st.button(f"Mark {row['next_code']} watched", key=f"progress_next_{row['media_id']}",
                      icon=":material/check:", type="primary", on_click=attempt,
                      args=(watching.mark_up_to, me, row["media_id"], row["next_episode_id"]),
                      kwargs={"success": watched_message, "where": f"progress_next_{row['media_id']}"})
            error_beside(f"progress_next_{row['media_id']}")
        elif total:
            st.button("Rewatch this series", key=f"progress_rewatch_{row['media_id']}", icon=":material/replay:",
                      on_click=attempt, args=(watching.start_rewatch, me, row["media_id"]),
                      kwargs={"success": lambda n: f"Rewatching '{row['title']}': {viewing_text(n)} starts at "
                                                   "the first episode; your first watch stays in your diary.",
                                  "where": f"progress_rewatch_{row['media_id']}"})
            error_beside(f"progress_rewatch_{row['media_id']}")


if not series:
    st.info("You are not following any series yet. Open a series and mark the episodes you have seen; it "
            "will show up here with its next episode.", icon=":material/live_tv:")
    st.page_link(explore_page(), label="Find a series on Explore", icon=":material/search:")
else:  # (not st.stop(): a refusal whose control went with the last series still shows, at the top)
    upcoming_block(watching.upcoming(me, date.today()))

    st.subheader(f"Watching ({len(in_progress)})")
    if not in_progress:
        st.caption("You have watched every episode of the series you follow.")
    cols = st.columns(3)
    for i, row in enumerate(in_progress):
        with cols[i % 3]:
            series_card(row)

    st.subheader("Set progress to any episode")
    by_id = {row["media_id"]: row for row in series}
    chosen = st.selectbox("Series", list(by_id), format_func=lambda media_id: by_id[media_id]["title"],
                          key="progress_series")
    episodes = titles.episodes(chosen)
    if not episodes:
        st.caption("This series has no episodes in the catalog yet.")
    else:
        current = by_id[chosen]["last_episode_id"]
        ids = [e["episode_id"] for e in episodes]
        labels = {e["episode_id"]: f"{e['code']} · {e['title']}" for e in episodes}
        episode = st.selectbox("Watched up to", ids, format_func=labels.get, key=f"progress_episode_{chosen}",
                               index=ids.index(current) if current in ids else 0)
        st.button("Save progress", key="progress_set", icon=":material/save:", on_click=attempt,
                  args=(watching.mark_up_to, me, chosen, episode),
                  kwargs={"success": watched_message, "where": "progress_set"})
        error_beside("progress_set")
    # Here rather than on every card: it acts on the series chosen above.
    remove_control(by_id[chosen])

    if finished:
        st.subheader(f"Finished ({len(finished)})")
        cols = st.columns(3)
        for i, row in enumerate(finished):
            with cols[i % 3]:
                series_card(row)
