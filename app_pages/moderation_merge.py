"""Merge duplicates: a moderator names the title to keep and its duplicate, sees what would move, and merges
them in one audited transaction (core/merge.py). Statements per render: the session check, and per chosen
id one lookup of the title and one count of what points at it."""
import streamlit as st

from core.merge import merge_titles
from db import catalog
from db.merge import pointing_rows
from ui import cards
from ui.feedback import attempt, confirm_button
from ui.layout import page_header, require

user = require("edit_catalog")
page_header("Merge duplicates", "Two titles that are the same film or series become one: reviews, lists and "
                                "progress move to the one you keep.")

left, right = st.columns(2)
keep_id = left.number_input("Keep title id", min_value=1, max_value=catalog.MAX_ID, value=None, step=1)
gone_id = right.number_input("Merge away title id", min_value=1, max_value=catalog.MAX_ID, value=None, step=1)


def describe(column, media_id: int | None) -> dict | None:
    if media_id is None:
        column.caption("Type a title id (it is in the address of its page: /media?id=N).")
        return None
    title = catalog.title_for_viewer(int(media_id), user["username"])
    if title is None:
        column.error(f"There is no title with id {int(media_id)}.", icon=":material/error:")
        return None
    column.markdown(f"**{cards.md(title['title'])}** · {title['release_year'] or 'year unknown'} · "
                    f"{title['media_type']}")
    counts = pointing_rows(None, int(media_id))
    column.caption(" · ".join(f"{n:,} {table.replace('_', ' ')}" for table, n in counts.items() if n) or
                   "nothing points at it")
    return title


keep, gone = describe(left, keep_id), describe(right, gone_id)
if keep and gone:
    if keep["media_id"] == gone["media_id"]:
        st.warning("Choose two different titles.")
    else:
        confirm_button(
            "Merge", key="merge_titles",
            question=f"Merge “{cards.md(gone['title'])}” into “{cards.md(keep['title'])}”? The first is deleted; "
                     f"a user who rated both keeps the newer rating.",
            action=lambda: attempt(merge_titles, user["username"], keep["media_id"], gone["media_id"],
                                   success=lambda r: f"Merged “{r.duplicate_title}” into #{r.survivor}."),
            confirm_label="Yes, merge them")
