"""The history import against the demo catalog: preview (matches, conflicts, a fixed number of statements),
commit in batches (idempotent, conflict policies, a failing batch that stops with a report)."""
from __future__ import annotations

import json

import pytest

from core import providers
from core.history_import import preview as preview_mod
from core.history_import import read_upload
from core.history_import.commit import commit
from core.playlists import create_playlist
from core.reviews import save_review
from core.watchlist import set_status
from db import bulk
from db import statement_counter as stats
from db.engine import execute, fetch_all, fetch_one, read, run_in_transaction, scalar
from tests.provider_server import TMDB_401, ProviderServer, Reply, tmdb_routes
from tests.unit.history_files import fixture, folder_zip, zipped
from tests.viewer_helpers import make_user

pytestmark = pytest.mark.usefixtures("demo_db", "removed_after_test")

USER_TABLES = ("reviews", "watchlist_items", "playlists", "playlist_items", "activity_log")


def preview(name: str, data: bytes, user: str):
    return preview_mod.build(read_upload(name, data), user)


def media_id(imdb_id: str) -> int:
    return scalar("SELECT media_id FROM media WHERE imdb_id = :i", i=imdb_id)


def state() -> dict:
    with read() as conn:
        return bulk.table_checksums(conn, USER_TABLES) | {"log": scalar("SELECT COUNT(*) FROM activity_log")}


def test_letterboxd_export_previews_then_commits_once():
    user = make_user("lbx")
    data = folder_zip("letterboxd")
    with stats.measure() as m:
        seen = preview("letterboxd.zip", data, user)
    assert m.statements <= 7
    assert seen.match_counts()["matched by id"] == 0  # Letterboxd exports carry no ids
    assert seen.match_counts()["matched by title"] == 6
    problems = [str(p) for p in seen.plan_problems()]
    assert problems == []  # the excerpt's reviews are of films the demo catalog does not hold
    report = commit(seen, "letterboxd.zip", data)
    assert report.stopped is None
    assert report.written == {"watchlist entries": 1, "playlists": 1, "playlist items": 5}
    items = fetch_all("""SELECT m.title, pi.position FROM playlists p JOIN playlist_items pi USING (playlist_id)
                          JOIN media m USING (media_id) WHERE p.username = :u ORDER BY pi.position""", u=user)
    assert [i["title"] for i in items] == ["Zindagi Na Milegi Dobara", "Talvar", "Gully Boy", "English Vinglish",
                                           "Raazi"]
    assert [i["position"] for i in items] == [1, 2, 3, 4, 5]
    name = fetch_one("SELECT name, description FROM playlists WHERE username = :u", u=user)
    assert name["name"] == "Official Top 250 Narrative Feature Films by Women Directors"
    batch = fetch_one("SELECT * FROM import_batches WHERE batch_id = :b", b=report.batch_id)
    assert (batch["status"], batch["batches_done"], batch["rows_written"], batch["source"]) == \
        ("completed", 1, 7, "letterboxd")

    before = state()
    again = commit(preview("letterboxd.zip", data, user), "letterboxd.zip", data)
    assert again.written == {} and again.batches_total == 0
    assert again.unchanged == {"watchlist": 1, "playlists": 1}
    assert state() == before  # not one row changed, not one line of activity


def test_the_preview_reads_the_same_statements_for_five_rows_or_five_thousand():
    user = make_user("lbx")
    with stats.measure() as small:
        preview("ratings.csv", fixture("letterboxd/ratings.csv"), user)
    big_csv = "Date,Name,Year,Letterboxd URI,Rating\n" + "".join(
        f"2020-01-01,Film number {n},{1950 + n % 70},u,4\n" for n in range(5000))
    with stats.measure() as big:
        preview("ratings.csv", big_csv.encode(), user)
    assert small.statements == big.statements <= 7


