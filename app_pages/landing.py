"""Landing: what StreamSync is, with what this instance holds, and the way in."""
import streamlit as st

from core import dashboard, titles
from ui.layout import page_header
from ui.navigation import path


# Every visitor's first page: four counts over whole tables (40 ms at 500,000 episodes) kept for a minute,
# shared by all sessions of the process; a figure a minute old is as good here.
@st.cache_data(ttl=60, show_spinner=False)
def instance_figures(database: str) -> dict[str, int]:  # per database: a test or a tool may switch
    return titles.landing_counts()


page_header("StreamSync", "Track the films and series you watch, with your friends, on your own server.")
counts = instance_figures(dashboard.cache_key())
cols = st.columns(4)
cols[0].metric("Films", counts["movies"])
cols[1].metric("Series", counts["series"])
cols[2].metric("Episodes", counts["episodes"])
cols[3].metric("Members", counts["users"])
st.write("Keep playlists and a watchlist, follow series episode by episode, rate and review, see what your "
         "friends like and get recommendations with a reason.")
left, right = st.columns(2)
if left.button("Log in", type="primary", width="stretch"):
    st.switch_page(path("login"))
if right.button("Create an account", width="stretch"):
    st.switch_page(path("register"))
