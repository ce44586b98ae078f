"""`manage.py import-catalog`: IMDb's datasets and TIMDB streamed in batches, re-runs that update and never
duplicate, filters, bad input (one clear line, nothing half-written) and resuming an interrupted import."""
from __future__ import annotations

import gzip
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from core.catalog_import import runner
from core.catalog_import.files import ImportFailed
from core.catalog_import.session import ImportSession
from db import catalog_import as repo
from db import engine, fetch_all, fetch_one, scalar
from db.config import PROJECT_ROOT
from tests import imdb_files
from tests.imdb_files import write, write_all

TIMDB = Path(__file__).resolve().parent / "fixtures" / "timdb"


def imdb(source: Path, **kwargs):
    return runner.run_import("imdb", source, progress_stream=None, **kwargs)


def catalog() -> dict:
    return {t: scalar(f"SELECT COUNT(*) FROM {t}") for t in
            ("media", "episodes", "people", "media_cast", "media_crew", "media_genres", "genres")}


def test_a_full_import_brings_titles_episodes_people_and_credits(empty_db, tmp_path):
    outcome = imdb(write_all(tmp_path))
    counts = outcome.report.counts
    assert counts["titles"] == {"added": 4, "updated": 0, "unchanged": 0, "skipped": 2}
    assert counts["episodes"] == {"added": 3, "updated": 0, "unchanged": 0, "skipped": 1}
    # credited people only: the uncredited one and the production designer (not a kept role) are left out
    assert counts["people"]["added"] == 10
    assert counts["credits"]["added"] == 11
    sholay = fetch_one("SELECT * FROM media WHERE imdb_id = 'tt0000101'")
    assert (sholay["title"], sholay["release_year"], sholay["runtime_minutes"], sholay["media_type"],
            float(sholay["imdb_rating"]), sholay["imdb_votes"], sholay["original_title"]) == (
        "Sholay", 1975, 198, "Movie", 8.1, 57000, None)
    assert [r["name"] for r in fetch_all(
        "SELECT g.name FROM media_genres mg JOIN genres g USING (genre_id) JOIN media m USING (media_id) "
        "WHERE m.imdb_id = 'tt0000101' ORDER BY g.name")] == ["Action", "Adventure", "Comedy"]
    episodes = fetch_all("SELECT e.season_number AS s, e.episode_number AS n, e.title, e.runtime_minutes AS rt "
                         "FROM episodes e JOIN media m USING (media_id) WHERE m.imdb_id = 'tt0000104' ORDER BY s, n")
    assert [(e["s"], e["n"], e["title"], e["rt"]) for e in episodes] == [
        (1, 1, "Ashwathama", 58), (1, 2, "Halahala", 53), (2, 1, "Prayaschit", None)]
    cast = fetch_all("SELECT p.name, c.character_name, c.cast_order FROM media_cast c JOIN people p USING "
                     "(person_id) JOIN media m USING (media_id) WHERE m.imdb_id = 'tt0000101' ORDER BY c.cast_order")
    assert [(c["name"], c["character_name"]) for c in cast] == [("Dharmendra", "Veeru"),
                                                                ("Amitabh Bachchan", "Jai / Jaidev")]
    crew = fetch_all("SELECT p.name, c.role FROM media_crew c JOIN people p USING (person_id) JOIN media m "
                     "USING (media_id) WHERE m.imdb_id = 'tt0000102' ORDER BY p.name, c.role")
    assert [(c["name"], c["role"]) for c in crew] == [("Javed Akhtar", "Writer"), ("Salim Khan", "Writer"),
                                                      ("Yash Chopra", "Director")]
    notes = outcome.report.notes
    assert notes["title type not imported (short)"][0] == 1
    assert notes["adult title (use --include-adult)"][0] == 1
    assert notes["an episode of a series not in the catalog (filtered out, or not in title.basics)"] == [
        1, "line 5: tt0000110 of tt0000199"]
    # nothing stays staged, and the run is recorded as complete
    assert scalar("SELECT COUNT(*) FROM import_stage_episodes") == 0
    assert scalar("SELECT status FROM import_runs") == "complete"


