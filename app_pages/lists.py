"""Lists: my playlists (create, rename, delete, add, remove and reorder titles) and my status watchlist
(a count per status, move titles between statuses, 25 a page). Only the open tab is read: at most three
statements per render with the session check (playlists and the chosen playlist's items, or the watchlist's
counts and one page of it), one or two more while searching for a title to add."""
import re

import streamlit as st

from core import playlists, titles, watchlist
from core.paging import last_page
from core.search import Filters, resolve
from core.words import plural
from ui.cards import md, media_page, page_number, pager
from ui.feedback import attempt, confirm_button, error_beside
from ui.layout import kept_tabs, name_and_button, page_header, signed_in_user

WATCHLIST_PAGE_SIZE = 25
SEARCH_RESULTS = 8

user = signed_in_user()
me = user["username"]
page_header("Lists", "Your playlists in the order you like, and your watchlist by status.")

# Only the open tab is read and drawn (ui.layout.kept_tabs): a click on the other one reruns the page.
playlists_tab, watchlist_tab = kept_tabs(["Playlists", "Watchlist"])
my_lists = playlists.list_for_user(me) if playlists_tab.open else []
by_id = {p["playlist_id"]: p for p in my_lists}


def playlist_label(playlist: dict) -> str:
    """'Weekend films (3 titles)': plain text, for the playlist picker."""
    count = playlist["item_count"]
    return f"{playlist['name']} ({plural(count, 'title')})"


def title_label(row: dict) -> str:
    return f"{md(row['title'])} ({row['release_year'] or 'year unknown'}) · {row['media_type']}"


def create_playlist() -> None:
    name = st.session_state.get("new_playlist_name", "")

    def created(playlist_id: int) -> str:
        st.query_params["playlist"] = str(playlist_id)  # show the new playlist
        return f"Created the playlist '{name.strip()}'."

    if attempt(playlists.create_playlist, me, name, st.session_state.get("new_playlist_description"),
               success=created, where="new_playlist"):
        st.session_state["new_playlist_name"] = ""
        st.session_state["new_playlist_description"] = ""


def rename_playlist(playlist_id: int) -> None:
    name = st.session_state.get(f"rename_name_{playlist_id}", "")
    attempt(playlists.rename_playlist, me, playlist_id, name,
            st.session_state.get(f"rename_description_{playlist_id}"), success=f"Saved '{name.strip()}'.",
            where=f"rename_{playlist_id}")


def move_status(media_id: int, title: str) -> None:
    status = st.session_state[f"watch_move_{media_id}"]
    attempt(watchlist.set_status, me, media_id, status,
            success=f"Moved '{title}' to {watchlist.STATUS_LABELS[status]}.", where=f"watch_row_{media_id}")


def show_playlist(playlist: dict) -> None:
    pid = playlist["playlist_id"]
    st.subheader(md(playlist["name"]))
    if playlist["description"]:
        st.caption(md(playlist["description"]))
    rows = playlists.items_of(me, pid)
    if not rows:
        st.info("This playlist is empty. Find a title below to add it, or use 'Add to playlist' on a title's "
                "page.", icon=":material/playlist_add:")
    # Read as a list, edited on demand (as Letterboxd's and Trakt's lists are): a title is one link until
    # "Reorder or remove" shows its move and remove controls. The controls drew 5 elements a title (issue 15: a long
    # playlist was most of the Lists page's cost); the list alone draws 1.
    editing = bool(rows) and st.toggle("Reorder or remove", key=f"edit_{pid}")
    for index, row in enumerate(rows):
        mid = row["media_id"]
        label = f"{index + 1}\\. {title_label(row)}"
        if not editing:
            st.page_link(media_page(), label=label, query_params={"id": str(mid)})
            continue
        line = name_and_button()
        line.page_link(media_page(), label=label, query_params={"id": str(mid)}, width="stretch")
        line.button("", key=f"up_{pid}_{mid}", icon=":material/arrow_upward:", help="Move up",
                    disabled=index == 0, on_click=attempt, args=(playlists.move_item, me, pid, mid, -1),
                    kwargs={"success": f"Moved '{row['title']}' up.", "where": f"item_{pid}_{mid}"})
        line.button("", key=f"down_{pid}_{mid}", icon=":material/arrow_downward:", help="Move down",
                    disabled=index == len(rows) - 1, on_click=attempt, args=(playlists.move_item, me, pid, mid, 1),
                    kwargs={"success": f"Moved '{row['title']}' down.", "where": f"item_{pid}_{mid}"})
        line.button("", key=f"remove_{pid}_{mid}", icon=":material/close:", help="Remove from this playlist",
                    on_click=attempt, args=(playlists.remove_item, me, pid, mid),
                    kwargs={"success": f"Removed '{row['title']}' from '{playlist['name']}'.",
                            "where": f"item_{pid}_{mid}"})
        error_beside(f"item_{pid}_{mid}")

    query = st.text_input("Add a title", key=f"add_query_{pid}", placeholder="Type part of a title or a name")
    if query.strip():
        found = titles.search_titles(resolve(Filters(query=query)), me, per_page=SEARCH_RESULTS).rows
        if not found:
            st.caption("No title matches that. Try fewer or shorter words.")
        else:
            labels = {r["media_id"]: f"{r['title']} ({r['release_year'] or 'year unknown'}) · {r['media_type']}"
                      for r in found}
            choice = st.selectbox("Matching titles", list(labels), format_func=labels.get, key=f"add_choice_{pid}")
            st.button(f"Add to {md(playlist['name'])}", key=f"add_{pid}", icon=":material/playlist_add:",
                      on_click=attempt, args=(playlists.add_item, me, pid, choice),
                      kwargs={"success": f"Added '{labels[choice]}' to '{playlist['name']}'.", "where": f"add_{pid}"})
            error_beside(f"add_{pid}")

    with st.expander("Rename or describe"):
        with st.form(f"rename_{pid}"):
            st.text_input("Name", value=playlist["name"], max_chars=playlists.NAME_MAX, key=f"rename_name_{pid}")
            st.text_area("Description", value=playlist["description"] or "", max_chars=playlists.DESCRIPTION_MAX,
                         key=f"rename_description_{pid}")
            st.form_submit_button("Save", on_click=rename_playlist, args=(pid,))
        error_beside(f"rename_{pid}")
    confirm_button(
        "Delete playlist…", key=f"delete_{pid}",
        question=f"Delete **{md(playlist['name'])}** and its {plural(len(rows), 'title')}? "
                 "This cannot be undone.",
        action=lambda: attempt(playlists.delete_playlist, me, pid,
                               success=lambda name: f"Deleted the playlist '{name}'.", where=f"delete_{pid}"),
        confirm_label="Yes, delete it")


