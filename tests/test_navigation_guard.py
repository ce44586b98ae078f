"""Each role reaches exactly its pages: navigation follows the role on every run, so another role's
page has no route (switch_page, i.e. a URL path, is refused), and privileged writes in db/ check the role
in the database themselves."""
import runpy

import pytest
from streamlit import config
from streamlit.runtime.pages_manager import PagesManager

from core import accounts
from db import execute, transaction, users
from db.errors import DataRuleError, PermissionDenied
from tests.accounts_helpers import make_user
from tests.apptest import APP, open_app
from ui.navigation import PUBLIC_PAGES, SECTIONS, asked_for

MODERATION = [spec[0] for spec in SECTIONS["Moderation"]]
ADMIN = [spec[0] for spec in SECTIONS["Admin"]]
EVERYONE = [spec[0] for name in ("Browse", "My library") for spec in SECTIONS[name]]
PUBLIC = [spec[0] for spec in PUBLIC_PAGES]


def reachable(at, page: str) -> bool:
    try:
        at.switch_page(page)
    except ValueError:  # not registered by st.navigation this run: there is no route to it
        return False
    return True


@pytest.mark.parametrize("role, allowed, refused", [
    (None, PUBLIC, EVERYONE + MODERATION + ADMIN),
    ("user", EVERYONE, PUBLIC + MODERATION + ADMIN),
    ("moderator", EVERYONE + MODERATION, PUBLIC + ADMIN),
    ("admin", EVERYONE + MODERATION + ADMIN, PUBLIC),
])
def test_each_role_reaches_exactly_its_pages(empty_db, role, allowed, refused):
    username = make_user(f"nav_{role}", role=role) if role else None
    at = open_app(username)
    assert [page for page in allowed if not reachable(at, page)] == []
    assert [page for page in refused if reachable(at, page)] == []


def test_the_login_form_at_a_member_pages_address_names_that_page():
    # Logged out, every member page's address runs the login form (ui.navigation._stand_in; the browser test
    # logs in there and lands on the page); the form says which page the visitor will land on.
    assert asked_for("http://example.test/streamsync/media").title == "Title details"
    assert asked_for("http://example.test/users").title == "Users"
    for public_or_unknown in ("http://example.test/login", "http://example.test/", None, "http://example.test/x"):
        assert asked_for(public_or_unknown) is None


def test_a_user_cannot_open_a_moderator_or_admin_page_by_path(empty_db):
    at = open_app(make_user("plain_user"), page="app_pages/home.py")
    for page in ("app_pages/moderation_editor.py", "app_pages/dashboard.py", "app_pages/admin_users.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


def test_a_moderator_cannot_open_the_admin_page(empty_db):
    at = open_app(make_user("mod_one", role="moderator"), page="app_pages/moderation_reviews.py")
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/admin_users.py")


def test_a_role_change_takes_effect_on_the_next_run(empty_db):
    make_user("the_admin", role="admin")
    at = open_app(make_user("mod_two", role="moderator"))
    assert reachable(at, "app_pages/dashboard.py")
    accounts.set_role("the_admin", "mod_two", "user")
    at.run()
    assert not reachable(at, "app_pages/dashboard.py")


def test_a_reset_password_allows_only_the_profile_until_changed(empty_db):
    make_user("reset_me")
    with transaction("admin") as conn:
        execute(conn, "UPDATE users SET must_change_password = 1 WHERE username = 'reset_me'")
    at = open_app("reset_me")
    assert "Choose a new password in the Password tab" in at.warning[0].value  # the profile is the page shown
    assert not reachable(at, "app_pages/home.py") and not reachable(at, "app_pages/explore.py")


def test_privileged_writes_check_the_role_in_the_database(empty_db):
    make_user("boss", role="admin")
    make_user("mod_three", role="moderator")
    make_user("viewer")
    for actor in ("viewer", "mod_three", "ghost", None):
        with pytest.raises(PermissionDenied):
            accounts.set_role(actor, "viewer", "admin")
    assert users.get_user("viewer")["role"] == "user"
    accounts.set_role("boss", "viewer", "moderator")
    assert users.get_user("viewer")["role"] == "moderator"
    # A page may believe someone is still an admin; the write asks the database, which says otherwise.
    accounts.set_role("boss", "mod_three", "admin")
    accounts.set_role("mod_three", "boss", "user")
    with pytest.raises(PermissionDenied):
        accounts.set_role("boss", "viewer", "user")


def test_the_last_admin_cannot_be_demoted_and_roles_are_checked(empty_db):
    make_user("only_admin", role="admin")
    with pytest.raises(DataRuleError, match="only_admin is the last admin"):
        accounts.set_role("only_admin", "only_admin", "moderator")
    with pytest.raises(DataRuleError, match="Unknown role"):
        accounts.set_role("only_admin", "only_admin", "superuser")
    with pytest.raises(DataRuleError, match="There is no user"):
        accounts.set_role("only_admin", "nobody_here", "user")
    make_user("second_admin", role="admin")
    accounts.set_role("only_admin", "only_admin", "user")
    assert users.get_user("only_admin")["role"] == "user"


def test_no_page_file_is_served_outside_the_role_built_navigation(monkeypatch):
    # A folder named pages/ beside the entry script makes Streamlit serve each file in it directly (and
    # list them all in the sidebar) until st.navigation first runs: a first visit to /admin_users would
    # skip the role check. PagesManager decides that from the folder's existence alone.
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    PagesManager(APP, setup_watcher=False)
    assert PagesManager.uses_pages_directory is False
    # `streamlit run` imports the entry point (not as __main__) to find the st.App and its routes: the login
    # cookie's and the iCal feed's.
    monkeypatch.setattr(config, "_main_script_path", config._main_script_path)
    namespace = runpy.run_path(APP, run_name="streamlit_app")
    paths = [route.path for route in namespace["app"]._user_routes]
    assert paths == ["/streamsync/session", "/streamsync/ical/{secret}.ics"]


def test_a_role_changed_mid_session_changes_the_pages_on_the_next_run(empty_db):
    # The navigation is kept per session and kind of user (ui.navigation.pages_for): a new role is a new kind.
    admin, viewer = make_user("nav_admin", role="admin"), make_user("nav_viewer")
    at = open_app(viewer, page="app_pages/home.py")
    assert not reachable(at, "app_pages/moderation_editor.py")
    accounts.set_role(admin, viewer, "moderator")
    at.run()
    assert reachable(at, "app_pages/moderation_editor.py")
    accounts.set_role(admin, viewer, "user")
    at.run()
    assert not reachable(at, "app_pages/moderation_editor.py")
