"""Hostile input on the moderation and admin tools (QA pass): every refused row of a batch is named, birth dates
in the future are refused, deleting a moderator in the grid keeps their hidings, a page past the end shows the
last page, a CSV never carries a spreadsheet formula, and user text on these pages is shown as typed."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import date, timedelta

import pytest

from core import table_editor as te
from db import activity, editor, moderation, reviews
from db.activity import LogFilter
from db.core import execute, scalar, transaction
from db.errors import DataRuleError
from db.schema_catalog import catalog
from tests.accounts_helpers import make_user
from tests.apptest import open_app, texts
from tests.test_table_editor import add_genre, add_person, add_title, edit, rows
from ui.cards import WORD_JOINER, md

INJECTION = "**x** <img src=x onerror=alert(1)> [a](javascript:alert(1))"


def name(tag: str) -> str:
    return f"{tag}{uuid.uuid4().hex[:8]}"


@pytest.fixture
def moderator(empty_db):
    return make_user(name("mod"), role="moderator")


def test_every_row_the_database_refuses_is_named_and_nothing_is_kept(moderator):
    movie = add_title(moderator, "Kahaani")
    state = {"edited_rows": {0: {"runtime_minutes": 5000}},
             "added_rows": [{"title": "Early", "media_type": "Movie", "release_year": 1500},
                            {"title": "Fine", "media_type": "Movie", "release_year": 2012}]}
    with pytest.raises(te.InvalidChanges) as refused:
        edit(moderator, "media", state, rows("media", media_id=movie))
    assert refused.value.problems == [
        te.RowProblem(f"row media_id {movie}", "The runtime must be between 1 and 1000 minutes."),
        te.RowProblem("new row 1", "The release year must be between 1888 and 2100."),
    ]
    assert scalar("SELECT COUNT(*) FROM media") == 1  # "Fine" was not kept either
    assert rows("media", media_id=movie)[0]["runtime_minutes"] is None


@pytest.mark.parametrize("table, column", [("people", "birthdate"), ("users", "dob")])
def test_a_birth_date_in_the_future_is_refused(moderator, table, column):
    admin = make_user(name("adm"), role="admin")
    original = rows("people", person_id=add_person(admin, "Vidya Balan")) if table == "people" \
        else rows("users", username=moderator)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    with pytest.raises(te.InvalidChanges, match=f"{column} cannot be in the future"):
        edit(admin, table, {"edited_rows": {0: {column: tomorrow}}}, original)


def test_deleting_a_moderator_in_the_grid_keeps_their_hidings_hidden(moderator):
    admin, author = make_user(name("adm"), role="admin"), make_user(name("usr"))
    reviews.save_review(author, add_title(admin, "Queen"), 7, "Rani rocks", False)
    review = scalar("SELECT review_id FROM reviews WHERE username = :u", u=author)
    moderation.hide_review(moderator, review, "Spoilers")
    key = [{"username": moderator}]
    assert "clears" not in te.describe_cascade(editor.cascade_summary("users", key))  # the preview tells no tale
    edit(admin, "users", {"deleted_rows": [0]}, rows("users", username=moderator))
    assert scalar("SELECT hidden_by FROM reviews WHERE review_id = :r", r=review) == admin


def test_a_page_past_the_end_is_the_last_page(moderator):
    for genre in ("Action", "Comedy", "Drama"):
        add_genre(moderator, genre)
    page = editor.browse("moderator", "genres", page=9, page_size=2)
    assert page.page == 2 and [r["name"] for r in page.rows] == ["Drama"]
    assert activity.page("moderator", LogFilter(table="genres"), 9, page_size=2)[0][0]["operation"] == "INSERT"
    author, reader = make_user(name("usr")), make_user(name("usr"))
    reviews.save_review(author, add_title(moderator, "Tumbbad"), 9, "Eerie", False)
    moderation.report_review(reader, scalar("SELECT review_id FROM reviews"), "Too scary")
    queue, total = moderation.queue("moderator", "reported", page=3)
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


def test_the_review_queue_shows_reasons_titles_and_names_as_typed(moderator):
    author, reader, other = make_user(name("usr")), make_user(name("usr")), make_user(name("usr"))
    media = add_title(moderator, f"Title {INJECTION}")
    reviews.save_review(author, media, 3, "Meh", False)
    review = scalar("SELECT review_id FROM reviews")
    moderation.report_review(reader, review, INJECTION)
    moderation.report_review(other, review, "Second reason")
    at = open_app(moderator, "app_pages/moderation_reviews.py")
    assert not at.exception
    escaped = md(INJECTION)
    assert any(f"**Title {escaped}**" in m.value for m in at.markdown)
    warning = at.warning[0].value
    assert escaped in warning
    assert sorted(warning.split("\n\n", 1)[1].replace("\\", "").replace(WORD_JOINER, "").split("  \n")) == sorted(
        [f"{reader}: {INJECTION}", f"{other}: Second reason"])  # one reason per line


def test_a_filter_value_that_does_not_fit_is_named_as_typed(moderator):
    at = open_app(moderator, "app_pages/moderation_editor.py")
    at.selectbox(key="ed_fcol_media").set_value("release_year")
    at.selectbox(key="ed_fop_media").set_value("equals")
    at.text_input(key="ed_fval_media").set_value("**1999**").run()
    assert not at.exception
    assert r"not '\*\*1999\*\*'" in at.error[0].value
    at.text_input(key="ed_fval_media").set_value("100%_'\"").run()  # text filters take anything literally
    at.selectbox(key="ed_fcol_media").set_value("title").run()
    assert not at.exception and "No rows match" in texts(at)


def test_a_users_update_lists_only_what_changed(empty_db):
    admin, viewer = make_user(name("adm"), role="admin"), make_user(name("usr"))
    edit(admin, "users", {"edited_rows": {0: {"firstname": "Renamed"}}}, rows("users", username=viewer))
    update = activity.page("admin", LogFilter(table="users", operation="UPDATE"))[0][0]
    lines = activity.side_by_side(update["change_details"])
    assert [line["field"] for line in lines if line["changed"]] == ["firstname"]  # not "password_changed" too
    with transaction(None) as conn:
        execute(conn, "UPDATE users SET password_hash = 'x' WHERE username = :u", u=viewer)
    update = activity.page("admin", LogFilter(table="users", operation="UPDATE"))[0][0]
    assert [line["field"] for line in activity.side_by_side(update["change_details"]) if line["changed"]] == [
        "password_changed"]


def test_a_time_range_the_wrong_way_round_says_so(moderator):
    at = open_app(moderator, "app_pages/activity.py")
    at.date_input(key="al_from").set_value(date(2024, 5, 2))
    at.date_input(key="al_to").set_value(date(2024, 5, 1)).run()
    assert not at.exception
    assert "The From date is after the To date" in at.error[0].value and not at.dataframe


def test_hiding_a_review_another_moderator_hid_meanwhile_keeps_their_reason(moderator):
    other, author = make_user(name("mod"), role="moderator"), make_user(name("usr"))
    reviews.save_review(author, add_title(moderator, "Andaz Apna Apna"), 10, "Cult classic", False)
    review = scalar("SELECT review_id FROM reviews")
    moderation.hide_review(other, review, "Off topic")
    with pytest.raises(DataRuleError, match=f"{other} hid this review meanwhile"):
        moderation.hide_review(moderator, review, "Spoilers")
    assert scalar("SELECT hidden_reason FROM reviews WHERE review_id = :r", r=review) == "Off topic"


def test_the_grid_cannot_lock_out_the_last_admin_who_can_log_in(empty_db):
    admin = make_user(name("adm"), role="admin")
    with pytest.raises(DataRuleError, match="no admin who can log in"):
        edit(admin, "users", {"edited_rows": {0: {"locked_until": "2999-01-01 00:00"}}}, rows("users", username=admin))
    assert rows("users", username=admin)[0]["locked_until"] is None


def test_the_preview_of_a_delete_says_which_row_goes_and_what_cascades(moderator):
    genre = add_genre(moderator, "Musical")
    movie = add_title(moderator, "Rockstar")
    edit(moderator, "media_genres", {"added_rows": [{"media_id": movie, "genre_id": genre}]})
    changes = te.diff(catalog().table("genres"), rows("genres", genre_id=genre), {"deleted_rows": [0]})
    assert te.preview_rows(changes) == [{"change": "delete", "row": f"row genre_id {genre}", "values": "name: Musical"}]
    assert te.describe_cascade(editor.cascade_summary("genres", changes.deletes)) == "also deletes 1 genre link"
