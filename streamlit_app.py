"""StreamSync entry point: page config, session restore, navigation built from the user's role, run."""
import streamlit as st

from db.errors import DatabaseUnavailable
from ui.layout import database_down
from ui.navigation import pages_for
from ui.session import current_user

st.set_page_config(page_title="StreamSync", page_icon=":material/movie:", layout="wide")

try:
    user = current_user()
except DatabaseUnavailable as exc:
    database_down(exc)
    st.stop()

page = st.navigation(pages_for(user))
try:
    page.run()
except DatabaseUnavailable as exc:
    database_down(exc)
