"""Which pages exist for whom. Built on every run from the role, so a page the role lacks has no route."""
from __future__ import annotations

import streamlit as st

from core import permissions

# (file, title, icon, url path, action the role needs)
PUBLIC_PAGES = [
    ("pages/landing.py", "Welcome", ":material/movie:", "welcome", None),
    ("pages/login.py", "Log in", ":material/login:", "login", None),
    ("pages/register.py", "Register", ":material/person_add:", "register", None),
]
SECTIONS = {
    "Browse": [
        ("pages/home.py", "Home", ":material/home:", "home", "browse"),
        ("pages/explore.py", "Explore", ":material/search:", "explore", "browse"),
        ("pages/media.py", "Title details", ":material/movie_info:", "media", "browse"),
    ],
    "My library": [
        ("pages/lists.py", "Lists", ":material/playlist_play:", "lists", "own_data"),
        ("pages/progress.py", "Progress", ":material/live_tv:", "progress", "own_data"),
        ("pages/friends.py", "Friends", ":material/group:", "friends", "own_data"),
        ("pages/profile.py", "Profile", ":material/account_circle:", "profile", "own_data"),
    ],
    "Moderation": [
        ("pages/moderation_editor.py", "Table editor", ":material/table_edit:", "table-editor", "edit_catalog"),
        ("pages/moderation_reviews.py", "Reviews", ":material/rate_review:", "review-queue", "moderate_reviews"),
        ("pages/dashboard.py", "Dashboard", ":material/monitoring:", "dashboard", "view_dashboard"),
        ("pages/activity.py", "Activity log", ":material/history:", "activity", "view_dashboard"),
    ],
    "Admin": [
        ("pages/admin_users.py", "Users", ":material/manage_accounts:", "users", "manage_users"),
    ],
}


def _page(spec, default: bool = False) -> st.Page:
    path, title, icon, url_path, _ = spec
    return st.Page(path, title=title, icon=icon, url_path=url_path, default=default)


def pages_for(user: dict | None) -> dict[str, list[st.Page]]:
    if user is None:
        return {"StreamSync": [_page(spec, default=(i == 0)) for i, spec in enumerate(PUBLIC_PAGES)]}
    role = user["role"]
    sections: dict[str, list[st.Page]] = {}
    first = True
    for name, specs in SECTIONS.items():
        allowed = [spec for spec in specs if permissions.may(role, spec[4])]
        if allowed:
            sections[name] = []
            for spec in allowed:
                sections[name].append(_page(spec, default=first))
                first = False
    return sections
