"""Progress: where I am in each series, the next episode in one click, any episode, stop tracking; the
watchlist follows (watching while in progress, completed after the last episode)."""
import pytest

from core import progress, watching, watchlist
from db import engine
from db.errors import DataRuleError
from tests.apptest import open_app
from tests.viewer_helpers import (
    PAGE_BUDGET,
    a_series,
    button,
    make_busy_user,
    make_user,
    rerun_statements,
    shown,
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
    assert at.get("progress")[0].proto.text == (f"**{first['code']} · {first['title']}**  \nNext: {second['code']} · "
                                                f"{second['title']}  \n{percent}% · 1 of {len(episodes)} episodes")

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


# --- hostile input and stale pages (viewer QA pass) --------------------
@pytest.fixture
def own_series():
    """A series of three episodes made for one test (its episodes get deleted), removed afterwards with
    everything that points to it."""
    with engine.transaction("admin") as conn:
        media_id = engine.execute(conn, """INSERT INTO media (title, media_type, release_year, age_rating)
                                         VALUES ('QA Vanishing Series', 'Series', 2021, 'U')""").lastrowid
        for number in (1, 2, 3):
            engine.execute(conn, """INSERT INTO episodes (media_id, season_number, episode_number, title)
                                  VALUES (:m, 1, :n, :t)""", m=media_id, n=number, t=f"Part {number}")
    yield media_id
    with engine.transaction("admin") as conn:
        engine.execute(conn, "DELETE FROM media WHERE media_id = :m", m=media_id)


# --- Progress: a series whose episodes were deleted ----------------------------------------------------------
def test_a_series_whose_episodes_were_all_deleted_is_not_called_finished(demo_db, own_series):
    me = make_user()
    first = engine.scalar("SELECT MIN(episode_id) FROM episodes WHERE media_id = :m", m=own_series)
    watching.mark_up_to(me, own_series, first)
    at = open_app(me, page="app_pages/progress.py")
    with engine.transaction("admin") as conn:
        engine.execute(conn, "DELETE FROM episodes WHERE media_id = :m", m=own_series)

    # The page was open on "Mark S1E2 watched": the click is refused with the reason.
    button(at, "Mark S1E2 watched").click().run()
    text = shown(at)
    assert "That episode does not belong to this title (it may have been deleted)." in text
    # It used to move to "Finished (1)" under "You have watched every episode of the series you follow."
    # Deleting the episodes deletes the watches of them (they are diary events), so nothing is left to follow.
    assert "Finished" not in text
    assert "You have watched every episode" not in text
    assert "You are not following any series yet" in text
