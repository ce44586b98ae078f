"""Admin user management: search and page, role changes, lock and unlock, one-time passwords, deleting an
account with a true summary of what goes with it, and the last-admin rule."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from core import accounts, admin_users, auth, friends, moderation, playlists, reviews, sessions, watchlist
from db import statement_counter, users
from db.engine import fetch_one, scalar
from db.errors import DataRuleError, PermissionDenied
from tests.accounts_helpers import PASSWORD, make_user
from tests.apptest import open_app, texts
from tests.catalog_helpers import add_title
from ui.cards import md


def name(tag: str) -> str:
    return f"{tag}{uuid.uuid4().hex[:8]}"


@pytest.fixture
def admin(empty_db):
    return make_user(name("adm"), role="admin")


def user_row(username: str) -> dict | None:
    return fetch_one("SELECT role, locked_until, must_change_password, password_hash FROM users WHERE username = :u",
                     u=username)


def test_search_finds_by_part_of_name_or_email_and_pages(admin):
    for i in range(30):
        make_user(f"paged{i:02d}", email=f"paged{i:02d}@cinema.example")
    _found = admin_users.search_users("admin", "cinema.exa")
    rows, total = _found.rows, _found.total
    assert total == 30 and len(rows) == admin_users.PAGE_SIZE
    _found = admin_users.search_users("admin", "cinema.exa", page=2)
    second, _ = _found.rows, _found.total
    assert len(second) == 5 and not {r["username"] for r in rows} & {r["username"] for r in second}
    assert admin_users.search_users("admin", "", role_filter="admin").total == 1
    assert admin_users.search_users("admin", "100%").total == 0
    assert "password_hash" not in rows[0]
    with pytest.raises(PermissionDenied):
        admin_users.search_users("moderator", "")


def test_change_role_and_the_last_admin_cannot_be_demoted(admin):
    other = make_user(name("usr"))
    admin_users.change_role(admin, other, "moderator")
    assert user_row(other)["role"] == "moderator"
    with pytest.raises(DataRuleError, match="last admin"):
        admin_users.change_role(admin, admin, "user")
    assert user_row(admin)["role"] == "admin"
    admin_users.change_role(admin, other, "admin")
    admin_users.change_role(admin, admin, "user")  # with another admin, stepping down is fine
    assert user_row(admin)["role"] == "user"


def test_lock_logs_out_and_unlock_lets_back_in(admin):
    viewer = make_user(name("usr"))
    sessions.create_session(viewer)
    admin_users.lock_user(admin, viewer, datetime.now() + timedelta(days=7))
    assert user_row(viewer)["locked_until"] > datetime.now() + timedelta(days=6)
    assert scalar("SELECT COUNT(*) FROM user_sessions WHERE username = :u", u=viewer) == 0
    assert not auth.login(viewer, PASSWORD).ok
    admin_users.unlock_user(admin, viewer)
    assert user_row(viewer)["locked_until"] is None
    assert auth.login(viewer, PASSWORD).ok


def test_lock_until_unlocked_and_the_last_admin_cannot_be_locked(admin):
    other_admin = make_user(name("adm"), role="admin")
    with pytest.raises(DataRuleError, match="your own account"):
        admin_users.lock_user(admin, admin)
    admin_users.lock_user(admin, other_admin)
    assert user_row(other_admin)["locked_until"] == admin_users.LOCKED_FOR_GOOD
    # other_admin is locked, so admin is the last admin who can log in: nobody may lock admin now.
    third = make_user(name("adm"), role="admin")
    admin_users.lock_user(third, other_admin, datetime.now() + timedelta(hours=1))
    admin_users.lock_user(admin, third)
    # third is locked now: a locked admin may do nothing at all (a tab left open), so the last-admin rule never
    # has to answer; admin stays unlocked either way.
    with pytest.raises(PermissionDenied):
        admin_users.lock_user(third, admin)
    assert user_row(admin)["locked_until"] is None


def test_reset_password_gives_a_one_time_password_and_ends_sessions(admin):
    viewer = make_user(name("usr"))
    sessions.create_session(viewer)
    one_time = "Temporary-Pass-42"
    assert admin_users.reset_password(admin, viewer, auth.hash_password(one_time)) == 1
    row = user_row(viewer)
    assert row["must_change_password"] == 1
    assert auth.verify_password(one_time, row["password_hash"])
    assert scalar("SELECT COUNT(*) FROM user_sessions WHERE username = :u", u=viewer) == 0
    logged = fetch_one("SELECT username, change_details FROM activity_log WHERE table_name = 'users' "
                       "AND record_id = :u AND operation = 'UPDATE'", u=viewer)
    assert logged["username"] == admin and "$2b$" not in str(logged["change_details"])


def test_delete_summary_matches_what_goes_with_the_account(admin):
    viewer, friend = make_user(name("usr")), make_user(name("usr"))
    moderator = make_user(name("mod"), role="moderator")
    first, second = add_title(admin, "Queen"), add_title(admin, "Piku")
    reviews.save_review(viewer, first, 9, "Kangana shines", False)
    reviews.save_review(friend, first, 7, "Fun", False)
    moderation.report_review(viewer, scalar("SELECT review_id FROM reviews WHERE username = :u", u=friend), "Rude")
    watchlist.set_status(viewer, second, "plan_to_watch")
    playlist = playlists.create_playlist(viewer, "Road trips")
    playlists.add_item(viewer, playlist, first)
    playlists.add_item(viewer, playlist, second)
    friends.send_request(viewer, friend)
    sessions.create_session(viewer)
    # Reviews the moderator hid stay hidden after the moderator's account goes.
    moderation.hide_review(moderator, scalar("SELECT review_id FROM reviews WHERE username = :u", u=friend), "Rude")

    tables = ["reviews", "review_reports", "watchlist_items", "playlists", "playlist_items", "friendships",
              "user_sessions", "series_progress"]
    before = {t: scalar(f"SELECT COUNT(*) FROM {t}") for t in tables}
    said = {t: n for verb, t, n in admin_users.delete_summary(viewer) if n}
    assert said == {"reviews": 1, "review_reports": 1, "watchlist_items": 1, "playlists": 1, "playlist_items": 2,
                    "friendships": 1, "user_sessions": 1}
    admin_users.delete_user(admin, viewer)
    assert {t: before[t] - scalar(f"SELECT COUNT(*) FROM {t}") for t in tables if
            before[t] != scalar(f"SELECT COUNT(*) FROM {t}")} == said
    assert user_row(viewer) is None
    assert scalar("SELECT rating_count FROM media WHERE media_id = :m", m=first) == 1

    admin_users.delete_user(admin, moderator)
    assert scalar("SELECT hidden_by FROM reviews WHERE username = :u", u=friend) == admin


def test_the_last_admin_cannot_be_deleted(admin):
    with pytest.raises(DataRuleError, match="last admin"):
        admin_users.delete_user(admin, admin)
    assert user_row(admin) is not None


@pytest.mark.parametrize("role", ["user", "moderator"])
def test_only_admins_manage_users(admin, role):
    actor, victim = make_user(name("act"), role=role), make_user(name("usr"))
    for write in (lambda: admin_users.change_role(actor, victim, "admin"),
                  lambda: admin_users.lock_user(actor, victim),
                  lambda: admin_users.unlock_user(actor, victim),
                  lambda: admin_users.reset_password(actor, victim, "x" * 60),
                  lambda: admin_users.delete_user(actor, victim)):
        with pytest.raises(PermissionDenied):
            write()
    assert user_row(victim)["role"] == "user" and user_row(victim)["locked_until"] is None


def test_the_users_page_shows_a_one_time_password_once(admin):
    viewer = make_user(name("zzz"))
    at = open_app(admin, "app_pages/admin_users.py")
    assert not at.exception
    at.text_input(key="au_search").set_value(viewer).run()
    with statement_counter.measure() as m:
        at.run()
    assert m.statements <= 3  # session check, count, page of users
    assert at.selectbox(key="au_pick").value == viewer
    next(b for b in at.button if b.key == f"au_reset_{viewer}").click().run()
    assert not at.exception
    shown = [s.value for s in at.success]
    assert len(shown) == 1 and "One-time password" in shown[0]
    one_time = shown[0].split("`")[1]
    assert auth.verify_password(one_time, user_row(viewer)["password_hash"])
    at.run()
    assert "One-time password" not in texts(at)


# --- hostile input and stale state (accounts QA pass) --------------------
HOSTILE_FIRST = "**bold** [a](javascript:alert(1))"

HOSTILE_LAST = "<img src=x onerror=alert(1)>"


def test_the_users_page_shows_names_and_emails_as_typed(empty_db):
    admin = make_user("qa_boss", role="admin")
    accounts.create_account("_x_y_", firstname=HOSTILE_FIRST, lastname=HOSTILE_LAST,
                      email="<script>alert(1)</script>@x.com", dob=None, password_hash=auth.hash_password(PASSWORD))
    at = open_app(admin, "app_pages/admin_users.py")
    at.text_input(key="au_search").set_value("_x_y_").run()
    assert not at.exception
    # Escaped Markdown: the bold, the link and the underscores stay literal characters on the page.
    assert [s.value for s in at.subheader] == [md(f"_x_y_ · {HOSTILE_FIRST} {HOSTILE_LAST}")]
    assert md("<script>alert(1)</script>@x.com") in texts(at)


def test_no_demotion_or_own_deletion_leaves_only_a_locked_admin(empty_db):
    make_user("qa_a1", role="admin")
    make_user("qa_a2", role="admin")
    admin_users.lock_user("qa_a1", "qa_a2")
    with pytest.raises(DataRuleError, match="qa_a1 is the last admin who can log in"):
        accounts.set_role("qa_a1", "qa_a1", "user")
    with pytest.raises(DataRuleError, match="You are the last admin who can log in"):
        accounts.delete_own_account("qa_a1")
    assert users.get_user("qa_a1")["role"] == "admin"
    admin_users.unlock_user("qa_a1", "qa_a2")
    accounts.set_role("qa_a1", "qa_a1", "user")
    assert users.get_user("qa_a1")["role"] == "user"


def test_an_admin_cannot_reset_their_own_password_and_stays_logged_in(empty_db):
    admin = make_user("qa_self", role="admin")
    make_user("qa_other", role="admin")
    at = open_app(admin, "app_pages/admin_users.py")
    at.text_input(key="au_search").set_value(admin).run()
    next(b for b in at.button if b.key == f"au_reset_{admin}").click().run()
    assert not at.exception
    assert "use the Password tab of your Profile" in " ".join(e.value for e in at.error)
    assert auth.verify_password(PASSWORD, users.login_record(admin)["password_hash"])
    assert sessions.user_for_token(at.session_state["session_token"])["username"] == admin


def test_deleting_the_only_user_on_the_last_page_shows_the_page_before(empty_db):
    admin = make_user("qa_pager", role="admin")
    for i in range(admin_users.PAGE_SIZE + 1):
        make_user(f"qa_paged{i:02d}")
    at = open_app(admin, "app_pages/admin_users.py")
    at.text_input(key="au_search").set_value("qa_paged").run()
    next(b for b in at.button if b.label == "Next ›").click().run()
    last = at.selectbox(key="au_pick").value
    admin_users.delete_user(admin, last)  # here or in another tab: the page is stale now
    at.run()
    assert not at.exception and not at.info  # not "No user matches"
    assert f"{admin_users.PAGE_SIZE} users" in texts(at)
    assert at.selectbox(key="au_pick").value != last
