"""refresh-catalog: running series re-fetched from their provider gain new episodes, take changed titles and
air dates, and are marked ended when the provider says so; a provider that fails is reported per series."""
from __future__ import annotations

import copy
import json

import pytest

from core import catalog_refresh, titles
from core.providers.tvmaze import TvmazeProvider
from db import fetch_one, scalar
from db.core import execute, transaction
from tests.provider_server import ProviderServer, json_reply, tvmaze_routes


@pytest.fixture
def server():
    with ProviderServer() as running:
        tvmaze_routes(running)
        yield running


def test_new_episodes_changed_air_dates_and_an_ended_show(empty_db, server):
    provider = TvmazeProvider(base_url=server.url, min_interval=0)
    media_id = titles.add_from_provider("moderator", "tvmaze", 216, "Series", provider=provider).media_id
    with transaction(None) as conn:  # last refreshed long ago
        execute(conn, "UPDATE media SET last_refreshed_at = NOW() - INTERVAL 2 DAY WHERE media_id = :m", m=media_id)
    show = copy.deepcopy(json.loads(json.dumps(server.routes["/shows/216"].body)))
    show["status"] = "Ended"
    show["_embedded"]["episodes"][0]["airdate"] = "2013-12-09"
    show["_embedded"]["episodes"].append({**show["_embedded"]["episodes"][-1], "id": 999, "season": 5, "number": 1,
                                          "name": "Mort Dinner Rick Andre", "airdate": "2021-06-20"})
    server.routes["/shows/216"] = json_reply(show)
    outcome = catalog_refresh.refresh(provider_for=lambda name: provider)
    [done] = outcome.series
    assert (done.added, done.changed, done.ended, done.error) == (1, 1, True, None)
    assert scalar("SELECT COUNT(*) FROM episodes WHERE media_id = :m", m=media_id) == 33
    assert str(fetch_one("SELECT air_date FROM episodes WHERE media_id = :m AND season_number = 1 "
                         "AND episode_number = 1", m=media_id)["air_date"]) == "2013-12-09"
    media = fetch_one("SELECT airing_status, last_refreshed_at > NOW() - INTERVAL 1 MINUTE AS fresh FROM media "
                      "WHERE media_id = :m", m=media_id)
    assert (media["airing_status"], media["fresh"]) == ("ended", 1)
    # an ended series is not fetched again
    assert catalog_refresh.refresh(older_than_hours=0, provider_for=lambda name: provider).series == []


def test_a_failing_provider_is_reported_per_series_and_changes_nothing(empty_db, server):
    provider = TvmazeProvider(base_url=server.url, min_interval=0, sleep=lambda s: None)
    media_id = titles.add_from_provider("moderator", "tvmaze", 1371, "Series", provider=provider).media_id
    server.routes["/shows/1371"] = json_reply({"name": "Internal Server Error"}, 500)
    outcome = catalog_refresh.refresh(older_than_hours=0, provider_for=lambda name: provider)
    assert outcome.failed == 1 and "TVmaze" in outcome.series[0].error and "HTTP 500" in outcome.series[0].error
    assert scalar("SELECT COUNT(*) FROM episodes WHERE media_id = :m", m=media_id) == 20
