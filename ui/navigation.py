"""Which pages exist for whom. Built on every run from the role, so a page the role lacks has no route."""
from __future__ import annotations

import streamlit as st

from core import permissions

# (file, title, icon, url path, action the role needs)
PUBLIC_PAGES = [
    ("app_pages/landing.py", "Welcome", ":material/movie:", "welcome", None),
    ("app_pages/login.py", "Log in", ":material/login:", "login", None),
    ("app_pages/register.py", "Register", ":material/person_add:", "register", None),
]
SECTIONS = {
    "Browse": [
        ("app_pages/home.py", "Home", ":material/home:", "home", "browse"),
        ("app_pages/explore.py", "Explore", ":material/search:", "explore", "browse"),
        ("app_pages/media.py", "Title details", ":material/movie_info:", "media", "browse"),
        ("app_pages/feed.py", "Feed", ":material/dynamic_feed:", "feed", "own_data"),
        ("app_pages/add_title.py", "Add a title", ":material/add_circle:", "add-title", "browse"),
    ],
    "My library": [
        ("app_pages/lists.py", "Lists", ":material/playlist_play:", "lists", "own_data"),
        ("app_pages/progress.py", "Progress", ":material/live_tv:", "progress", "own_data"),
        ("app_pages/diary.py", "Diary", ":material/book:", "diary", "own_data"),
        ("app_pages/my_stats.py", "My statistics", ":material/insights:", "my-stats", "own_data"),
        ("app_pages/calendar.py", "Calendar", ":material/calendar_month:", "calendar", "own_data"),
        ("app_pages/friends.py", "Friends", ":material/group:", "friends", "own_data"),
        ("app_pages/profile.py", "Profile", ":material/account_circle:", "profile", "own_data"),
        ("app_pages/import_history.py", "Import", ":material/upload_file:", "import", "own_data"),
        ("app_pages/export.py", "Export", ":material/download:", "export", "own_data"),
    ],
    "Moderation": [
        ("app_pages/moderation_editor.py", "Table editor", ":material/table_edit:", "table-editor", "edit_catalog"),
        ("app_pages/moderation_reviews.py", "Reviews", ":material/rate_review:", "review-queue", "moderate_reviews"),
        ("app_pages/moderation_merge.py", "Merge duplicates", ":material/merge:", "merge-titles", "edit_catalog"),
        ("app_pages/dashboard.py", "Dashboard", ":material/monitoring:", "dashboard", "view_dashboard"),
        ("app_pages/activity.py", "Activity log", ":material/history:", "activity", "view_dashboard"),
    ],
    "Admin": [
        ("app_pages/admin_users.py", "Users", ":material/manage_accounts:", "users", "manage_users"),
    ],
}


def _page(spec, default: bool = False) -> st.Page:
    path, title, icon, url_path, _ = spec
    return st.Page(path, title=title, icon=icon, url_path=url_path, default=default)


def pages_for(user: dict | None) -> dict[str, list[st.Page]]:
    if user is None:
        return {"StreamSync": [_page(spec, default=(i == 0)) for i, spec in enumerate(PUBLIC_PAGES)]}
    if user.get("must_change_password"):
        # An admin reset the password: the user must choose a new one before anything else.
        profile = next(spec for spec in SECTIONS["My library"] if spec[0] == "app_pages/profile.py")
        return {"My library": [_page(profile, default=True)]}
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