def show_watchlist() -> None:
    status_counts = watchlist.status_counts(me)
    for col, status in zip(st.columns(len(watchlist.STATUSES)), watchlist.STATUSES, strict=False):
        col.metric(watchlist.STATUS_LABELS[status], status_counts[status])
    if not sum(status_counts.values()):
        st.info("Your watchlist is empty. On a title's page choose a status (Plan to watch, Watching, ...) to "
                "track it here.", icon=":material/bookmark_add:")
        return
    # The status shown last, kept outside the widget: Streamlit forgets a widget's value once a run does not
    # draw it, and the Playlists tab draws no watchlist (ui.layout.kept_tabs).
    shown = st.session_state.get("watch_status_shown")
    first_used = next(i for i, status in enumerate(watchlist.STATUSES) if status_counts[status])
    status = st.radio("Show", watchlist.STATUSES, horizontal=True, key="watch_status",
                      index=watchlist.STATUSES.index(shown) if shown in watchlist.STATUSES else first_used,
                      format_func=lambda s: f"{watchlist.STATUS_LABELS[s]} ({status_counts[s]})")
    st.session_state["watch_status_shown"] = status
    total = status_counts[status]
    if not total:
        st.caption(f"Nothing is '{watchlist.STATUS_LABELS[status]}' right now.")
        return
    page_key = f"watch_page_{status}"
    page = last_page(page_number(page_key), total, WATCHLIST_PAGE_SIZE)
    rows = watchlist.items_for_user(me, status, limit=WATCHLIST_PAGE_SIZE, offset=(page - 1) * WATCHLIST_PAGE_SIZE)
    for row in rows:
        mid = row["media_id"]
        line = name_and_button()  # one flex row: 4 elements a title, where columns drew 7
        line.page_link(media_page(), label=title_label(row), query_params={"id": str(mid)}, width="stretch")
        line.selectbox("Move to", watchlist.STATUSES, index=watchlist.STATUSES.index(status),
                       format_func=watchlist.STATUS_LABELS.get, key=f"watch_move_{mid}",
                       label_visibility="collapsed", on_change=move_status, args=(mid, row["title"]), width=180)
        line.button("", key=f"watch_remove_{mid}", icon=":material/close:", help="Remove from the watchlist",
                    on_click=attempt, args=(watchlist.remove, me, mid),
                    kwargs={"success": f"Removed '{row['title']}' from your watchlist.",
                            "where": f"watch_row_{mid}"})
        error_beside(f"watch_row_{mid}")
    if total > WATCHLIST_PAGE_SIZE:
        pager(page_key, total, WATCHLIST_PAGE_SIZE, noun="titles")


def chosen_playlist() -> int:
    """The playlist `?playlist=` names if it is one of mine, else my first: the URL keeps the choice across a
    refresh, a shared link and Back (the picker alone forgot it on every full load)."""
    wanted = st.query_params.get("playlist", "")
    mine = re.fullmatch(r"[0-9]{1,18}", wanted) and int(wanted) in by_id
    chosen = int(wanted) if mine else my_lists[0]["playlist_id"]
    if wanted and not mine:  # deleted, someone else's or garbled: the first one is shown, not that
        del st.query_params["playlist"]
    return chosen


def pick_playlist() -> None:
    st.query_params["playlist"] = str(st.session_state["lists_playlist"])


if playlists_tab.open:
    with playlists_tab:
        with st.expander("New playlist", expanded=not my_lists, icon=":material/add:"):
            with st.form("new_playlist"):
                st.text_input("Name", key="new_playlist_name", max_chars=playlists.NAME_MAX,
                              placeholder="e.g. Weekend films")
                st.text_input("Description (optional)", key="new_playlist_description",
                              max_chars=playlists.DESCRIPTION_MAX)
                st.form_submit_button("Create playlist", on_click=create_playlist)
            error_beside("new_playlist")
        if not my_lists:
            st.info("You have no playlists yet. Create one above, then add titles to it here or from a title's page.",
                    icon=":material/playlist_play:")
        else:
            st.session_state["lists_playlist"] = chosen_playlist()
            chosen = st.selectbox("Playlist", list(by_id), key="lists_playlist", on_change=pick_playlist,
                                  format_func=lambda pid: playlist_label(by_id[pid]))
            show_playlist(by_id[chosen])
if watchlist_tab.open:
    with watchlist_tab:
        show_watchlist()
