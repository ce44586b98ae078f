"""The Import and Export pages under AppTest: upload, preview, choices, conflicts, commit with a report;
refusals in one line; the export download."""
from __future__ import annotations

import pytest

from core.reviews import save_review
from db import statement_counter as stats
from db.engine import fetch_all, scalar
from tests.apptest import open_app, texts
from tests.unit.history_files import folder_zip
from tests.viewer_helpers import PAGE_BUDGET, button, make_user
from ui.cards import md

pytestmark = pytest.mark.usefixtures("demo_db", "removed_after_test")
IMPORT = "app_pages/import_history.py"
EXPORT = "app_pages/export.py"


def upload(at, name: str, data: bytes):
    with stats.measure() as m:
        at.file_uploader(key="import_file").upload(name, data).run()
    return m


def test_the_page_explains_itself_before_an_upload():
    at = open_app(make_user("imp"), IMPORT)
    assert not at.exception
    shown = texts(at)
    assert "Import" in shown and "Nothing is written until you press Import" in shown


def test_upload_preview_then_import_with_a_report():
    user = make_user("imp")
    at = open_app(user, IMPORT)
    measured = upload(at, "letterboxd.zip", folder_zip("letterboxd"))
    assert not at.exception
    assert measured.statements <= PAGE_BUDGET
    shown = texts(at)
    assert "Letterboxd export (diary, reviews, ratings, watched films, watchlist, 4 lists)" in shown
    assert "91 titles: 0 matched by id, 6 by title and year, 0 ambiguous, 85 not in the catalog." in shown
    assert "Watches 40" in shown and "List entries 30" in shown
    assert scalar("SELECT COUNT(*) FROM playlists WHERE username = :u", u=user) == 0  # nothing before the click
    button(at, "Import 7 changes").click().run()
    assert not at.exception
    assert md("Written: 1 watchlist entries, 1 playlists, 5 playlist items.") in texts(at)
    assert scalar("SELECT COUNT(*) FROM playlists WHERE username = :u", u=user) == 1


def test_a_refused_file_is_one_line_and_nothing_else():
    at = open_app(make_user("imp"), IMPORT)
    upload(at, "ViewingActivity.csv", b"Title,Date\nThe Crown: Season 1,12/11/2021\n")
    assert [e.value for e in at.error] == [md(
        "ViewingActivity.csv is a Netflix viewing-activity file: StreamSync imports Letterboxd (the export ZIP or any "
        "of its CSVs), IMDb (ratings, a list or the watchlist as CSV), Trakt (the export's JSON files or their ZIP) "
        "and StreamSync's own export.")]
    assert [b.label for b in at.button] == ["Log out"]  # no Import button


def test_ambiguous_titles_are_chosen_and_conflicts_follow_the_policy():
    user = make_user("imp")
    idiots = scalar("SELECT media_id FROM media WHERE imdb_id = 'tt1187043'")
    save_review(user, idiots, 3, "")
    csv = ("Const,Your Rating,Date Rated,Title,URL,Title Type,Year\n"
           "tt1187043,10,2023-05-01,3 Idiots,u,Movie,2009\n")
    at = open_app(user, IMPORT)
    upload(at, "ratings.csv", csv.encode())
    assert "1 titles or lists differ from what you already have" in texts(at)
    assert "Nothing to import" in texts(at)  # keep the newer: mine was written just now
    at.radio(key="import_policy").set_value("take_file").run()
    button(at, "Import 1 changes").click().run()
    assert scalar("SELECT rating FROM reviews WHERE username = :u AND media_id = :m", u=user, m=idiots) == 10

    other = make_user("imp")
    at = open_app(other, IMPORT)
    upload(at, "ratings.csv", b"Date,Name,Year,Letterboxd URI,Rating\n2020-01-01,Dangl,2016,u,4\n")
    choice = at.selectbox(key="import_choice_0")
    assert choice.value == "Skip this title" and "Dangal (2016, Movie)" in choice.options
    choice.set_value("Dangal (2016, Movie)").run()
    button(at, "Import 1 changes").click().run()
    assert fetch_all("SELECT rating FROM reviews WHERE username = :u", u=other) == [{"rating": 8}]


def test_the_export_page_offers_the_zip():
    user = make_user("exp")
    at = open_app(user, EXPORT)
    assert not at.exception
    button(at, "Prepare my export").click().run()
    assert not at.exception
    assert "0 ratings reviews" in texts(at)
    [download] = at.get("download_button")
    assert download.proto.label.startswith(f"Download streamsync-{user}-")