def test_imdb_ratings_become_reviews_and_conflicts_follow_the_policy():
    user = make_user("imdb")
    idiots = media_id("tt1187043")
    save_review(user, idiots, 5, "Mine, written here.")
    data = fixture("imdb/ratings.csv")
    seen = preview("ratings.csv", data, user)
    assert seen.match_counts() == {"matched by id": 2, "matched by title": 0, "ambiguous": 0, "unmatched": 1}
    [conflict] = seen.conflicts()
    assert (conflict.kind, conflict.mine, conflict.theirs) == (
        "rating", "5/10, “Mine, written here.”", "10/10, “Mine, written here.”")
    # keep the newer: the file's rating (2023) is older than the one just written
    report = commit(seen, "ratings.csv", data, policy="keep_newer")
    assert report.kept_mine == {"ratings and reviews": 1} and report.written == {"ratings and reviews": 1}
    mine = fetch_one("SELECT rating FROM reviews WHERE username = :u AND media_id = :m", u=user, m=idiots)
    assert mine["rating"] == 5
    commit(preview("ratings.csv", data, user), "ratings.csv", data, policy="take_file")
    row = fetch_one("SELECT rating, review_text FROM reviews WHERE username = :u AND media_id = :m", u=user, m=idiots)
    assert (row["rating"], row["review_text"]) == (10, "Mine, written here.")  # the file has no text: mine stays
    sacred = fetch_one("SELECT rating, created_at FROM reviews WHERE username = :u AND media_id = :m",
                       u=user, m=media_id("tt6077448"))
    assert sacred["rating"] == 9 and sacred["created_at"].date().isoformat() == "2023-06-11"


def test_watchlist_status_conflict_keep_mine_and_take_file():
    user = make_user("wl")
    family_man = media_id("tt9544034")
    set_status(user, family_man, "completed")
    data = fixture("imdb/WATCHLIST.csv")
    seen = preview("WATCHLIST.csv", data, user)
    assert [(c.kind, c.mine, c.theirs) for c in seen.conflicts()] == [("watchlist", "completed", "plan_to_watch")]
    commit(seen, "WATCHLIST.csv", data, policy="keep_mine")
    statuses = {r["media_id"]: r["status"] for r in fetch_all(
        "SELECT media_id, status FROM watchlist_items WHERE username = :u", u=user)}
    assert statuses == {media_id("tt0986264"): "plan_to_watch", family_man: "completed"}
    commit(preview("WATCHLIST.csv", data, user), "WATCHLIST.csv", data, policy="take_file")
    assert fetch_one("SELECT status FROM watchlist_items WHERE username = :u AND media_id = :m",
                     u=user, m=family_man)["status"] == "plan_to_watch"


def test_taking_a_files_list_puts_its_order_first_and_keeps_my_other_titles():
    user = make_user("pl")
    mine = create_playlist(user, "Hirani and friends", None, media_id("tt0986264"))
    data = folder_zip("trakt")
    seen = preview("trakt.zip", data, user)
    assert [(c.kind, c.key) for c in seen.conflicts() if c.kind == "playlist"] == [("playlist", "Hirani and friends")]
    commit(seen, "trakt.zip", data, policy="take_file")
    order = fetch_all("""SELECT m.imdb_id FROM playlist_items pi JOIN media m USING (media_id)
                          WHERE pi.playlist_id = :p ORDER BY pi.position""", p=mine)
    assert [r["imdb_id"] for r in order] == ["tt2338151", "tt1187043", "tt0986264"]
    description = fetch_one("SELECT description FROM playlists WHERE playlist_id = :p", p=mine)["description"]
    assert description == "Films I show people first"
    before = state()
    commit(preview("trakt.zip", data, user), "trakt.zip", data, policy="take_file")
    assert state() == before