def test_running_it_again_updates_what_changed_and_duplicates_nothing(empty_db, tmp_path):
    imdb(write_all(tmp_path / "a"))
    before = catalog()
    again = imdb(write_all(tmp_path / "a"))
    assert catalog() == before
    assert again.report.counts["titles"] == {"added": 0, "updated": 0, "unchanged": 4, "skipped": 2}
    assert again.report.counts["episodes"]["unchanged"] == 3 and again.report.counts["credits"]["added"] == 0
    basics = [b.replace("Deewaar Deewaar 0 1975 \\N 176", "Deewaar Deewaar 0 1975 \\N 174") for b in imdb_files.BASICS]
    basics = [b.replace("Action,Adventure,Comedy", "Action,Drama") for b in basics]
    names = [n.replace("Ramesh Sippy", "Ramesh G. Sippy") for n in imdb_files.NAMES]
    changed = imdb(write_all(tmp_path / "b", title_basics=basics, name_basics=names))
    assert changed.report.counts["titles"] == {"added": 0, "updated": 2, "unchanged": 2, "skipped": 2}
    assert changed.report.counts["people"]["updated"] == 1
    assert scalar("SELECT runtime_minutes FROM media WHERE imdb_id = 'tt0000102'") == 174
    assert [r["name"] for r in fetch_all(
        "SELECT g.name FROM media_genres mg JOIN genres g USING (genre_id) JOIN media m USING (media_id) "
        "WHERE m.imdb_id = 'tt0000101' ORDER BY g.name")] == ["Action", "Drama"]
    assert catalog()["media"] == before["media"]


def test_type_and_vote_filters(empty_db, tmp_path):
    outcome = imdb(write_all(tmp_path), title_types=("movie",), min_votes=20000)
    assert sorted(r["imdb_id"] for r in fetch_all("SELECT imdb_id FROM media")) == ["tt0000101", "tt0000102"]
    notes = outcome.report.notes
    assert notes["title type not imported (tvSeries)"][0] == 1
    # the series is left out, so are its episodes (counted, one line)
    assert notes["an episode of a series not in the catalog (filtered out, or not in title.basics)"][0] == 4


def test_an_unknown_title_type_is_refused_before_anything(empty_db, tmp_path):
    with pytest.raises(ImportFailed, match="Unknown IMDb title type feature"):
        imdb(write_all(tmp_path), title_types=("feature",))


# --- bad input: one clear line each, nothing half-written -------------------------------------------------

def test_a_missing_column_is_one_line_and_writes_nothing(empty_db, tmp_path):
    write_all(tmp_path, title_basics=[])
    write(tmp_path, "title.basics", [["tt0000101", "movie", "Sholay", "Sholay", "0", "1975", "\\N", "198"]],
          header="tconst titleType primaryTitle originalTitle isAdult startYear endYear runtimeMinutes")
    with pytest.raises(ImportFailed) as caught:
        imdb(tmp_path)
    assert str(caught.value).startswith("title.basics.tsv.gz: the header has no column genres (it has tconst, "
                                        "titleType,")
    assert "\n" not in str(caught.value) and catalog()["media"] == 0


def test_a_truncated_gzip_keeps_the_batches_before_and_says_so(empty_db, tmp_path):
    rows = [f"tt{n:07d} movie Film {n} Film {n} 0 2001 \\N 90 Drama" for n in range(1, 3001)]
    path = write(tmp_path, "title.basics", rows)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(ImportFailed) as caught:
        imdb(tmp_path, batch_rows=500)
    message = str(caught.value)
    assert message.startswith("title.basics.tsv.gz is cut short or damaged after line ")
    assert "a re-run picks up where it stopped" in message
    saved = scalar("SELECT COUNT(*) FROM media")
    assert saved % 500 == 0 and 0 < saved < 3000  # whole batches only
    assert scalar("SELECT position FROM import_runs WHERE status = 'running'") == saved


