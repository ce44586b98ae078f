"""The page registry, and which pages exist for whom. Navigation is built on every run from the role, so a page
the role lacks has no route. Everything that links or switches to a page names it here: path("media")."""
from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from core import permissions


class PageSpec(NamedTuple):
    path: str               # the page's file
    title: str
    icon: str
    url_path: str           # its name in the URL and in path()
    action: str | None      # what the role needs (None: the logged-out pages)


PUBLIC_PAGES = [
    PageSpec("app_pages/landing.py", "Welcome", ":material/movie:", "welcome", None),
    PageSpec("app_pages/login.py", "Log in", ":material/login:", "login", None),
    PageSpec("app_pages/register.py", "Register", ":material/person_add:", "register", None),
]
SECTIONS = {
    "Browse": [
        PageSpec("app_pages/home.py", "Home", ":material/home:", "home", "browse"),
        PageSpec("app_pages/explore.py", "Explore", ":material/search:", "explore", "browse"),
        PageSpec("app_pages/media.py", "Title details", ":material/movie_info:", "media", "browse"),
        PageSpec("app_pages/feed.py", "Feed", ":material/dynamic_feed:", "feed", "own_data"),
        PageSpec("app_pages/add_title.py", "Add a title", ":material/add_circle:", "add-title", "browse"),
    ],
    "My library": [
        PageSpec("app_pages/lists.py", "Lists", ":material/playlist_play:", "lists", "own_data"),
        PageSpec("app_pages/progress.py", "Progress", ":material/live_tv:", "progress", "own_data"),
        PageSpec("app_pages/diary.py", "Diary", ":material/book:", "diary", "own_data"),
        PageSpec("app_pages/my_stats.py", "My statistics", ":material/insights:", "my-stats", "own_data"),
        PageSpec("app_pages/calendar.py", "Calendar", ":material/calendar_month:", "calendar", "own_data"),
        PageSpec("app_pages/friends.py", "Friends", ":material/group:", "friends", "own_data"),
        PageSpec("app_pages/profile.py", "Profile", ":material/account_circle:", "profile", "own_data"),
        PageSpec("app_pages/import_history.py", "Import", ":material/upload_file:", "import", "own_data"),
        PageSpec("app_pages/export.py", "Export", ":material/download:", "export", "own_data"),
    ],
    "Moderation": [
        PageSpec("app_pages/moderation_editor.py", "Table editor", ":material/table_edit:", "table-editor",
                 "edit_catalog"),
        PageSpec("app_pages/moderation_reviews.py", "Reviews", ":material/rate_review:", "review-queue",
                 "moderate_reviews"),
        PageSpec("app_pages/moderation_merge.py", "Merge duplicates", ":material/merge:", "merge-titles",
                 "edit_catalog"),
        PageSpec("app_pages/dashboard.py", "Dashboard", ":material/monitoring:", "dashboard", "view_dashboard"),
        PageSpec("app_pages/activity.py", "Activity log", ":material/history:", "activity", "view_dashboard"),
    ],
    "Admin": [
        PageSpec("app_pages/admin_users.py", "Users", ":material/manage_accounts:", "users", "manage_users"),
    ],
}


REGISTRY: dict[str, PageSpec] = {spec.url_path: spec for spec in
                                  [*PUBLIC_PAGES, *(spec for specs in SECTIONS.values() for spec in specs)]}


def path(name: str) -> str:
    """The file of the page registered as `name` (its URL path: "media", "explore", "login", ...)."""
    return REGISTRY[name].path


# Pages reached only through a link that says which one (a title's page needs its ?id=): a menu entry would
# open "No title was chosen".
NOT_IN_MENU = {"media"}


def _page(spec, default: bool = False) -> st.Page:
    path, title, icon, url_path, _ = spec
    return st.Page(path, title=title, icon=icon, url_path=url_path, default=default,
                   visibility="hidden" if url_path in NOT_IN_MENU else "visible")


def _stand_in(shown: PageSpec, spec: PageSpec) -> st.Page:
    """The page `shown` (the login form, or the password change) at another member page's address: once done
    it reruns that same address (its query too), which is then the page itself. Without it the address had no
    route: "Page not found", and Home afterwards. Only the app's own pages get one, so there is no address
    to send anyone elsewhere."""
    return st.Page(shown.path, title=shown.title, icon=shown.icon, url_path=spec.url_path, visibility="hidden")


def _member_specs() -> list[PageSpec]:
    return [spec for specs in SECTIONS.values() for spec in specs]


def asked_for(url: str | None) -> PageSpec | None:
    """The member page whose address `url` (st.context.url: the current page's, no query) is, or None on a
    public page's."""
    name = (url or "").rstrip("/").rsplit("/", 1)[-1]
    spec = REGISTRY.get(name)
    return spec if spec is not None and spec.action is not None else None


NAV_CACHE = "navigation_built"  # session state: (who, sections, {page file: its st.Page}) of the session


def registered(page_path: str) -> st.Page | str:
    """The st.Page this session's navigation registered for the file, for st.page_link; else the file's path.
    Given a path, page_link resolves it on disk (os.path.realpath) for every link: 12 % of a worker's time
    under load went there, with 30-40 title links on Home and Explore. Given the registered Page it looks
    nothing up."""
    built = st.session_state.get(NAV_CACHE)
    return built[2].get(page_path, page_path) if built else page_path


def _by_file(sections: dict[str, list[st.Page]]) -> dict[str, st.Page]:
    # A stand-in (the login or password form at another page's address) is not the page its address names:
    # its title is the form's. (A default page's url_path is "": it keeps being linked by its path.)
    return {REGISTRY[page.url_path].path: page for pages in sections.values() for page in pages
            if page.url_path in REGISTRY and page.title == REGISTRY[page.url_path].title}


def pages_for(user: dict | None) -> dict[str, list[st.Page]]:
    """The navigation of `user` (None: logged out). Built once per session and kind of user: each st.Page
    resolves its file on disk when made, and making twenty of them on every run was an eighth of a worker's
    time under load. A session's runs follow one another, so its Page objects are never in two runs at once."""
    who = None if user is None else (user["role"], bool(user.get("must_change_password")))
    built = st.session_state.get(NAV_CACHE)
    if built is None or built[0] != who:
        sections = _sections_for(user)
        built = st.session_state[NAV_CACHE] = (who, sections, _by_file(sections))
    return built[1]


def _sections_for(user: dict | None) -> dict[str, list[st.Page]]:
    if user is None:
        public = [_page(spec, default=(i == 0)) for i, spec in enumerate(PUBLIC_PAGES)]
        return {"StreamSync": public + [_stand_in(REGISTRY["login"], spec) for spec in _member_specs()]}
    if user.get("must_change_password"):
        # An admin reset the password, or it is the published demo one on an instance others can reach: the
        # user must choose a new one before anything else, wherever the address pointed.
        profile = REGISTRY["profile"]
        return {"My library": [_page(profile, default=True)] +
                [_stand_in(profile, spec) for spec in _member_specs() if spec is not profile]}
    role = user["role"]
    sections: dict[str, list[st.Page]] = {}
    first = True
    for name, specs in SECTIONS.items():
        allowed = [spec for spec in specs if permissions.may(role, spec.action)]
        if allowed:
            sections[name] = []
            for spec in allowed:
                sections[name].append(_page(spec, default=first))
                first = False
    return sections