def test_a_failing_batch_rolls_back_whole_and_the_report_says_where_it_stopped():
    user = make_user("fail")
    data = folder_zip("trakt")
    seen = preview("trakt.zip", data, user)
    # Between preview and commit the user makes a playlist of the file's list's name: the batch that
    # creates it breaks the unique name rule.
    create_playlist(user, "Hirani and friends")
    report = commit(seen, "trakt.zip", data, batch_rows=2)
    # 4 watches, 2 ratings, 4 watchlist entries (2 from the file, 2 following the watches) in pairs, then the list
    assert report.batches_total == 6 and report.batches_done == 5
    assert report.stopped.startswith("Stopped at batch 6 of 6 (1 playlist): ")
    assert "Batches 1-5 are saved; batch 6 was rolled back whole." in report.stopped
    assert report.written == {"watches": 4, "ratings and reviews": 2, "watchlist entries": 4}
    assert scalar("SELECT COUNT(*) FROM playlist_items pi JOIN playlists p USING (playlist_id) "
                  "WHERE p.username = :u", u=user) == 0
    batch = fetch_one("SELECT status, batches_done, stopped_reason FROM import_batches WHERE batch_id = :b",
                      b=report.batch_id)
    assert (batch["status"], batch["batches_done"]) == ("stopped", 5)
    assert batch["stopped_reason"] == report.stopped[:500]
    # Run again: what was saved is not written twice, the rest goes in.
    again = commit(preview("trakt.zip", data, user), "trakt.zip", data, policy="take_file")
    assert again.stopped is None and again.written == {"playlist descriptions": 1, "playlist items": 2}


def test_a_review_without_a_rating_is_imported_without_stars_and_keeps_a_rating_i_gave():
    user = make_user("norate")
    dangal, lagaan, sholay = media_id("tt5074352"), media_id("tt0169102"), media_id("tt0073707")
    save_review(user, sholay, 8, "")
    before = fetch_one("SELECT average_rating, rating_count, review_count FROM media WHERE media_id = :m", m=dangal)
    csv = ("Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n"
           "2020-01-01,Dangal,2016,u,,,Loved the wrestling.,,2020-01-01\n"
           "2020-01-01,Lagaan,2001,u,4.5,,Long and worth it.,,2020-01-01\n"
           "2020-01-01,Sholay,1975,u,,,Still the best.,,2020-01-01\n")
    seen = preview("reviews.csv", csv.encode(), user)
    assert seen.plan_problems() == []
    [conflict] = seen.conflicts()
    assert (conflict.mine, conflict.theirs) == ("8/10", "8/10, “Still the best.”")
    report = commit(seen, "reviews.csv", csv.encode(), policy="take_file")
    assert report.written == {"ratings and reviews": 3}
    rows = {r["media_id"]: (r["rating"], r["review_text"]) for r in fetch_all(
        "SELECT media_id, rating, review_text FROM reviews WHERE username = :u", u=user)}
    assert rows == {dangal: (None, "Loved the wrestling."), lagaan: (9, "Long and worth it."),
                    sholay: (8, "Still the best.")}
    after = fetch_one("SELECT average_rating, rating_count, review_count FROM media WHERE media_id = :m", m=dangal)
    assert after == {**before, "review_count": before["review_count"] + 1}
    assert commit(preview("reviews.csv", csv.encode(), user), "reviews.csv", csv.encode()).written == {}


def test_an_ambiguous_title_is_imported_once_chosen():
    user = make_user("amb")
    seen = preview("ratings.csv", b"Date,Name,Year,Letterboxd URI,Rating\n2020-01-01,Dangl,2016,u,4\n", user)
    [line] = seen.titles
    assert line.match.status == "ambiguous"
    choice = {line.identity: line.match.candidates[0].media_id}
    assert commit(seen, "r.csv", b"x").written == {}
    assert commit(seen, "r.csv", b"x", choices=choice).written == {"ratings and reviews": 1}


def test_manage_import_history_prints_the_preview_and_the_report(demo_db):
    import subprocess
    import sys

    from db.config import PROJECT_ROOT
    from tests.unit.history_files import FIXTURES

    user = make_user("cli")

    def manage(*args):
        env = {"STREAMSYNC_DB_URL": demo_db.render_as_string(hide_password=False), "PATH": "/usr/bin:/bin"}
        return subprocess.run([sys.executable, "manage.py", "import-history", *args], cwd=PROJECT_ROOT, env=env,
                              check=False, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)

    ratings = str(FIXTURES / "imdb" / "ratings.csv")
    dry = manage("--user", user, "--dry-run", ratings)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[:2] == ["IMDb export (ratings): 3 ratings.",
                                           "Titles: 2 matched by id, 0 matched by title, 0 ambiguous, 1 unmatched."]
    assert "Dry run: would write 2 rows; nothing was written." in dry.stdout
    assert scalar("SELECT COUNT(*) FROM reviews WHERE username = :u", u=user) == 0
    done = manage("--user", user, ratings)
    assert done.returncode == 0 and "Written: 2 ratings and reviews." in done.stdout
    assert scalar("SELECT COUNT(*) FROM reviews WHERE username = :u", u=user) == 2
    refused = manage("--user", user, str(FIXTURES / "README.md"))
    assert refused.returncode == 1 and "StreamSync imports Letterboxd" in refused.stderr
    assert manage("--user", "nobody_here", ratings).stderr == "There is no user 'nobody_here'.\n"