@pytest.mark.parametrize("row, reason", [
    (["tt0000301", "movie", "x" * 10_000, "x" * 10_000, "0", "2001", "\\N", "90", "Drama"],
     "title.basics.tsv.gz: a title longer than 255 characters"),
    (["tt0000302", "movie", "Too Few Fields", "0", "2001"], "title.basics.tsv.gz: a line with 5 fields, not 9"),
    (["tt0000303", "movie", "\\N", "\\N", "0", "2001", "\\N", "90", "Drama"],
     "title.basics.tsv.gz: a title without a name"),
    (["nonsense", "movie", "Bad Id", "Bad Id", "0", "2001", "\\N", "90", "Drama"],
     "title.basics.tsv.gz: not an IMDb title id"),
])
def test_a_bad_row_is_skipped_with_one_line_and_the_rest_goes_in(empty_db, tmp_path, row, reason):
    write(tmp_path, "title.basics", [row, ["tt0000304", "movie", "Good", "Good", "0", "2001", "\\N", "90", "Drama"]])
    outcome = imdb(tmp_path)
    assert outcome.report.notes[reason][0] == 1
    assert [r["imdb_id"] for r in fetch_all("SELECT imdb_id FROM media")] == ["tt0000304"]
    assert outcome.report.counts["titles"]["skipped"] == 1


def test_a_year_of_0_is_stored_as_unknown_with_a_line(empty_db, tmp_path):
    write(tmp_path, "title.basics", [["tt0000305", "movie", "<script>alert(1)</script> [x](javascript:y)",
                                      "\\N", "0", "0", "\\N", "0", "Drama"]])
    outcome = imdb(tmp_path)
    assert outcome.report.notes["a year outside 1888-2100, stored as unknown"] == [1, "line 2: tt0000305, 0"]
    row = fetch_one("SELECT title, release_year, runtime_minutes FROM media")
    assert row == {"title": "<script>alert(1)</script> [x](javascript:y)", "release_year": None,
                   "runtime_minutes": None}


def test_a_file_that_is_not_utf8_is_one_line(empty_db, tmp_path):
    header = imdb_files.HEADERS["title.basics"].replace(" ", "\t")
    body = "tt0000306\tmovie\tCaf\xe9\tCaf\xe9\t0\t2001\t\\N\t90\tDrama\n"
    (tmp_path / "title.basics.tsv.gz").write_bytes(gzip.compress((header + "\n" + body).encode("latin-1")))
    with pytest.raises(ImportFailed, match=r"^title\.basics\.tsv\.gz is not UTF-8 text near line"):
        imdb(tmp_path)
    assert catalog()["media"] == 0


def test_a_folder_without_the_datasets_says_where_to_get_them(empty_db, tmp_path):
    with pytest.raises(ImportFailed, match="has no title.basics.tsv.gz .* https://datasets.imdbws.com/"):
        imdb(tmp_path)


# --- resuming --------------------------------------------------------------------------------------------

