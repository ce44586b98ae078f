"""The activity log: filters, paging, old and new side by side, CSV of the filtered rows, what a moderator
may read, and retention."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, timedelta

import pytest

from core import activity, moderation, reviews, tables
from db import statement_counter
from db.activity import LogFilter
from db.engine import execute, scalar, transaction
from db.errors import DataRuleError, PermissionDenied
from tests.accounts_helpers import make_user
from tests.apptest import open_app, texts
from tests.catalog_helpers import add_genre, add_title, edit, rows


def name(tag: str) -> str:
    return f"{tag}{uuid.uuid4().hex[:8]}"


@pytest.fixture
def history(empty_db):
    """A moderator who added a title and changed its year, an admin who renamed a user."""
    moderator, admin = make_user(name("mod"), role="moderator"), make_user(name("adm"), role="admin")
    viewer = make_user(name("usr"))
    media = add_title(moderator, "Lagaan")
    edit(moderator, "media", {"edited_rows": {0: {"release_year": 2001}}}, rows("media", media_id=media))
    add_genre(moderator, "Sports")
    edit(admin, "users", {"edited_rows": {0: {"firstname": "Renamed"}}}, rows("users", username=viewer))
    return {"moderator": moderator, "admin": admin, "viewer": viewer, "media": media}


def age(days: int, table: str) -> None:
    """Make the table's log rows look `days` old (test set-up: the triggers always stamp now)."""
    with transaction(None) as conn:
        execute(conn, "UPDATE activity_log SET changed_at = NOW() - INTERVAL :d DAY WHERE table_name = :t",
                d=days, t=table)


def test_filters_by_table_operation_user_and_time(history):
    _found = activity.page("admin", LogFilter(table="media"))
    rows_, total, capped = _found.rows, _found.total, _found.capped
    assert total == 2 and not capped
    assert [r["operation"] for r in rows_] == ["UPDATE", "INSERT"]  # newest first
    assert activity.page("admin", LogFilter(operation="UPDATE")).total == 2  # the year and the user's name
    assert activity.page("admin", LogFilter(username=history["admin"], operation="UPDATE")).total == 1
    age(10, "genres")
    since = datetime.now() - timedelta(days=1)
    assert {r["table_name"] for r in activity.page("admin", LogFilter(since=since)).rows} == {"media", "users"}
    assert [r["table_name"] for r in activity.page("admin", LogFilter(until=since)).rows] == ["genres"]


def test_the_old_and_new_values_sit_side_by_side(history):
    update = activity.page("admin", LogFilter(table="media", operation="UPDATE")).rows[0]
    assert update["username"] == history["moderator"]
    lines = {line["field"]: line for line in activity.side_by_side(update["change_details"])}
    assert lines["release_year"] == {"field": "release_year", "old": None, "new": 2001, "changed": True}
    assert lines["title"]["changed"] is False


def test_moderators_read_the_catalog_activity_only(history):
    assert "users" not in activity.tables_for("moderator")
    seen = {r["table_name"] for r in activity.page("moderator", LogFilter()).rows}
    assert seen == {"media", "genres"}
    with pytest.raises(PermissionDenied):
        activity.page("moderator", LogFilter(table="users"))
    with pytest.raises(PermissionDenied):
        activity.page("user", LogFilter())


def test_pages_do_not_overlap(history):
    for i in range(7):
        add_genre(history["moderator"], f"Genre {i}")
    first = activity.page("moderator", LogFilter(table="genres"), 1, page_size=5).rows
    second = activity.page("moderator", LogFilter(table="genres"), 2, page_size=5).rows
    assert len(first) == 5 and len(second) == 3
    assert not {r["log_id"] for r in first} & {r["log_id"] for r in second}


def test_the_csv_holds_exactly_the_filtered_rows(history):
    text, count = activity.export_csv("moderator", LogFilter(operation="INSERT"))
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert count == len(parsed) == 2
    assert {r["table_name"] for r in parsed} == {"media", "genres"}
    assert all(r["username"] == history["moderator"] for r in parsed)
    assert '"title": "Lagaan"' in parsed[-1]["change_details"]


def test_retention_deletes_only_older_rows_and_records_itself(history):
    age(400, "media")
    assert activity.count_older_than("admin", 365) == 2
    with pytest.raises(PermissionDenied):
        activity.prune_older_than(history["moderator"], 365)
    with pytest.raises(DataRuleError, match="at least 1 day"):
        activity.prune_older_than(history["admin"], 0)
    assert activity.prune_older_than(history["admin"], 365) == 2
    assert scalar("SELECT COUNT(*) FROM activity_log WHERE table_name = 'media'") == 0
    assert scalar("SELECT COUNT(*) FROM activity_log WHERE table_name = 'genres'") == 1
    assert scalar("SELECT username FROM activity_log WHERE table_name = 'activity_log'") == history["admin"]


def test_the_page_shows_the_editors_change_in_a_fixed_number_of_statements(history):
    at = open_app(history["moderator"], "app_pages/activity.py")
    assert not at.exception
    shown = texts(at)
    assert "Every change to the catalog:" in shown and history["moderator"] in shown
    assert "users" not in at.selectbox(key="al_table").options
    with statement_counter.measure() as m:
        at.run()
    assert m.statements <= 3  # session check, capped count, one page
    at.selectbox(key="al_table").set_value("media").run()
    at.selectbox(key="al_op").set_value("UPDATE").run()
    assert not at.exception
    details = at.dataframe[-1].value
    changed = details[details["changed"] == "●"]
    assert list(changed["field"]) == ["release_year"] and list(changed["new"]) == ["2001"]