def test_watches_go_into_the_diary_with_their_batch_and_progress_follows():
    user = make_user("diary")
    data = folder_zip("trakt")
    report = commit(preview("trakt.zip", data, user), "trakt.zip", data)
    events = fetch_all("""SELECT m.imdb_id, e.season_number AS s, e.episode_number AS n, w.watched_at, w.viewing,
                                 w.source, w.import_batch
                            FROM watch_events w JOIN media m USING (media_id)
                            LEFT JOIN episodes e ON e.episode_id = w.episode_id
                           WHERE w.username = :u ORDER BY w.watched_at""", u=user)
    assert [(e["imdb_id"], e["s"], e["n"], e["viewing"]) for e in events] == [
        ("tt1187043", None, None, 1), ("tt1187043", None, None, 2), ("tt6077448", 1, 1, 1), ("tt6077448", 1, 2, 1)]
    assert {(e["source"], e["import_batch"]) for e in events} == {("import", report.batch_id)}
    assert events[0]["watched_at"].isoformat() == "2024-01-03T20:15:00"
    progress = fetch_one("""SELECT e.season_number, e.episode_number FROM series_progress p
                              JOIN episodes e ON e.episode_id = p.last_watched_episode_id
                             WHERE p.username = :u""", u=user)
    assert (progress["season_number"], progress["episode_number"]) == (1, 2)
    statuses = {r["imdb_id"]: r["status"] for r in fetch_all(
        "SELECT m.imdb_id, w.status FROM watchlist_items w JOIN media m USING (media_id) WHERE w.username = :u",
        u=user)}
    assert statuses["tt1187043"] == "completed" and statuses["tt6077448"] == "watching"
    before = state() | {"events": scalar("SELECT COUNT(*) FROM watch_events WHERE username = :u", u=user)}
    again = commit(preview("trakt.zip", data, user), "trakt.zip", data)
    assert again.written == {} and again.unchanged["watches"] == 4
    assert state() | {"events": scalar("SELECT COUNT(*) FROM watch_events WHERE username = :u", u=user)} == before


def test_a_letterboxd_diary_rewatch_and_an_undated_watched_film():
    user = make_user("diary")
    diary = ("Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
             "2021-06-13,Dangal,2016,u,4.5,Yes,,2021-06-12\n"
             "2021-07-01,Dangal,2016,u,,Yes,,2021-07-01\n"
             "2099-01-01,PK,2014,u,,,,2099-01-01\n")
    watched = "Date,Name,Year,Letterboxd URI\n2021-01-01,Lagaan,2001,u\n2021-01-01,Dangal,2016,u\n"
    data = zipped({"diary.csv": diary, "watched.csv": watched})
    seen = preview("letterboxd.zip", data, user)
    assert [str(p) for p in seen.plan_problems()] == [
        "diary.csv row 3: 01 Jan 2099 is in the future: log a watch once it has happened. The watch is skipped."]
    commit(seen, "letterboxd.zip", data)
    events = fetch_all("""SELECT m.title, w.watched_at, w.viewing FROM watch_events w JOIN media m USING (media_id)
                           WHERE w.username = :u ORDER BY m.title, w.viewing""", u=user)
    # Dangal's first logged watch is a rewatch: the film was seen before the diary began
    assert [(e["title"], e["watched_at"] and e["watched_at"].date().isoformat(), e["viewing"]) for e in events] == [
        ("Dangal", None, 1), ("Dangal", "2021-06-12", 2), ("Dangal", "2021-07-01", 3), ("Lagaan", None, 1)]
    assert fetch_one("SELECT rating FROM reviews WHERE username = :u", u=user)["rating"] == 9


