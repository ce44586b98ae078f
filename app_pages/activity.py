"""Activity log: who changed what and when, filtered and paged in SQL; the old and new values of a change side
by side; CSV download of the filtered rows; retention for admins."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import pandas as pd
import streamlit as st

from core import activity, permissions
from ui import cards
from ui.cards import md
from ui.feedback import attempt, error_beside
from ui.layout import page_header, require

ALL = "(all)"


def filters(role: str) -> activity.LogFilter:
    c1, c2, c3, c4, c5 = st.columns([2, 1, 2, 1.5, 1.5])
    table = c1.selectbox("Table", [ALL, *activity.tables_for(role)], key="al_table")
    operation = c2.selectbox("Operation", [ALL, *activity.OPERATIONS], key="al_op")
    username = c3.text_input("User", key="al_user", max_chars=50, placeholder="exact username")
    since = c4.date_input("From", value=None, key="al_from", format="YYYY-MM-DD")
    until = c5.date_input("To (inclusive)", value=None, key="al_to", format="YYYY-MM-DD")
    if since and until and since > until:
        st.error("The From date is after the To date: swap them or clear one.")
        st.stop()
    return activity.LogFilter(
        table=None if table == ALL else table, operation=None if operation == ALL else operation,
        username=username.strip() or None,
        since=datetime.combine(since, time.min) if since else None,
        until=datetime.combine(until, time.min) + timedelta(days=1) if until else None)


def changed_fields(details: dict) -> str:
    return ", ".join(line["field"] for line in activity.side_by_side(details) if line["changed"]) or "—"


def show_change(row: dict) -> None:
    about, media_id = activity.subject(row)
    st.subheader(f"{row['operation']} on {row['table_name']} · {md(about)}")
    who = md(row["username"]) if row["username"] else "(no user: a script or the database itself)"
    st.caption(f"by {who} at {row['changed_at']} · record {md(row['record_id'])}")
    if media_id is not None:
        st.page_link(cards.media_page(), label="Open the title", icon=":material/movie:",
                     query_params={"id": str(media_id)})
    lines = activity.side_by_side(row["change_details"])
    if not lines:
        st.info("This entry has no recorded values.")
        return
    frame = pd.DataFrame([{"field": line["field"], "old": _text(line["old"]), "new": _text(line["new"]),
                           "changed": "●" if line["changed"] else ""} for line in lines])
    st.dataframe(frame, hide_index=True, width="stretch")


def _text(value) -> str:
    return "" if value is None else str(value)


@st.dialog("Delete old activity?")
def confirm_prune(days: int) -> None:
    count = activity.count_older_than(user["role"], days)
    if not count:
        st.info(f"No activity is older than {days} days: nothing to delete.")
        return
    st.write(f"This deletes **{count:,}** entries older than {days} days, for good. The prune itself is recorded.")
    if st.button(f"Delete {count:,} entries", type="primary", key="al_prune_confirm"):
        attempt(activity.prune_older_than, user["username"], days, where="al_prune_confirm", rerun=True,
                success=lambda removed: f"Deleted {removed:,} old entries.")
    error_beside("al_prune_confirm")


user = require("view_dashboard")
page_header("Activity log", "Every change to the catalog" +
            (", accounts and reviews" if permissions.may(user["role"], "view_activity_all") else "") +
            ": who, what and when. Filter, open a change to compare old and new values, or download CSV.")

log_filter = filters(user["role"])
view = repr(log_filter)
page_no = st.session_state.get(f"al_page_{view}", 1)
found = activity.page(user["role"], log_filter, page_no)  # one past the end shows the last page
rows, total, capped = found.rows, found.total, found.capped

if not rows:
    st.info("No activity matches these filters. Clear a filter or widen the dates.")
else:
    st.caption("Newest first.")
    st.dataframe(pd.DataFrame([{"when": r["changed_at"], "user": r["username"], "table": r["table_name"],
                                "operation": r["operation"], "about": activity.subject(r)[0],
                                "record": r["record_id"],
                                "changed fields": changed_fields(r["change_details"])} for r in rows]),
                 hide_index=True, width="stretch")
    by_id = {r["log_id"]: r for r in rows}
    chosen = st.selectbox("Compare old and new values of", list(by_id), key="al_pick",
                          format_func=lambda i: f"{by_id[i]['changed_at']} · {by_id[i]['operation']} "
                                                f"{by_id[i]['table_name']} · {activity.subject(by_id[i])[0]}")
    show_change(by_id[chosen])

cards.pager(f"al_page_{view}", total, found.page_size, noun="entries", capped=capped)
st.download_button(
    "Download CSV", data=lambda: activity.export_csv(user["role"], log_filter)[0], file_name="activity.csv",
    mime="text/csv", on_click="ignore", key="al_csv",
    help=f"The filtered entries, newest first, at most {activity.EXPORT_LIMIT:,} rows.")
st.caption(f"The CSV holds the entries matching the filters above, newest first, at most "
           f"{activity.EXPORT_LIMIT:,} rows.")

if permissions.may(user["role"], "prune_activity_log"):
    with st.expander("Retention: delete old activity"):
        st.caption("The log grows with every change. Keep what you need for audits and delete the rest; "
                   "see docs/activity-retention.md for a scheduled alternative.")
        days = st.number_input("Delete entries older than (days)", min_value=1, max_value=36500, value=365,
                               step=1, key="al_days")
        if st.button("Delete old entries…", key="al_prune"):
            confirm_prune(int(days))
