"""Adding a title from a provider: everything in one transaction, a fixed number of statements whatever the
episode count, no title twice (IMDb id, provider id, normalised title and year), and the Add-title page."""
from __future__ import annotations

import pytest

from core import titles
from core.providers.base import CrewCredit, EpisodeInfo, PersonRef, TitleDetails
from core.providers.tmdb import TmdbProvider
from core.providers.tvmaze import TvmazeProvider
from db import fetch_all, fetch_one, scalar, stats
from db.core import execute, transaction
from db.errors import DataRuleError, PermissionDenied
from tests.apptest import open_app, texts
from tests.provider_server import ProviderServer, Reply, tmdb_routes, tvmaze_routes

PAGE = "app_pages/add_title.py"


@pytest.fixture
def server():
    with ProviderServer() as running:
        tmdb_routes(running)
        tvmaze_routes(running)
        yield running


@pytest.fixture
def tvmaze(server):
    return TvmazeProvider(base_url=server.url, min_interval=0)


@pytest.fixture
def tmdb(server):
    return TmdbProvider(api_key="k", base_url=server.url + "/3", min_interval=0)


def counts(media_id: int) -> dict:
    return fetch_one("""SELECT (SELECT COUNT(*) FROM episodes WHERE media_id = :m) AS episodes,
                               (SELECT COUNT(*) FROM media_cast WHERE media_id = :m) AS cast_rows,
                               (SELECT COUNT(*) FROM media_crew WHERE media_id = :m) AS crew_rows,
                               (SELECT COUNT(*) FROM media_genres WHERE media_id = :m) AS genre_rows""", m=media_id)


def test_a_series_comes_with_genres_people_cast_crew_and_every_episode(empty_db, tvmaze):
    result = titles.add_from_provider("moderator", "tvmaze", 143, "Series", provider=tvmaze)
    assert result.created and result.episodes == 46
    media = fetch_one("SELECT * FROM media WHERE media_id = :m", m=result.media_id)
    assert (media["title"], media["release_year"], media["imdb_id"], media["tvmaze_id"], media["airing_status"],
            media["original_language"]) == ("Silicon Valley", 2014, "tt2575988", 143, "running", "English")
    assert media["poster_image_url"].startswith("http://static.tvmaze.com/")
    assert media["last_refreshed_at"] is not None
    assert counts(result.media_id) == {"episodes": 46, "cast_rows": 2, "crew_rows": 2, "genre_rows": 1}
    assert fetch_one("SELECT title, air_date FROM episodes WHERE media_id = :m AND season_number = 5 "
                     "AND episode_number = 8", m=result.media_id)["title"] == "Fifty-One Percent"
    # the add is audited as the user's act with its reason
    log = fetch_one("SELECT username, change_details FROM activity_log WHERE table_name = 'media'")
    assert log["username"] == "moderator" and "added from TVmaze" in log["change_details"]


def test_a_film_from_tmdb_keeps_its_credits_and_ids(empty_db, tmdb):
    result = titles.add_from_provider("user001", "tmdb", 27205, "Movie", provider=tmdb)
    media = fetch_one("SELECT title, tmdb_id, imdb_id, runtime_minutes, media_type FROM media WHERE media_id = :m",
                      m=result.media_id)
    assert media == {"title": "Inception", "tmdb_id": 27205, "imdb_id": "tt1375666", "runtime_minutes": 148,
                     "media_type": "Movie"}
    crew = fetch_all("SELECT p.name, c.role FROM media_crew c JOIN people p USING (person_id) "
                     "WHERE c.media_id = :m ORDER BY p.name, c.role", m=result.media_id)
    assert [(r["name"], r["role"]) for r in crew] == [
        ("Christopher Nolan", "Director"), ("Christopher Nolan", "Writer"), ("Hans Zimmer", "Music"),
        ("Wally Pfister", "Cinematography")]
    assert scalar("SELECT COUNT(*) FROM people WHERE name = 'Christopher Nolan'") == 1


def _statements(add) -> int:
    with stats.measure() as m:
        add()
    return m.statements


def test_the_statement_count_is_the_same_for_0_5_and_46_episodes(empty_db, tmdb, tvmaze):
    film = _statements(lambda: titles.add_from_provider("u", "tmdb", 27205, "Movie", provider=tmdb))
    five = _statements(lambda: titles.add_from_provider("u", "tmdb", 1396, "Series", provider=tmdb))
    many = _statements(lambda: titles.add_from_provider("u", "tvmaze", 143, "Series", provider=tvmaze))
    # session variables in and out, lookup, reason, title, 2 genres, 2 people, cast, crew, episodes; a film
    # has no episodes to insert
    assert five == many == 12 and film == 11
    assert scalar("SELECT COUNT(*) FROM episodes") == 51


def test_adding_again_finds_the_title_by_provider_id(empty_db, tvmaze):
    first = titles.add_from_provider("u", "tvmaze", 1371, "Series", provider=tvmaze)
    again = titles.add_from_provider("u", "tvmaze", 1371, "Series", provider=tvmaze)
    assert (again.created, again.media_id, again.matched_by) == (False, first.media_id, "the same IMDb id")
    with transaction("moderator") as conn:  # a title someone added without its IMDb id, and renamed
        execute(conn, "UPDATE media SET imdb_id = NULL, title = 'WW' WHERE media_id = :m", m=first.media_id)
    again = titles.add_from_provider("u", "tvmaze", 1371, "Series", provider=tvmaze)
    assert (again.created, again.media_id, again.matched_by) == (False, first.media_id, "the same provider id")
    assert scalar("SELECT COUNT(*) FROM media") == 1 and scalar("SELECT COUNT(*) FROM episodes") == 20