# A Trakt ratings file: one show known to Trakt by its TheTVDB id only (under its Italian title, which no title
# matching finds), and one with nothing but Trakt's own id.
TVDB_ONLY = json.dumps([
    {"rated_at": "2024-03-02T08:00:00.000Z", "rating": 9, "type": "show",
     "show": {"title": "Breaking Bad - Reazioni collaterali", "year": 2008,
              "ids": {"trakt": 1388, "slug": "breaking-bad", "tvdb": 81189, "imdb": None, "tmdb": None}}},
    {"rated_at": "2024-03-03T08:00:00.000Z", "rating": 8, "type": "show",
     "show": {"title": "Delhi Crime", "year": 2019, "ids": {"trakt": 140001, "slug": "delhi-crime"}}},
]).encode()


@pytest.fixture
def breaking_bad():
    """A series the catalog knows by its TMDb id (1396, as TMDb's /find answers for TheTVDB id 81189)."""
    def add(conn):
        return execute(conn, "INSERT INTO media (title, release_year, media_type, tmdb_id) "
                             "VALUES ('Breaking Bad', 2008, 'Series', 1396)").lastrowid
    media = run_in_transaction(None, add)
    yield media
    run_in_transaction(None, lambda conn: execute(conn, "DELETE FROM media WHERE media_id = :m", m=media))


def _tmdb_settings(monkeypatch, tmp_path, key: str | None = None, server: ProviderServer | None = None) -> None:
    """TMDb with this key at the local server (none: TMDb not configured); TVmaze off."""
    environ = {"STREAMSYNC_TVMAZE_ENABLED": "false"}
    if key:
        environ.update(STREAMSYNC_TMDB_API_KEY=key, STREAMSYNC_TMDB_URL=server.url + "/3")
    monkeypatch.setattr(providers, "SECRETS_FILE", tmp_path / "none.toml")
    monkeypatch.setattr(providers, "ENVIRON", environ)


def test_a_trakt_show_known_only_by_its_tvdb_id_is_found_through_tmdb(breaking_bad, monkeypatch, tmp_path):
    user = make_user("tvdb")
    with ProviderServer() as server:
        tmdb_routes(server)
        _tmdb_settings(monkeypatch, tmp_path, "k", server)
        seen = preview("ratings-shows.json", TVDB_ONLY, user)
        assert server.paths() == ["/3/find/81189"]  # the show with only Trakt's id is not looked up
    how = {line.title: (line.match.how, line.match.media_id) for line in seen.titles}
    assert how["Breaking Bad - Reazioni collaterali"] == ("tvdb id", breaking_bad)
    assert how["Delhi Crime"][0] == "title and year"  # Trakt's own id alone: by title and year
    assert seen.match_counts()["matched by id"] == 1
    assert commit(seen, "ratings-shows.json", TVDB_ONLY).written == {"ratings and reviews": 2}
    assert scalar("SELECT rating FROM reviews WHERE username = :u AND media_id = :m", u=user, m=breaking_bad) == 9


def test_without_tmdb_a_tvdb_id_is_matched_by_title_and_the_preview_says_so(breaking_bad, monkeypatch, tmp_path):
    _tmdb_settings(monkeypatch, tmp_path)
    seen = preview("ratings-shows.json", TVDB_ONLY, make_user("tvdb"))
    assert [line.match.status for line in seen.titles] == ["unmatched", "matched"]
    assert ("1 titles have a TheTVDB id but no IMDb or TMDb id the catalog knows: they are matched by title and "
            "year (with TMDb configured, their TheTVDB ids would be looked up there first).") in seen.notes


def test_tmdb_failing_on_a_tvdb_id_is_one_note_and_the_preview_goes_on(breaking_bad, monkeypatch, tmp_path):
    with ProviderServer() as server:
        server.routes["/3/find/81189"] = Reply(401, TMDB_401)
        _tmdb_settings(monkeypatch, tmp_path, "bad", server)
        seen = preview("ratings-shows.json", TVDB_ONLY, make_user("tvdb"))
    [note] = [n for n in seen.notes if "TheTVDB" in n]
    assert note.startswith("TheTVDB ids could not be looked up at TMDb: ") and "title and year" in note
    assert [line.match.status for line in seen.titles] == ["unmatched", "matched"]
