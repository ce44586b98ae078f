"""Admin user management: search and page, role changes, lock and unlock, one-time passwords, deleting an
account with a true summary of what goes with it, and the last-admin rule."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from core import auth
from core import admin_users, friends, moderation, playlists, watchlist
from db import reviews, sessions, statement_counter
from db.engine import fetch_one, scalar
from db.errors import DataRuleError, PermissionDenied
from tests.accounts_helpers import PASSWORD, make_user
from tests.apptest import open_app, texts
from tests.test_table_editor import add_title


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
    with pytest.raises(DataRuleError, match="last admin who can log in"):
        admin_users.lock_user(third, admin)


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
