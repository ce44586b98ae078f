"""Feed: what my friends watched, rated and reviewed, newest first, a page at a time. A series' episodes a
friend watched on one day make one entry; review text marked as a spoiler stays folded until clicked; a
review a moderator hid shows no text. Only accepted friends appear: a blocked user never does, either way.
Two statements per render with the session check."""
from __future__ import annotations

from itertools import groupby

import streamlit as st

from db import watch_events as events
from ui import cards
from ui.layout import page_header, signed_in_user
from ui.watching import feed_entries

PER_PAGE = 30
PAGE_KEY = "feed_page"

user = signed_in_user()
me = user["username"]
page_header("Feed", "What your friends watched, rated and reviewed lately.")

page = cards.page_number(PAGE_KEY)
# one more than a page: whether there is a next page, without counting everything
rows = events.friends_activity(me, PER_PAGE + 1, (page - 1) * PER_PAGE)
if not rows and page == 1:
    st.info("Nothing from friends yet. When your friends log films, tick episodes or rate titles, it shows up "
            "here.", icon=":material/group:")
    st.page_link("app_pages/friends.py", label="Find friends", icon=":material/person_add:")
    st.stop()
if not rows:
    cards.reset_page(PAGE_KEY)
    st.rerun()

for day, on_day in groupby(rows[:PER_PAGE], key=lambda r: r["at"].date()):
    st.subheader(f"{day:%A} {day.day} {day:%B %Y}")
    feed_entries(list(on_day))



def go(to: int) -> None:
    st.session_state[PAGE_KEY] = to


left, middle, right = st.columns([1, 3, 1], vertical_alignment="center")
left.button("‹ Newer", key="feed_prev", disabled=page <= 1, on_click=go, args=(page - 1,), width="stretch")
middle.caption(f"Page {page}")
right.button("Older ›", key="feed_next", disabled=len(rows) <= PER_PAGE, on_click=go, args=(page + 1,),
             width="stretch")
