"""Calendar: the announced episodes of the series I follow (in progress, or on my watchlist and not dropped),
this week, later this month and after; and the iCal feed that puts them in a calendar app. Three statements
per render with the session check: the episodes and whether I have a feed."""
from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from core import ical, watching
from ui import cards
from ui.layout import page_header, signed_in_user
from ui.navigation import path
from ui.watching import upcoming_list

user = signed_in_user()
me = user["username"]
page_header("Calendar", "New episodes of the series you follow, by air date. Put them in your calendar app "
            "with your iCal feed.")

today = date.today()
rows = watching.upcoming(me, today)
feed_since = ical.created_at(me)

week_end = today + timedelta(days=6 - today.weekday())  # through Sunday
next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
sections = [
    ("This week", [r for r in rows if r["air_date"] <= week_end]),
    ("This month", [r for r in rows if week_end < r["air_date"] < next_month]),
    ("Later", [r for r in rows if r["air_date"] >= next_month and r["air_date"] > week_end]),
]
cols = st.columns(3)
for col, (name, found) in zip(cols, sections, strict=False):
    col.metric(name, len(found))

if not rows:
    st.info("None of the series you follow has an episode announced. Add series to your watchlist (or mark "
            "episodes you have seen): their new episodes will show up here.", icon=":material/event_busy:")
    st.page_link(cards.explore_page(), label="Find a series on Explore", icon=":material/search:")
for name, found in sections:
    if found:
        st.subheader(name)
        upcoming_list(found)

st.subheader("iCal feed")
if feed_since:
    st.caption(f"Your calendar feed is on (its URL was made on {feed_since:%d %b %Y}). Regenerate or revoke it "
               "on your Profile; the URL is shown only when it is made.")
else:
    st.caption("Subscribe to your upcoming episodes from Google Calendar, Apple Calendar or Thunderbird: make "
               "your private feed URL on your Profile.")
st.page_link(path("profile"), label="Calendar feed on Profile", icon=":material/rss_feed:")
