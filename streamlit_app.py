"""StreamSync entry point: page config, session restore, navigation built from the user's role, run.

`streamlit run streamlit_app.py` first imports this file to look for an ASGI app; that import (name
"streamlit_app") builds `app`, an st.App that serves the pages plus the route which sets the HttpOnly
login cookie (ui/session_cookie.py) and the iCal feed of upcoming episodes (ui/ical_route.py). Streamlit
then runs this file as "__main__" for every page view."""
import streamlit as st

if __name__ != "__main__":
    import threading

    from streamlit import config

    from core import search
    from ui import gc_settings, ical_route, message_batching, session_cookie, theme_message

    gc_settings.apply()
    theme_message.install()
    message_batching.install()
    threading.Thread(target=search.warm_up, name="search-index-warm-up", daemon=True).start()

    # Page files live in app_pages/, not pages/: a folder named pages/ makes Streamlit serve each file
    # directly (old-style multipage app) until st.navigation first runs, bypassing the role-built navigation.
    base_url_path = config.get_option("server.baseUrlPath")
    app = st.App(__file__, routes=session_cookie.routes(base_url_path) + ical_route.routes(base_url_path))
else:
    from core.errors import DatabaseUnavailable
    from ui.card_grid import open_pending
    from ui.feedback import settle_errors
    from ui.layout import database_down
    from ui.navigation import pages_for
    from ui.session import account_sidebar, current_user, deliver_pending
    from ui.style import apply as apply_style
    from ui.widget_memory import install as forget_gone_widgets

    forget_gone_widgets()

    st.set_page_config(page_title="StreamSync", page_icon=":material/movie:", layout="wide")
    apply_style()

    try:
        user = current_user()
    except DatabaseUnavailable as exc:
        database_down(exc)
        st.stop()

    # Expanded: with the history pages a viewer has 14 links, and a collapsed menu would hide Profile and
    # the rest behind "View 4 more".
    page = st.navigation(pages_for(user), expanded=True)
    if user:
        open_pending()  # a card clicked in the last run: its title page, without drawing its page again
    deliver_pending()
    if user:
        account_sidebar(user)
    top = st.empty()  # refusals whose control is gone (ui.feedback.settle_errors)
    try:
        page.run()
    except DatabaseUnavailable as exc:
        database_down(exc)
    finally:
        settle_errors(top)  # a refusal is shown in the run after its action, never again
