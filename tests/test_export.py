"""The account export: every part as CSV and JSON, never the hash, defused cells, a Letterboxd-style set,
and a round trip through the importer into a fresh account."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import date

import pytest

from core import export, watching
from core.history_import import preview, read_upload
from core.history_import.commit import commit
from core.playlists import add_item, create_playlist
from core.reviews import save_review
from core.watchlist import set_status
from db import statement_counter as stats
from db.config import PROJECT_ROOT
from db.engine import fetch_all, scalar
from tests.unit.history_files import zipped
from tests.viewer_helpers import a_series, make_user, some_titles

pytestmark = pytest.mark.usefixtures("demo_db", "removed_after_test")


UNRATED = "No stars from me: I fell asleep halfway."


def a_full_account() -> tuple[str, list[dict]]:
    user = make_user("exp")
    titles = some_titles(user, 9)
    ids = [t["media_id"] for t in titles]
    save_review(user, ids[0], 9, "=HYPERLINK(\"http://evil\") is what a spreadsheet would run", False)
    save_review(user, ids[1], 4, "The twist in the last reel spoils everything.", True)
    save_review(user, ids[2], 7, "")
    save_review(user, ids[8], None, UNRATED)
    for media_id, status in zip(ids[3:8], ("plan_to_watch", "watching", "completed", "on_hold", "dropped"),
                                strict=True):
        set_status(user, media_id, status)
    first = create_playlist(user, "@home favourites", "+ the ones I rewatch", ids[5])
    for media_id in (ids[2], ids[0]):
        add_item(user, first, media_id)
    create_playlist(user, "Empty for now")
    watching.log_film(user, ids[0], date(2024, 5, 1))
    watching.log_film(user, ids[0], None)
    series, episodes = a_series(user)
    watching.set_episode(user, series["media_id"], episodes[0]["episode_id"], on=date(2024, 6, 2))
    return user, titles


def unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_export_holds_every_part_twice_and_never_the_hash():
    user, _ = a_full_account()
    with stats.measure() as m:
        made = export.build(user)
    assert m.statements == 7
    files = unzip(made.data)
    for part in ("profile", "diary", "ratings_reviews", "watchlist", "playlists", "progress", "friends"):
        assert f"{part}.json" in files and f"{part}.csv" in files
    assert {"manifest.json", "README.txt", "letterboxd/films.csv", "letterboxd/diary.csv", "letterboxd/watchlist.csv",
            "letterboxd/lists/home-favourites.csv", "letterboxd/lists/empty-for-now.csv"} <= set(files)
    assert made.counts == {"diary": 3, "ratings_reviews": 4, "watchlist": 7, "playlists": 2, "playlist_items": 3,
                           "progress": 1, "friends": 0}
    everything = "".join(files.values())
    the_hash = scalar("SELECT password_hash FROM users WHERE username = :u", u=user)
    assert "password_hash" not in everything and the_hash not in everything and "$2b$" not in everything
    profile = json.loads(files["profile.json"])
    assert profile["username"] == user and set(profile) == {
        "username", "firstname", "lastname", "email", "dob", "role", "created_at", "last_login_at"}
    assert json.loads(files["manifest.json"])["streamsync_export"] == 1
    # a review without stars: an empty rating cell in the CSVs, null in the JSON
    assert {r["review_text"]: r["rating"] for r in csv.DictReader(io.StringIO(files["ratings_reviews.csv"]))}[
        UNRATED] == ""
    assert {r["Review"]: r["Rating10"] for r in csv.DictReader(io.StringIO(files["letterboxd/films.csv"]))}[
        UNRATED] == ""
    assert {r["review_text"]: r["rating"] for r in json.loads(files["ratings_reviews.json"])}[UNRATED] is None


def test_cells_that_would_run_as_formulas_are_defused_in_csv_only():
    user, _ = a_full_account()
    files = unzip(export.build(user).data)
    reviews = list(csv.DictReader(io.StringIO(files["ratings_reviews.csv"])))
    assert any(r["review_text"].startswith("'=HYPERLINK") for r in reviews)
    playlists = list(csv.DictReader(io.StringIO(files["playlists.csv"])))
    assert {r["playlist"] for r in playlists} == {"'@home favourites", "Empty for now"}
    assert {r["description"] for r in playlists} >= {"'+ the ones I rewatch"}
    films = files["letterboxd/films.csv"]
    assert "'=HYPERLINK" in films
    raw = json.loads(files["ratings_reviews.json"])
    assert any(r["review_text"].startswith("=HYPERLINK") for r in raw)
    assert all(not cell.startswith(("=", "+", "-", "@")) for name, text in files.items() if name.endswith(".csv")
               for row in csv.reader(io.StringIO(text)) for cell in row)


def _account(user: str) -> dict:
    return {
        "diary": fetch_all("""SELECT media_id, episode_id, DATE(watched_at) AS day, viewing FROM watch_events
                               WHERE username = :u ORDER BY media_id, episode_id, viewing""", u=user),
        "progress": fetch_all("SELECT media_id, last_watched_episode_id FROM series_progress WHERE username = :u",
                              u=user),
        "reviews": fetch_all("""SELECT media_id, rating, review_text, contains_spoilers FROM reviews
                                 WHERE username = :u ORDER BY media_id""", u=user),
        "watchlist": fetch_all("SELECT media_id, status FROM watchlist_items WHERE username = :u ORDER BY media_id",
                               u=user),
        "playlists": fetch_all("""SELECT p.name, p.description, pi.media_id, pi.position
                                    FROM playlists p LEFT JOIN playlist_items pi USING (playlist_id)
                                   WHERE p.username = :u ORDER BY p.name, pi.position""", u=user),
    }


def test_an_export_imported_into_a_fresh_account_reproduces_it():
    user, _ = a_full_account()
    made = export.build(user)
    fresh = make_user("copy")
    seen = preview.build(read_upload(made.filename, made.data), fresh)
    assert seen.parsed.source == "streamsync"
    assert seen.match_counts()["unmatched"] == 0 and seen.match_counts()["ambiguous"] == 0
    report = commit(seen, made.filename, made.data)
    assert report.stopped is None
    assert _account(fresh) == _account(user)
    # and once more: nothing changes
    again = commit(preview.build(read_upload(made.filename, made.data), fresh), made.filename, made.data)
    assert again.written == {}


def test_the_letterboxd_set_reads_back_as_a_letterboxd_export():
    user, _ = a_full_account()
    files = unzip(export.build(user).data)
    letterboxd = {name.removeprefix("letterboxd/"): text for name, text in files.items()
                  if name.startswith("letterboxd/")}
    parsed = read_upload("letterboxd.zip", zipped(letterboxd))
    assert parsed.source == "letterboxd"
    assert sorted(r.rating for r in parsed.records if r.kind == "rating") == [4, 7, 9]
    assert [r.rating for r in parsed.records if r.kind == "review" and r.review == UNRATED] == [None]
    assert len([r for r in parsed.records if r.kind == "watchlist"]) == 1
    assert {r.list_name for r in parsed.records if r.kind == "list_item"} == {"@home favourites"}


def _manage(*args: str, url) -> subprocess.CompletedProcess:
    env = dict(os.environ, STREAMSYNC_DB_URL=url.render_as_string(hide_password=False))
    return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env, check=False,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)


def test_manage_export_writes_the_zip_and_names_an_unknown_user(demo_db, tmp_path):
    user, _ = a_full_account()
    target = tmp_path / "out.zip"
    result = _manage("export", "--user", user, "--output", str(target), url=demo_db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Wrote {target} (") and "4 ratings reviews" in result.stdout
    assert zipfile.ZipFile(target).read("manifest.json")
    missing = _manage("export", "--user", "nobody_here", url=demo_db)
    assert missing.returncode == 1 and "There is no user 'nobody_here'." in missing.stderr
    assert scalar("SELECT COUNT(*) FROM users WHERE username = 'nobody_here'") == 0