def _insert(title: str, year: int | None, imdb_id: str | None = None, media_type: str = "Series") -> int:
    with transaction("moderator") as conn:
        return execute(conn, "INSERT INTO media (title, release_year, media_type, imdb_id) VALUES (:t, :y, :k, :i)",
                       t=title, y=year, k=media_type, i=imdb_id).lastrowid


def test_the_same_imdb_id_wins_over_everything(empty_db, tvmaze):
    mine = _insert("Silicon Valley (HBO)", 2013, "tt2575988")
    result = titles.add_from_provider("u", "tvmaze", 143, "Series", provider=tvmaze)
    assert (result.created, result.media_id, result.matched_by) == (False, mine, "the same IMDb id")


@pytest.mark.parametrize("stored", ["WESTWORLD", "Westworld!", "West-World", "  westworld "])
def test_the_same_title_and_year_ignoring_case_and_punctuation(empty_db, tvmaze, stored):
    mine = _insert(stored.strip(), 2016)
    result = titles.add_from_provider("u", "tvmaze", 1371, "Series", provider=tvmaze)
    assert (result.created, result.media_id, result.matched_by) == (False, mine, "the same title and year")


def test_the_same_title_in_another_year_is_another_title(empty_db, tvmaze):
    _insert("Westworld", 1973, media_type="Movie")
    assert titles.add_from_provider("u", "tvmaze", 1371, "Series", provider=tvmaze).created


def test_a_failure_halfway_leaves_nothing(empty_db):
    details = TitleDetails(provider="tmdb", provider_id=5, media_type="Series", title="Half", tmdb_id=5,
                           genres=["Drama"],
                           crew=[CrewCredit(PersonRef("Grip", tmdb_id=77), "Gaffer")],  # not a crew role
                           episodes=[EpisodeInfo(1, 1, "One", None, 30)])
    with pytest.raises(DataRuleError, match="role"):
        titles.add_details("u", details)
    assert [scalar(f"SELECT COUNT(*) FROM {t}") for t in ("media", "genres", "people", "episodes")] == [0, 0, 0, 0]


def test_provider_values_outside_the_schema_are_cut_or_unknown(empty_db):
    details = TitleDetails(provider="tmdb", provider_id=9, media_type="Series", title="<script>x</script>" * 600,
                           year=0, runtime_minutes=5000, poster_url="javascript:alert(1)", tmdb_id=9,
                           episodes=[EpisodeInfo(1, 1, "", None, 0), EpisodeInfo(1, 1, "dup", None, 30),
                                     EpisodeInfo(400, 1, "bad season", None, 30), EpisodeInfo(1, 0, "bad", None, 3)])
    result = titles.add_details("u", details)
    media = fetch_one("SELECT title, release_year, runtime_minutes, poster_image_url FROM media")
    assert len(media["title"]) == 255 and media["title"].endswith("…") and media["title"].startswith("<script>")
    assert (media["release_year"], media["runtime_minutes"], media["poster_image_url"]) == (None, None, None)
    assert fetch_all("SELECT season_number, episode_number, title, runtime_minutes FROM episodes "
                     "WHERE media_id = :m", m=result.media_id) == [
        {"season_number": 1, "episode_number": 1, "title": "Episode 1", "runtime_minutes": None}]


def test_only_a_logged_in_user_adds(empty_db, tvmaze):
    with pytest.raises(PermissionDenied):
        titles.add_from_provider(None, "tvmaze", 143, "Series", provider=tvmaze)


# --- the page ---------------------------------------------------------------------------------------------

@pytest.fixture
def only_tvmaze(server, monkeypatch, tmp_path):
    from core import providers
    monkeypatch.setattr(providers, "SECRETS_FILE", tmp_path / "none.toml")
    for name in ("STREAMSYNC_TMDB_API_KEY", "STREAMSYNC_TMDB_READ_TOKEN", "STREAMSYNC_TVMAZE_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STREAMSYNC_TVMAZE_URL", server.url)
    return server


def shown(at) -> str:
    """The page's text with Markdown escapes removed (titles and messages are escaped when drawn)."""
    return texts(at).replace("\\", "")


def _search(at, text: str):
    at.text_input[0].input(text)
    at.button[0].click()  # the form's submit button
    at.run()
    return at


def test_the_page_searches_adds_and_then_links_to_the_title(demo_db, only_tvmaze):
    at = open_app("user001", PAGE)
    page = shown(at)
    assert "Add a title" in page and "TMDb is not configured: no API key" in page
    _search(at, "  silicon  ")
    page = shown(at)
    assert "2 matches at TVmaze for “silicon”" in page and "2014 · Series" in page
    add = next(b for b in at.button if b.label == "Add to the catalog")
    add.click()
    at.run()
    assert not at.exception
    assert "Added “Silicon Valley” with 46 episodes." in shown(at)
    media_id = scalar("SELECT media_id FROM media WHERE tvmaze_id = 143")
    assert any(link.proto.query_string == f"id={media_id}" for link in at.page_link)
    # searching again offers no second add for it
    _search(at, "silicon")
    assert [b.label for b in at.button if b.label == "Add to the catalog"] == ["Add to the catalog"]
    assert "In the catalog: open it" in [link.proto.label for link in at.page_link]


def test_the_page_says_why_an_empty_search_or_a_failing_provider_gives_nothing(demo_db, only_tvmaze):
    at = open_app("user001", PAGE)
    _search(at, "   ")
    assert "Type a title to search for." in shown(at)
    only_tvmaze.routes["/search/shows"] = Reply(200, b"<html>maintenance</html>")
    _search(at, "anything")
    assert "TVmaze sent an answer for shows matching “anything” that is not JSON" in shown(at)