# --- hostile input and stale state (moderation QA pass) --------------------
@pytest.fixture
def moderator(empty_db):
    return make_user(name("mod"), role="moderator")


def test_a_page_past_the_end_is_the_last_page(moderator):
    for genre in ("Action", "Comedy", "Drama"):
        add_genre(moderator, genre)
    page = tables.browse("moderator", "genres", page=9, page_size=2)
    assert page.page == 2 and [r["name"] for r in page.rows] == ["Drama"]
    assert activity.page("moderator", LogFilter(table="genres"), 9, page_size=2).rows[0]["operation"] == "INSERT"
    author, reader = make_user(name("usr")), make_user(name("usr"))
    reviews.save_review(author, add_title(moderator, "Tumbbad"), 9, "Eerie", False)
    moderation.report_review(reader, scalar("SELECT review_id FROM reviews"), "Too scary")
    _found = moderation.queue("moderator", "reported", page=3)
    queue, total = _found.rows, _found.total
    assert total == 1 and [r["reasons"] for r in queue] == [f"{reader}: Too scary"]


def test_csv_cells_that_would_run_as_formulas_are_defused(moderator):
    with transaction(None) as conn:  # a record id as a script or an older version could have written it
        for record in ("=cmd|' /C calc'!A0", "+1+1", "-2", "@SUM(A1)", 'a "quoted", multi\nline value'):
            execute(conn, "INSERT INTO activity_log (username, table_name, operation, record_id) "
                          "VALUES (:u, 'genres', 'DELETE', :r)", u=moderator, r=record)
    parsed = list(csv.DictReader(io.StringIO(activity.export_csv("moderator", LogFilter())[0])))
    assert sorted(r["record_id"] for r in parsed) == sorted(
        ["'=cmd|' /C calc'!A0", "'+1+1", "'-2", "'@SUM(A1)", 'a "quoted", multi\nline value'])


def test_retention_refuses_a_yes_for_a_number_of_days(empty_db):
    admin = make_user(name("adm"), role="admin")
    for days in (0, -5, True):
        with pytest.raises(DataRuleError, match="at least 1 day"):
            activity.prune_older_than(admin, days)


def test_a_users_update_lists_only_what_changed(empty_db):
    admin, viewer = make_user(name("adm"), role="admin"), make_user(name("usr"))
    edit(admin, "users", {"edited_rows": {0: {"firstname": "Renamed"}}}, rows("users", username=viewer))
    update = activity.page("admin", LogFilter(table="users", operation="UPDATE")).rows[0]
    lines = activity.side_by_side(update["change_details"])
    assert [line["field"] for line in lines if line["changed"]] == ["firstname"]  # not "password_changed" too
    with transaction(None) as conn:
        execute(conn, "UPDATE users SET password_hash = 'x' WHERE username = :u", u=viewer)
    update = activity.page("admin", LogFilter(table="users", operation="UPDATE")).rows[0]
    assert [line["field"] for line in activity.side_by_side(update["change_details"]) if line["changed"]] == [
        "password_changed"]


def test_a_time_range_the_wrong_way_round_says_so(moderator):
    at = open_app(moderator, "app_pages/activity.py")
    at.date_input(key="al_from").set_value(date(2024, 5, 2))
    at.date_input(key="al_to").set_value(date(2024, 5, 1)).run()
    assert not at.exception
    assert "The From date is after the To date" in at.error[0].value and not at.dataframe


def test_a_long_log_pages_with_previous_next_and_a_go_to_page_box(empty_db):
    admin = make_user(name("adm"), role="admin")
    with transaction(None) as conn:  # 8 pages of entries
        execute(conn, """INSERT INTO activity_log (username, table_name, operation, record_id)
                         SELECT :u, 'genres', 'INSERT', seq FROM seq_1_to_390""", u=admin)
    at = open_app(admin, "app_pages/activity.py")
    assert any(c.value.startswith("Page 1 of 8 · ") for c in at.caption)
    next(b for b in at.button if b.label == "Next ›").click().run()
    assert any(c.value.startswith("Page 2 of 8 · ") for c in at.caption)
    next(n for n in at.number_input if n.label == "Go to page").set_value(8).run()
    assert not at.exception and any(c.value.startswith("Page 8 of 8 · ") for c in at.caption)
    assert next(b for b in at.button if b.label == "Next ›").disabled


def test_an_entry_names_its_title_and_links_to_it(history):
    at = open_app(history["moderator"], "app_pages/activity.py")
    assert "Lagaan" in set(at.dataframe[0].value["about"])
    log_id = scalar("SELECT MAX(log_id) FROM activity_log WHERE table_name = 'media' AND record_id = :m",
                    m=str(history["media"]))
    at.selectbox(key="al_pick").set_value(log_id).run()
    assert not at.exception
    assert [link.proto.query_string for link in at.page_link if link.proto.label == "Open the title"] == [
        f"id={history['media']}"]
