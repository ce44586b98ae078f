"""Review moderation: the queue of reported, recent and hidden reviews; hide or unhide with a reason,
dismiss reports, delete after a confirmation. Every action is audited by the reviews triggers."""
from __future__ import annotations

import streamlit as st

from core import moderation
from core.words import plural
from ui import cards
from ui.cards import md, stars
from ui.feedback import attempt, error_beside
from ui.layout import page_header, require

QUEUE_LABELS = {"reported": "Reported", "recent": "Recent (30 days)", "hidden": "Hidden"}


def act(action, *args, done: str, where: str) -> None:
    """Run a moderation write as the moderator (ui.feedback.attempt); the page then shows the new state."""
    attempt(action, user["username"], *args, success=done, where=where, rerun=True)


@st.dialog("Delete this review?")
def confirm_delete(review: dict) -> None:
    st.write(f"The review by **{md(review['username'])}** of **{md(review['title'])}** ({stars(review['rating'])}) "
             "goes for good, with its reports; the title's average rating is recomputed.")
    if st.button("Delete the review", type="primary", key="mr_confirm_delete"):
        act(moderation.delete_review, review["review_id"], done="Review deleted.", where="mr_confirm_delete")
    error_beside("mr_confirm_delete")


def review_card(review: dict) -> None:
    rid = review["review_id"]
    with st.container(border=True):
        st.page_link(cards.media_page(), label=f"**{md(review['title'])}**", icon=":material/movie:",
                     query_params={"id": str(review["media_id"])})
        st.markdown(f"{stars(review['rating'])} by **{md(review['username'])}** · "
                    f"{review['created_at']:%Y-%m-%d %H:%M}")
        if review["contains_spoilers"]:
            st.caption("Marked as containing spoilers.")
        st.text(review["review_text"] or "(a bare rating, no text)")
        if review["open_reports"]:
            # Reasons are viewers' text: escaped, one per line (a Markdown hard break between them).
            st.warning(f"{plural(review['open_reports'], 'open report')}:\n\n" +
                       "  \n".join(md(line) for line in review["reasons"].splitlines()))
        if review["hidden_by"] is not None:
            st.info(f"Hidden by {md(review['hidden_by'])}: {md(review['hidden_reason'])}")
            if st.button("Unhide", key=f"mr_unhide_{rid}"):
                act(moderation.unhide_review, rid, done="Review visible again.", where=f"mr_unhide_{rid}")
            error_beside(f"mr_unhide_{rid}")
        else:
            reason_col, hide_col = st.columns([3, 1], vertical_alignment="bottom")
            reason = reason_col.text_input("Reason for hiding (its author sees it)", key=f"mr_reason_{rid}",
                                           max_chars=moderation.REASON_MAX,
                                           placeholder="e.g. spoilers without a warning")
            if hide_col.button("Hide", key=f"mr_hide_{rid}", width="stretch"):
                act(moderation.hide_review, rid, reason, done="Review hidden.", where=f"mr_hide_{rid}")
            error_beside(f"mr_hide_{rid}")
        left, right = st.columns(2)
        if review["open_reports"] and left.button("Dismiss reports (keep visible)", key=f"mr_dismiss_{rid}"):
            act(moderation.dismiss_reports, rid, done="Reports dismissed.", where=f"mr_dismiss_{rid}")
        error_beside(f"mr_dismiss_{rid}")
        if right.button("Delete…", key=f"mr_delete_{rid}"):
            confirm_delete(review)


user = require("moderate_reviews")
page_header("Reviews", "Work through reported reviews: hide one with a reason, dismiss the reports, or delete it.")

kind = st.segmented_control("Queue", list(QUEUE_LABELS), format_func=QUEUE_LABELS.get, default="reported",
                            key="mr_queue") or "reported"
page_no = st.session_state.get(f"mr_page_{kind}", 1)
found = moderation.queue(user["role"], kind, page_no)  # past the end: the last page
reviews, total = found.rows, found.total

if not reviews:
    st.info({"reported": "No open reports. When viewers report a review it shows up here.",
             "recent": "No reviews in the last 30 days.",
             "hidden": "No hidden reviews."}[kind])
else:
    for review in reviews:
        review_card(review)
cards.pager(f"mr_page_{kind}", total, found.page_size, noun="reviews")
