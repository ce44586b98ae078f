"""Unmatched titles of an import added to the catalog: from a provider (issue 10's code, against the local
provider server of its tests) or, with none configured, as minimal titles flagged for moderators."""
from __future__ import annotations

import pytest

from core.history_import import preview, read_upload
from core.history_import.adding import MINIMAL_NOTE, add_titles
from core.history_import.commit import commit
from core.providers.tmdb import TmdbProvider
from db.engine import fetch_all, fetch_one, scalar
from tests.provider_server import ProviderServer, tmdb_routes
from tests.viewer_helpers import make_user

pytestmark = pytest.mark.usefixtures("demo_db", "removed_after_test")

RATINGS = ("Const,Your Rating,Date Rated,Title,URL,Title Type,Year\n"
           "tt1375666,9,2023-01-01,Inception,u,Movie,2010\n"
           "tt9999901,7,2023-01-02,A Film Nobody Has,u,Movie,1999\n")


@pytest.fixture
def tmdb():
    with ProviderServer() as running:
        tmdb_routes(running)
        yield TmdbProvider(api_key="k", base_url=running.url + "/3", min_interval=0)


def unmatched(seen):
    return [line for line in seen.titles if line.match.status == "unmatched"]


def cleanup(imdb_ids):
    from db.engine import run_in_transaction

    def work(conn):
        from db.engine import execute
        for imdb_id in imdb_ids:
            execute(conn, "DELETE FROM media WHERE imdb_id = :i", i=imdb_id)
    run_in_transaction(None, work)


def test_from_a_provider_when_one_answers_else_a_minimal_title_for_moderators(tmdb):
    user = make_user("add")
    seen = preview.build(read_upload("ratings.csv", RATINGS.encode()), user)
    assert [line.title for line in unmatched(seen)] == ["Inception", "A Film Nobody Has"]
    try:
        added = add_titles(user, unmatched(seen), "IMDb", ready=[tmdb])
        assert (added.from_provider, added.minimal) == (["Inception"], ["A Film Nobody Has"])
        inception = fetch_one("SELECT title, tmdb_id, runtime_minutes FROM media WHERE imdb_id = 'tt1375666'")
        assert (inception["title"], inception["tmdb_id"]) == ("Inception", 27205)
        minimal = fetch_one("SELECT media_id, title, release_year, media_type, description FROM media "
                            "WHERE imdb_id = 'tt9999901'")
        assert (minimal["title"], minimal["release_year"], minimal["media_type"]) == ("A Film Nobody Has", 1999,
                                                                                       "Movie")
        assert minimal["description"] == MINIMAL_NOTE.format(source="IMDb")
        logged = fetch_all("""SELECT JSON_UNQUOTE(JSON_EXTRACT(change_details, '$.reason')) AS reason, username
                                FROM activity_log WHERE table_name = 'media' AND record_id = :m""",
                           m=str(minimal["media_id"]))
        assert logged == [{"reason": "minimal title from a history import (IMDb): to be completed by a moderator",
                           "username": user}]
        again = preview.build(seen.parsed, user)
        assert again.match_counts() == {"matched by id": 2, "matched by title": 0, "ambiguous": 0, "unmatched": 0}
        assert commit(again, "ratings.csv", RATINGS.encode()).written == {"ratings and reviews": 2}
        # asked again, nothing is added twice
        assert add_titles(user, unmatched(seen), "IMDb", ready=[tmdb]).already == ["Inception", "A Film Nobody Has"]
    finally:
        cleanup(["tt1375666", "tt9999901"])


def test_without_a_provider_every_title_is_minimal():
    user = make_user("add")
    before = scalar("SELECT COUNT(*) FROM media")
    seen = preview.build(read_upload("ratings.csv", RATINGS.encode()), user)
    try:
        added = add_titles(user, unmatched(seen), "IMDb", ready=[])
        assert added.minimal == ["Inception", "A Film Nobody Has"] and added.from_provider == []
        assert scalar("SELECT COUNT(*) FROM media") == before + 2
    finally:
        cleanup(["tt1375666", "tt9999901"])


@pytest.fixture
def no_provider(monkeypatch, tmp_path):
    from core import providers
    monkeypatch.setattr(providers, "SECRETS_FILE", tmp_path / "none.toml")
    # the providers read settings through providers.ENVIRON: a mapping of this test's own, no TMDb key
    monkeypatch.setattr(providers, "ENVIRON", {"STREAMSYNC_TVMAZE_ENABLED": "false"})


def test_the_import_page_adds_the_ticked_titles_and_matches_them(no_provider):
    from tests.apptest import open_app, texts
    from tests.viewer_helpers import button

    user = make_user("add")
    at = open_app(user, "app_pages/import_history.py")
    at.file_uploader(key="import_file").upload("ratings.csv", RATINGS.encode()).run()
    assert "2 not in the catalog" in texts(at) and "added with their title and year only" in texts(at)
    try:
        # AppTest has no data-editor widget: tick the second row ("A Film Nobody Has") through its state
        at.session_state["import_unmatched"] = {"edited_rows": {"1": {"Add": True}}, "added_rows": [],
                                                "deleted_rows": []}
        at.run()
        button(at, "Add 1 titles to the catalog").click().run()
        assert not at.exception
        shown = texts(at)
        assert "1 titles added with their title and year only" in shown.replace("\\", "")
        assert "1 matched by id" in shown and "1 not in the catalog" in shown
        assert scalar("SELECT COUNT(*) FROM media WHERE imdb_id = 'tt9999901'") == 1
        assert scalar("SELECT COUNT(*) FROM media WHERE imdb_id = 'tt1375666'") == 0
    finally:
        cleanup(["tt1375666", "tt9999901"])
