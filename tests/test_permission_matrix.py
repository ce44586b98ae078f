"""DESIGN.md's permission matrix, row by row: which privileged pages each role can route to and open, that a
page opened without the right stops itself, and that every privileged write in db/ refuses a role without
the right (PermissionDenied) while the role with it succeeds."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import activity, admin_users, dashboard, moderation, reviews, tables
from db import users
from db.errors import PermissionDenied
from tests.accounts_helpers import make_user
from tests.apptest import TIMEOUT, open_app, texts
from tests.catalog_helpers import add_title

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# page -> (its title, the roles that may open it), straight from DESIGN.md's Roles table.
PRIVILEGED_PAGES = {
    "app_pages/moderation_editor.py": ("Table editor", {"moderator", "admin"}),
    "app_pages/moderation_reviews.py": ("Reviews", {"moderator", "admin"}),
    "app_pages/dashboard.py": ("Dashboard", {"moderator", "admin"}),
    "app_pages/activity.py": ("Activity log", {"moderator", "admin"}),
    "app_pages/admin_users.py": ("Users", {"admin"}),
}
ROLES = ("user", "moderator", "admin")


def name(tag: str) -> str:
    return f"{tag}{uuid.uuid4().hex[:8]}"


@pytest.fixture
def people(empty_db):
    return {role: make_user(name(role[:3]), role=role) for role in ROLES}


@pytest.mark.parametrize("role", ROLES)
def test_navigation_routes_each_role_to_its_pages_only(people, role):
    at = open_app(people[role])
    for page, (title, allowed) in PRIVILEGED_PAGES.items():
        if role in allowed:
            at.switch_page(page)
            at.run()
            assert not at.exception, (page, at.exception)
            assert at.title[0].value == title
            assert "You do not have permission" not in texts(at)
        else:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(page)


@pytest.mark.parametrize("page", sorted(PRIVILEGED_PAGES))
def test_a_page_opened_without_the_right_stops_itself(people, page):
    """Navigation is not the only guard: run the page file directly as a viewer."""
    at = AppTest.from_file(str(PROJECT_ROOT / page), default_timeout=TIMEOUT)
    at.session_state["user"] = users.get_user(people["user"])
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["You do not have permission to open this page."]


def writes(people: dict, media: int, review: int) -> dict[str, list]:
    """Every privileged write (and privileged read) in db/, grouped by the matrix row that allows it."""
    victim = people["user"]
    return {
        "edit catalog": [
            lambda actor: tables.apply_changes(actor, "genres", [{"name": name("Genre")}], [], []),
            lambda actor: tables.apply_changes(actor, "media", [], [({"media_id": media}, {"release_year": 2001})], []),
        ],
        "moderate reviews": [
            lambda actor: moderation.hide_review(actor, review, "Spoilers"),
            lambda actor: moderation.unhide_review(actor, review),
            lambda actor: moderation.dismiss_reports(actor, review),
        ],
        "manage users": [
            lambda actor: admin_users.lock_user(actor, victim),
            lambda actor: admin_users.unlock_user(actor, victim),
            lambda actor: admin_users.reset_password(actor, victim, "$2b$04$" + "x" * 53),
            lambda actor: admin_users.change_role(actor, victim, "user"),
        ],
        "edit user tables": [
            lambda actor: tables.apply_changes(actor, "users", [], [({"username": victim}, {"firstname": "New"})], []),
        ],
        "prune the activity log": [lambda actor: activity.prune_older_than(actor, 3650)],
    }


ALLOWED = {"edit catalog": {"moderator", "admin"}, "moderate reviews": {"moderator", "admin"},
           "manage users": {"admin"}, "edit user tables": {"admin"}, "prune the activity log": {"admin"}}


@pytest.mark.parametrize("row", sorted(ALLOWED))
def test_each_privileged_write_checks_the_role_in_the_database(people, row):
    author = make_user(name("aut"))
    media = add_title(people["admin"], "Barfi!")
    reviews.save_review(author, media, 8, "Lovely", False)
    review = moderation.queue("admin", "recent").rows[0]["review_id"]
    for role in ROLES:
        for write in writes(people, media, review)[row]:
            if role in ALLOWED[row]:
                write(people[role])
            else:
                with pytest.raises(PermissionDenied):
                    write(people[role])


@pytest.mark.parametrize("role, dashboard_ok, all_activity", [("user", False, False), ("moderator", True, False),
                                                              ("admin", True, True)])
def test_dashboard_and_activity_reads_follow_the_matrix(people, role, dashboard_ok, all_activity):
    if dashboard_ok:
        dashboard.figures(role)
        activity.page(role, activity.LogFilter(table="media"))
    else:
        with pytest.raises(PermissionDenied):
            dashboard.figures(role)
        with pytest.raises(PermissionDenied):
            activity.page(role, activity.LogFilter())
    if all_activity:
        activity.page(role, activity.LogFilter(table="users"))
    else:
        with pytest.raises(PermissionDenied):
            activity.page(role, activity.LogFilter(table="users"))


def test_a_demoted_moderator_loses_the_right_at_once(people):
    """The write reads the role from the database, not from what the page believed at login."""
    admin_users.change_role(people["admin"], people["moderator"], "user")
    with pytest.raises(PermissionDenied):
        tables.apply_changes(people["moderator"], "genres", [{"name": "Noir"}], [], [])
