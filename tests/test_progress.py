"""Progress: where I am in each series, the next episode in one click, any episode, stop tracking; the
watchlist follows (watching while in progress, completed after the last episode)."""
import pytest

from core import watching
from db import progress, watchlist
from db.errors import DataRuleError
from tests.apptest import open_app
from tests.viewer_fixtures import (  # noqa: F401 (removed_after_test is a fixture)
    PAGE_BUDGET, a_series, button, make_busy_user, make_user, removed_after_test, rerun_statements, shown,
)

pytestmark = pytest.mark.usefixtures("removed_after_test")

PAGE = "app_pages/progress.py"


def status_of(username: str, media_id: int) -> str | None:
    return {w["media_id"]: w["status"] for w in watchlist.items_for_user(username)}.get(media_id)


def test_new_user_sees_what_to_do(demo_db):
    at = open_app(make_user(), page=PAGE)
    assert not at.exception
    assert "You are not following any series yet" in shown(at)
    assert rerun_statements(at) <= PAGE_BUDGET


def test_shows_where_i_am_and_marks_the_next_episode_in_one_click(demo_db):
    me = make_user()
    series, episodes = a_series(me)
    first, second = episodes[0], episodes[1]
    watching.mark_up_to(me, series["media_id"], first["episode_id"])
    at = open_app(me, page=PAGE)
    text = shown(at)
    assert f"{first['code']} · {first['title']}" in text
    assert f"Next: {second['code']} · {second['title']}" in text
    percent = round(100 / len(episodes))
    assert at.get("progress")[0].proto.text == f"{percent}% · 1 of {len(episodes)} episodes"

    button(at, f"Mark {second['code']} watched").click().run()
    assert f"Marked {second['code']} · {second['title']} as watched." in shown(at)
    [row] = progress.for_user(me)
    assert (row["last_episode_id"], row["watched_episodes"]) == (second["episode_id"], 2)
    assert status_of(me, series["media_id"]) == "watching"


def test_marking_an_episode_starts_watching_but_keeps_other_statuses(demo_db):
    me = make_user()
    planned, held = a_series(me), a_series(me, skip=1)
    watchlist.set_status(me, planned[0]["media_id"], "plan_to_watch")
    watchlist.set_status(me, held[0]["media_id"], "on_hold")
    for series, episodes in (planned, held):
        watching.mark_up_to(me, series["media_id"], episodes[0]["episode_id"])
    assert status_of(me, planned[0]["media_id"]) == "watching"
    assert status_of(me, held[0]["media_id"]) == "on_hold"


def test_the_last_episode_marks_the_title_completed(demo_db):
    me = make_user()
    series, episodes = a_series(me)
    watching.mark_up_to(me, series["media_id"], episodes[0]["episode_id"])
    at = open_app(me, page=PAGE)
    at.selectbox(key="progress_series").select(series["media_id"]).run()
    at.selectbox(key=f"progress_episode_{series['media_id']}").select(episodes[-1]["episode_id"]).run()
    at.button(key="progress_set").click().run()
    assert "the series is now completed" in shown(at)
    assert status_of(me, series["media_id"]) == "completed"
    [row] = progress.for_user(me)
    assert row["next_episode_id"] is None and row["watched_episodes"] == row["total_episodes"] == len(episodes)
    assert "Finished (1)" in shown(at) and "Watching (0)" in shown(at)


def test_setting_an_earlier_episode_goes_back(demo_db):
    me = make_user()
    series, episodes = a_series(me)
    watching.mark_up_to(me, series["media_id"], episodes[2]["episode_id"])
    watching.mark_up_to(me, series["media_id"], episodes[0]["episode_id"])
    [row] = progress.for_user(me)
    assert row["watched_episodes"] == 1 and row["next_episode_id"] == episodes[1]["episode_id"]


def test_an_episode_of_another_title_is_refused(demo_db):
    me = make_user()
    (one, _), (_, other_episodes) = a_series(me), a_series(me, skip=1)
    with pytest.raises(DataRuleError, match="does not belong to this title"):
        watching.mark_up_to(me, one["media_id"], other_episodes[0]["episode_id"])
    assert progress.for_user(me) == [] and status_of(me, one["media_id"]) is None


def test_stop_tracking_asks_first(demo_db):
    me = make_user()
    series, episodes = a_series(me)
    watching.mark_up_to(me, series["media_id"], episodes[0]["episode_id"])
    at = open_app(me, page=PAGE)
    key = f"progress_remove_{series['media_id']}"
    at.button(key=key).click().run()
    assert "Forget your progress on" in shown(at)
    at.button(key=f"{key}__no").click().run()
    assert len(progress.for_user(me)) == 1
    at.button(key=key).click().run()
    at.button(key=f"{key}__yes").click().run()
    assert progress.for_user(me) == []
    assert "You are not following any series yet" in shown(at)
    assert status_of(me, series["media_id"]) == "watching"  # the watchlist stays
    with pytest.raises(DataRuleError, match="no progress"):
        watching.forget_series(me, series["media_id"])


def test_statement_count_does_not_grow_with_the_series(demo_db):
    fresh_user = make_user()
    series, episodes = a_series(fresh_user)
    watching.mark_up_to(fresh_user, series["media_id"], episodes[0]["episode_id"])
    fresh = open_app(fresh_user, page=PAGE)
    busy = open_app(make_busy_user(), page=PAGE)
    assert "Watching (4)" in shown(busy)
    assert rerun_statements(busy) == rerun_statements(fresh) <= PAGE_BUDGET