def test_an_interrupted_import_resumes_where_it_stopped(empty_db, tmp_path, monkeypatch):
    rows = [f"tt{n:07d} movie Film {n} Film {n} 0 2001 \\N 90 Drama" for n in range(1, 1001)]
    write(tmp_path, "title.basics", rows)
    original = ImportSession.commit_batch
    commits = []

    def crash_on_third(self, position):
        original(self, position)
        commits.append(position)
        if len(commits) == 3:
            raise KeyboardInterrupt  # the operator pressed Ctrl-C right after a batch went in

    monkeypatch.setattr(ImportSession, "commit_batch", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        imdb(tmp_path, batch_rows=100)
    assert scalar("SELECT COUNT(*) FROM media") == 300
    monkeypatch.setattr(ImportSession, "commit_batch", original)
    outcome = imdb(tmp_path, batch_rows=100)
    assert outcome.resumed_from == "titles at row 300"
    assert outcome.report.counts["titles"] == {"added": 1000, "updated": 0, "unchanged": 0, "skipped": 0}
    assert scalar("SELECT COUNT(*) FROM media") == 1000 and outcome.report.rows_read == 1000


# --- how rows go in ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("local_files", [True, False], ids=["load-data", "inserts"])
def test_staged_values_arrive_exactly_through_load_data_and_through_inserts(empty_db, tmp_path, local_files):
    rows = [("tt0000001", "A \\N backslash \\ title", None), ("tt0000002", "Plain", 45),
            ("tt0000003", "A tab\there and a line\nbreak", 30)]  # the last takes the value-by-value path
    with engine.default().local_files_connection(tmp_path) as conn:
        writer = repo.Writer(conn, tmp_path if local_files else None)
        repo.stage_episode_titles(writer, rows)
        repo.stage_episode_titles(writer, rows[:1])  # staged again by a resumed batch: replaced, not doubled
        conn.commit()
    assert [tuple(r.values()) for r in fetch_all(
        "SELECT tconst, title, runtime_minutes FROM import_stage_episode_titles ORDER BY tconst")] == rows
    assert list(tmp_path.iterdir()) == []  # spooled files are removed


def test_a_title_listed_again_in_a_later_batch_is_updated_not_doubled(empty_db, tmp_path):
    # a first import looks nothing up while ids only grow (IMDb's files are sorted); an id out of order turns
    # the lookups back on
    films = [f"tt000050{n} movie Film {n} Film {n} 0 2001 \\N 90 Drama" for n in (1, 2)]
    again = "tt0000501 movie Film One Film One 0 2001 \\N 91 Drama"
    write(tmp_path, "title.basics", [*films, again, "tt0000503 movie Film 3 Film 3 0 2001 \\N 90 Drama"])
    outcome = imdb(tmp_path, batch_rows=2)
    assert outcome.report.counts["titles"] == {"added": 3, "updated": 1, "unchanged": 0, "skipped": 0}
    assert scalar("SELECT title FROM media WHERE imdb_id = 'tt0000501'") == "Film One"
    assert scalar("SELECT COUNT(*) FROM media") == 3


def test_an_import_tells_the_search_index_once_not_per_row(empty_db, tmp_path):
    before = scalar("SELECT changes FROM catalog_version")
    imdb(write_all(tmp_path))
    assert scalar("SELECT changes FROM catalog_version") == before + 1
    imdb(write_all(tmp_path))  # nothing changed: nothing to tell
    assert scalar("SELECT changes FROM catalog_version") == before + 1


def test_the_episode_guard_still_refuses_an_episode_of_a_film_outside_the_merge(empty_db):
    with engine.default().connect() as conn:
        conn.exec_driver_sql("INSERT INTO media (title, media_type) VALUES ('A Film', 'Movie')")
        film = conn.exec_driver_sql("SELECT LAST_INSERT_ID()").scalar()
        conn.exec_driver_sql("SET @streamsync_bulk_load = 1")
        with pytest.raises(DBAPIError, match="Episodes can only belong to a Series"):
            conn.exec_driver_sql("INSERT INTO episodes (media_id, season_number, episode_number, title) "
                                 "VALUES (%s, 1, 1, 'Pilot')", (film,))
        conn.exec_driver_sql("SET @streamsync_bulk_load = NULL")


# --- TIMDB and the command ------------------------------------------------------------------------------

def test_timdb_films_with_posters_stories_and_directors(empty_db):
    outcome = runner.run_import("timdb", TIMDB, progress_stream=None)
    titles = outcome.report.counts["titles"]
    assert titles["added"] == scalar("SELECT COUNT(*) FROM media") == 15
    sholay = fetch_one("SELECT title, release_year, runtime_minutes, original_language FROM media "
                       "WHERE imdb_id = 'tt0073707'")
    assert sholay == {"title": "Sholay", "release_year": 1975, "runtime_minutes": 198, "original_language": "hi"}
    assert scalar("SELECT COUNT(*) FROM media WHERE poster_image_url LIKE 'https://upload.wikimedia.org/%'") > 0
    assert scalar("SELECT COUNT(*) FROM media_crew WHERE role = 'Director'") > 0
    again = runner.run_import("timdb", TIMDB, progress_stream=None)
    assert again.report.counts["titles"]["unchanged"] == 15 and scalar("SELECT COUNT(*) FROM media") == 15


def _manage(*args: str, url) -> subprocess.CompletedProcess:
    env = {**os.environ, "STREAMSYNC_DB_URL": url.render_as_string(hide_password=False)}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_command_prints_the_table_and_bad_input_in_one_line(empty_db, tmp_path):
    result = _manage("import-catalog", str(write_all(tmp_path / "ok")), "--quiet", url=empty_db)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["added", "updated", "unchanged", "skipped"]
    assert lines[1].split() == ["titles", "4", "0", "0", "2"]
    assert "rows/s" in lines[-1]
    bad = tmp_path / "bad"
    write(bad, "title.basics", [["tt1"]], header="tconst")
    result = _manage("import-catalog", str(bad), url=empty_db)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("import-catalog: title.basics.tsv.gz: the header has no column titleType")


def test_the_progress_bar_shows_rate_and_time_left(empty_db, tmp_path):
    stream = io.StringIO()
    runner.run_import("imdb", write_all(tmp_path), progress_stream=stream)
    first = stream.getvalue().splitlines()[0]
    assert first.startswith("title.ratings.tsv.gz") and "rows/s" in first and "left" in first


def _movielens_files(folder: Path) -> Path:
    """movies.csv and links.csv in MovieLens's own layout: the year in the title, genres joined by |, and two
    movieIds that share one TMDb id (as the real links.csv has)."""
    folder.mkdir()
    (folder / "movies.csv").write_text(
        'movieId,title,genres\n1,Toy Story (1995),Adventure|Animation|Children\n'
        '2,"Matrix, The (1999)",Action|Sci-Fi\n3,Sholay (1975),Action\n4,No Id Film (2001),(no genres listed)\n',
        encoding="utf-8")
    (folder / "links.csv").write_text("movieId,imdbId,tmdbId\n1,0114709,862\n2,0133093,603\n3,0073707,603\n4,,\n",
                                      encoding="utf-8")
    return folder


def test_movielens_goes_in_by_imdb_id_and_a_second_run_changes_nothing(empty_db, tmp_path):
    folder = _movielens_files(tmp_path / "ml")
    first = runner.run_import("movielens", folder, progress_stream=None)
    assert first.report.counts["titles"] == {"added": 3, "updated": 0, "unchanged": 0, "skipped": 1}
    rows = {r["imdb_id"]: r for r in fetch_all("SELECT imdb_id, title, release_year, tmdb_id FROM media")}
    assert rows["tt0133093"]["title"] == "Matrix, The" and rows["tt0133093"]["release_year"] == 1999
    assert rows["tt0133093"]["tmdb_id"] == 603 and rows["tt0073707"]["tmdb_id"] is None  # one film per TMDb id
    again = runner.run_import("movielens", folder, progress_stream=None)
    assert again.report.counts["titles"] == {"added": 0, "updated": 0, "unchanged": 3, "skipped": 1}
    assert scalar("SELECT COUNT(*) FROM media") == 3


def test_movielens_without_links_is_one_line(empty_db, tmp_path):
    folder = _movielens_files(tmp_path / "ml")
    (folder / "links.csv").unlink()
    with pytest.raises(ImportFailed, match="links.csv is missing"):
        runner.run_import("movielens", folder, progress_stream=None)
    assert scalar("SELECT COUNT(*) FROM media") == 0
