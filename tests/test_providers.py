"""TMDb and TVmaze providers against a local HTTP server answering in each provider's real format: parsing,
auth, 401, 404, 429 with Retry-After, 5xx retries, a timeout, a malformed body, offline, configuration."""
from __future__ import annotations

import socket
from datetime import date

import pytest

from core import providers
from core.providers.base import AuthFailed, BadResponse, NotConfigured, NotFound, ProviderOffline, RateLimited
from core.providers.tmdb import TmdbProvider
from core.providers.tvmaze import TvmazeProvider
from tests.provider_server import TMDB_401, TMDB_429, ProviderServer, Reply, json_reply, tmdb_routes, tvmaze_routes


class Sleeps(list):
    """Records the waits the client asks for instead of waiting (the retry tests stay fast)."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def server():
    with ProviderServer() as running:
        tmdb_routes(running)
        tvmaze_routes(running)
        yield running


def tmdb(server, sleeps=None, **kwargs) -> TmdbProvider:
    return TmdbProvider(api_key="k3y", base_url=server.url + "/3", min_interval=0, sleep=sleeps, **kwargs)


def tvmaze(server, sleeps=None, **kwargs) -> TvmazeProvider:
    return TvmazeProvider(base_url=server.url, min_interval=0, sleep=sleeps, **kwargs)


# --- TVmaze, real API output ------------------------------------------------------------------------------

def test_tvmaze_search_gives_series_with_year_and_poster(server):
    hits = tvmaze(server).search("silicon")
    assert [(h.title, h.year, h.media_type, h.provider_id) for h in hits] == [
        ("Silicon Valley", 2014, "Series", 143), ("Westworld", 2016, "Series", 1371)]
    assert hits[0].poster_url == "http://static.tvmaze.com/uploads/images/original_untouched/104/261725.jpg"
    assert server.requests[0].query == {"q": ["silicon"]}


def test_tvmaze_show_has_every_episode_cast_crew_and_ids(server):
    show = tvmaze(server).details(143)
    assert (show.title, show.year, show.imdb_id, show.tvmaze_id, show.airing_status) == (
        "Silicon Valley", 2014, "tt2575988", 143, "running")
    assert show.original_language == "English" and show.genres == ["Comedy"] and show.runtime_minutes == 30
    assert show.description.startswith("In the high-tech gold rush")
    assert len(show.episodes) == 46
    first = show.episodes[0]
    assert (first.season, first.number, first.title, first.air_date) == (1, 1, "Minimum Viable Product",
                                                                        date(2014, 4, 6))
    assert [(c.person.name, c.character, c.person.tvmaze_id) for c in show.cast] == [
        ("Thomas Middleditch", "Richard Hendricks", 14245), ("T.J. Miller", "Erlich Bachman", 14246)]
    assert [(c.person.name, c.role) for c in show.crew] == [("Mike Judge", "Creator"), ("John Altschuler", "Creator")]
    assert server.requests[0].query == {"embed[]": ["episodes", "cast", "crew"]}


def test_tvmaze_lookup_by_imdb_follows_the_redirect(server):
    server.routes["/lookup/shows"] = Reply(301, b"", {"Location": "/shows/1371"})
    hit = tvmaze(server).find_by_imdb("tt0475784")
    assert (hit.title, hit.provider_id) == ("Westworld", 1371)
    assert server.requests[0].query == {"imdb": ["tt0475784"]}


def test_tvmaze_lookup_of_an_unknown_imdb_id_is_none(server):
    assert tvmaze(server).find_by_imdb("tt0000001") is None


def test_tvmaze_unknown_show_is_not_found(server):
    with pytest.raises(NotFound, match=r"^TVmaze has no show 999\.$"):
        tvmaze(server).details(999)


# --- TMDb, its documented format --------------------------------------------------------------------------

def test_tmdb_search_keeps_films_and_series_not_people(server):
    hits = tmdb(server).search("inception")
    assert [(h.title, h.year, h.media_type) for h in hits] == [("Inception", 2010, "Movie"),
                                                               ("Inception: The Cobol Job", 2010, "Series")]
    assert hits[0].poster_url == "https://image.tmdb.org/t/p/w185/oYuLEt3zVCKq57qu2F8dT7NIa6f.jpg"
    assert hits[1].poster_url is None
    assert server.requests[0].query["api_key"] == ["k3y"]


def test_tmdb_film_details_with_credits_and_imdb_id(server):
    film = tmdb(server).details(27205, "Movie")
    assert (film.title, film.year, film.runtime_minutes, film.imdb_id, film.tmdb_id, film.original_language) == (
        "Inception", 2010, 148, "tt1375666", 27205, "en")
    assert film.genres == ["Action", "Science Fiction", "Adventure"]
    assert [(c.person.name, c.character, c.order) for c in film.cast][:2] == [("Leonardo DiCaprio", "Dom Cobb", 0),
                                                                              ("Joseph Gordon-Levitt", "Arthur", 1)]
    # Director and Screenplay of one person are two roles; catering is not a role StreamSync keeps
    assert sorted((c.person.name, c.role) for c in film.crew) == [
        ("Christopher Nolan", "Director"), ("Christopher Nolan", "Writer"), ("Hans Zimmer", "Music"),
        ("Wally Pfister", "Cinematography")]
    assert film.poster_url == "https://image.tmdb.org/t/p/w500/oYuLEt3zVCKq57qu2F8dT7NIa6f.jpg"
    assert server.requests[0].query["append_to_response"] == ["credits,external_ids"]


def test_tmdb_series_fetches_every_season_and_maps_status(server):
    show = tmdb(server).details(1396, "Series")
    assert (show.title, show.airing_status, show.imdb_id, show.runtime_minutes) == ("Breaking Bad", "ended",
                                                                                     "tt0903747", 45)
    assert [(e.season, e.number) for e in show.episodes] == [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2)]
    assert [(c.person.name, c.role) for c in show.crew] == [("Vince Gilligan", "Creator")]
    # season 0 lists no episodes: not asked for
    assert "/3/tv/1396/season/0" not in server.paths()


def test_tmdb_read_token_goes_in_the_authorization_header(server):
    TmdbProvider(read_token="t0ken", base_url=server.url + "/3", min_interval=0).search("inception")
    seen = server.requests[0]
    assert seen.headers["Authorization"] == "Bearer t0ken" and "api_key" not in seen.query


def test_tmdb_find_by_imdb(server):
    hit = tmdb(server).find_by_imdb("tt1375666")
    assert (hit.provider_id, hit.media_type, hit.title) == (27205, "Movie", "Inception")


def test_tmdb_find_by_tvdb_gives_the_series_of_that_type_only(server):
    hit = tmdb(server).find_by_tvdb(81189, "Series")
    assert (hit.provider_id, hit.media_type, hit.title, hit.year) == (1396, "Series", "Breaking Bad", 2008)
    assert server.requests[-1].path == "/3/find/81189"
    assert server.requests[-1].query["external_source"] == ["tvdb_id"]
    assert tmdb(server).find_by_tvdb(81189).provider_id == 1396  # no type said: a series first
    # TheTVDB numbers films and series apart: a film's 81189 is another title, and TMDb knows no such film
    assert tmdb(server).find_by_tvdb(81189, "Movie") is None


# --- failures, one clear sentence each --------------------------------------------------------------------

def test_a_wrong_key_is_one_clear_line(server):
    server.routes["/3/search/multi"] = json_reply(TMDB_401, 401)
    with pytest.raises(AuthFailed) as caught:
        tmdb(server).search("inception")
    assert str(caught.value).startswith("TMDb refused the configured key (HTTP 401: Invalid API key: You must be "
                                        "granted a valid key.). Set STREAMSYNC_TMDB_API_KEY")
    assert len(server.requests) == 1  # a refused key is not retried


def test_tmdb_404_names_what_was_missing(server):
    with pytest.raises(NotFound, match=r"^TMDb has no film 1\.$"):
        tmdb(server).details(1, "Movie")


def test_429_waits_as_long_as_retry_after_says_then_succeeds(server):
    server.routes["/3/search/multi"] = [json_reply(TMDB_429, 429, **{"Retry-After": "2"}),
                                        json_reply({"page": 1, "results": []})]
    sleeps = Sleeps()
    assert tmdb(server, sleeps).search("x") == []
    assert sleeps == [2.0]
    assert server.paths() == ["/3/search/multi", "/3/search/multi"]


def test_429_that_never_ends_is_reported_after_the_retries(server):
    server.routes["/search/shows"] = json_reply({"name": "Too Many Requests", "status": 429}, 429,
                                                **{"Retry-After": "1"})
    sleeps = Sleeps()
    with pytest.raises(RateLimited, match="TVmaze is limiting requests"):
        tvmaze(server, sleeps).search("x")
    assert sleeps == [1.0, 1.0, 1.0] and len(server.requests) == 4


def test_a_retry_after_far_in_the_future_is_not_waited_for(server):
    server.routes["/search/shows"] = json_reply({}, 429, **{"Retry-After": "3600"})
    sleeps = Sleeps()
    with pytest.raises(RateLimited):
        tvmaze(server, sleeps).search("x")
    assert sleeps == [] and len(server.requests) == 1


def test_5xx_is_retried_with_growing_backoff(server):
    server.routes["/search/shows"] = [Reply(503, b"Service Unavailable"), Reply(502, b"Bad Gateway"),
                                      json_reply([])]
    sleeps = Sleeps()
    assert tvmaze(server, sleeps).search("x") == []
    assert sleeps == [0.5, 1.0]


def test_a_provider_that_keeps_failing_says_so(server):
    server.routes["/search/shows"] = Reply(500, b"oops")
    with pytest.raises(ProviderOffline, match=r"TVmaze \(127\.0\.0\.1:\d+\) is failing \(HTTP 500\)"):
        tvmaze(server, Sleeps()).search("x")


def test_a_timeout_is_one_clear_line(server):
    server.routes["/search/shows"] = Reply(200, b"[]", delay=1.5)
    with pytest.raises(ProviderOffline, match=r"TVmaze \(127\.0\.0\.1:\d+\) did not answer within 0\.3 s"):
        tvmaze(server, read_timeout=0.3).search("x")


@pytest.mark.parametrize("body", [b"<html>Bad gateway</html>", b'{"id": 143, "name": ', b'[{"score": 1}]'])
def test_a_malformed_body_is_one_clear_line(server, body):
    server.routes["/search/shows"] = Reply(200, body)
    with pytest.raises(BadResponse, match="^TVmaze sent (an answer for shows matching “x” that is not JSON|search "
                                          "results StreamSync cannot read)"):
        tvmaze(server).search("x")


def test_a_show_missing_its_name_is_a_bad_response(server):
    server.routes["/shows/5"] = json_reply({"id": 5, "_embedded": {"episodes": []}})
    with pytest.raises(BadResponse, match="^TVmaze sent a show 5 that StreamSync cannot read"):
        tvmaze(server).details(5)


def test_offline_is_one_clear_line():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ProviderOffline, match=r"^TVmaze \(127\.0\.0\.1:\d+\) cannot be reached: no network"):
        TvmazeProvider(base_url=f"http://127.0.0.1:{port}", min_interval=0).search("x")


def test_requests_keep_the_rate_limit_interval(server):
    sleeps = Sleeps()
    client = tvmaze(server, sleeps)
    client.http.min_interval = 0.5
    client.search("a")
    client.search("b")
    assert len(sleeps) == 1 and 0.3 < sleeps[0] <= 0.5


# --- configuration ----------------------------------------------------------------------------------------

def test_tmdb_without_a_key_is_not_configured_and_says_what_to_set(monkeypatch, tmp_path):
    monkeypatch.setattr(providers, "SECRETS_FILE", tmp_path / "none.toml")
    monkeypatch.setattr(providers, "ENVIRON", {})
    with pytest.raises(NotConfigured, match="^TMDb is not configured: no API key. Set STREAMSYNC_TMDB_API_KEY"):
        providers.get("tmdb")
    ready, problems = providers.configured()
    assert [p.name for p in ready] == ["tvmaze"] and problems[0].startswith("TMDb is not configured")


def test_keys_come_from_secrets_and_the_environment_wins(monkeypatch, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[providers.tmdb]\napi_key = "from-file"\nbase_url = "http://127.0.0.1:9/3"\n'
                       '[providers.tvmaze]\nenabled = false\n')
    monkeypatch.setattr(providers, "SECRETS_FILE", secrets)
    monkeypatch.setattr(providers, "ENVIRON", {"STREAMSYNC_TMDB_API_KEY": "from-env"})
    provider = providers.get("tmdb")
    assert provider.http.params == {"api_key": "from-env"} and provider.http.base_url == "http://127.0.0.1:9/3"
    ready, problems = providers.configured()
    assert [p.name for p in ready] == ["tmdb"] and problems == ["TVmaze is switched off (enabled = false)."]
