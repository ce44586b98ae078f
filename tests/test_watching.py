"""Every watch is an event: episodes ticked and unticked one by one or by season, "watched up to here",
rewatches, films logged with a date, diary entries edited and deleted. After every kind of change
series_progress agrees with the events, and the watchlist follows."""
from datetime import date, timedelta

import pytest

from core import watching
from db import catalog, core, progress, stats, watchlist
from db import watch_events as events
from db.errors import DataRuleError
from tests.viewer_fixtures import make_user, removed_after_test, some_titles  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("removed_after_test")


def agree() -> None:
    with core.read() as conn:
        assert events.disagreements(conn) == []


def series(name: str) -> tuple[int, list[dict]]:
    media_id = core.scalar("SELECT media_id FROM media WHERE title = :t", t=name)
    return media_id, catalog.episodes(media_id)


def my_row(me: str, media_id: int) -> dict | None:
    return next((r for r in progress.for_user(me) if r["media_id"] == media_id), None)


def status_of(me: str, media_id: int) -> str | None:
    return {w["media_id"]: w["status"] for w in watchlist.items_for_user(me)}.get(media_id)


def event_count(me: str, media_id: int) -> int:
    return core.scalar("SELECT COUNT(*) FROM watch_events WHERE username = :u AND media_id = :m", u=me, m=media_id)


def test_ticking_and_unticking_episodes_keeps_progress_exact_and_the_watchlist_follows(demo_db):
    me = make_user()
    media_id, eps = series("Kota Factory")
    watching.set_episode(me, media_id, eps[0]["episode_id"])
    agree()
    assert status_of(me, media_id) == "watching"
    watching.set_episode(me, media_id, eps[2]["episode_id"])
    row = my_row(me, media_id)
    assert (row["last_code"], row["watched_episodes"], row["next_code"]) == ("S1E3", 2, "S1E2")
    watching.set_episode(me, media_id, eps[2]["episode_id"], watched=False)
    agree()
    assert my_row(me, media_id)["last_code"] == "S1E1"
    watching.set_episode(me, media_id, eps[0]["episode_id"], watched=False)
    agree()
    assert my_row(me, media_id) is None and event_count(me, media_id) == 0
    assert status_of(me, media_id) == "plan_to_watch"  # unmarking everything goes back


def test_a_whole_season_the_last_episode_completes_and_unticking_one_reopens(demo_db):
    me = make_user()
    media_id, eps = series("Kota Factory")
    for season in sorted({e["season_number"] for e in eps}):
        done = watching.set_season(me, media_id, season)
        agree()
    assert done["completed"] and status_of(me, media_id) == "completed"
    assert event_count(me, media_id) == len(eps)
    watching.set_episode(me, media_id, eps[4]["episode_id"], watched=False)
    agree()
    assert status_of(me, media_id) == "watching"
    assert my_row(me, media_id)["next_code"] == eps[4]["code"]
    watching.set_season(me, media_id, eps[0]["season_number"], watched=False)
    agree()
    assert my_row(me, media_id)["watched_episodes"] == len(eps) - 5


def test_double_ticks_make_one_event_and_up_to_here_goes_back_too(demo_db):
    me = make_user()
    media_id, eps = series("Delhi Crime")
    for _ in range(3):
        watching.set_episode(me, media_id, eps[1]["episode_id"])
    assert event_count(me, media_id) == 1
    watching.mark_up_to(me, media_id, eps[5]["episode_id"])
    assert event_count(me, media_id) == 6
    dated = core.fetch_all("SELECT episode_id FROM watch_events WHERE username = :u AND watched_at IS NOT NULL",
                           u=me)
    # the episode chosen is dated today; the ones caught up on are "watched long ago" unless ticked before
    assert {r["episode_id"] for r in dated} == {eps[1]["episode_id"], eps[5]["episode_id"]}
    watching.mark_up_to(me, media_id, eps[2]["episode_id"])
    agree()
    assert event_count(me, media_id) == 3 and my_row(me, media_id)["last_code"] == eps[2]["code"]


def test_specials_do_not_count_toward_completion(demo_db, admin_conn_episode):
    me = make_user()
    media_id, special = admin_conn_episode
    eps = [e for e in catalog.episodes(media_id) if e["season_number"] > 0]
    for season in sorted({e["season_number"] for e in eps}):
        watching.set_season(me, media_id, season)
    row = my_row(me, media_id)
    assert row["watched_episodes"] == row["total_episodes"] == len(eps) and row["next_episode_id"] is None
    assert status_of(me, media_id) == "completed"
    watching.set_episode(me, media_id, special)
    agree()
    assert my_row(me, media_id)["total_episodes"] == len(eps)


@pytest.fixture
def admin_conn_episode(demo_db):
    """Sacred Games with a special (season 0) episode added for the test, removed after it."""
    media_id = core.scalar("SELECT media_id FROM media WHERE title = 'Sacred Games'")
    with core.transaction("admin") as conn:
        special = core.execute(conn, """INSERT INTO episodes (media_id, season_number, episode_number, title)
                                        VALUES (:m, 0, 1, 'Behind the scenes')""", m=media_id).lastrowid
    yield media_id, special
    with core.transaction("admin") as conn:
        core.execute(conn, "DELETE FROM episodes WHERE episode_id = :e", e=special)


def test_a_rewatch_starts_a_new_viewing_and_keeps_the_first_in_the_diary(demo_db):
    me = make_user()
    media_id, eps = series("Kota Factory")
    watching.mark_up_to(me, media_id, eps[-1]["episode_id"])
    assert status_of(me, media_id) == "completed"
    assert watching.start_rewatch(me, media_id) == 2
    agree()
    row = my_row(me, media_id)
    assert (row["current_viewing"], row["watched_episodes"], row["last_code"], row["next_code"]) == (2, 0, None, "S1E1")
    assert status_of(me, media_id) == "watching"
    with pytest.raises(DataRuleError, match="already at the start of viewing 2"):
        watching.start_rewatch(me, media_id)
    watching.set_episode(me, media_id, eps[0]["episode_id"])
    agree()
    assert event_count(me, media_id) == len(eps) + 1
    assert my_row(me, media_id)["watched_episodes"] == 1
    # untick in viewing 2 leaves viewing 1 alone
    watching.set_episode(me, media_id, eps[0]["episode_id"], watched=False)
    agree()
    assert event_count(me, media_id) == len(eps) and my_row(me, media_id)["current_viewing"] == 2


def test_diary_entries_are_edited_and_deleted_and_progress_follows(demo_db):
    me = make_user()
    media_id, eps = series("Delhi Crime")
    watching.mark_up_to(me, media_id, eps[2]["episode_id"])
    newest = max(events.mine_for_title(me, media_id), key=lambda e: e["event_id"])
    watching.edit_date(me, newest["event_id"], date.today() - timedelta(days=10))
    agree()
    assert events.mine_for_title(me, media_id)[0]["watched_at"].date() == date.today() - timedelta(days=10)
    watching.delete_entry(me, newest["event_id"])
    agree()
    assert my_row(me, media_id)["last_code"] == eps[1]["code"]
    stranger = make_user()
    with pytest.raises(DataRuleError, match="no longer exists"):
        watching.delete_entry(stranger, events.mine_for_title(me, media_id)[0]["event_id"])


def test_a_film_is_logged_with_a_date_rating_and_review_and_again_as_a_rewatch(demo_db):
    me = make_user()
    film = some_titles(me, 1, "Movie")[0]["media_id"]
    first = watching.log_film(me, film, date.today() - timedelta(days=30), 9, "Loved it", False)
    assert (first["viewing"], first["rewatch"], first["review"]) == (1, False, "added")
    assert status_of(me, film) == "completed"
    assert core.scalar("SELECT rating FROM reviews WHERE username = :u AND media_id = :m", u=me, m=film) == 9
    again = watching.log_film(me, film, date.today())
    assert (again["viewing"], again["rewatch"]) == (2, True)
    assert watching.log_film(me, film, date.today())["duplicate"]  # a double click
    assert event_count(me, film) == 2
    watching.delete_entry(me, first["event_id"])
    assert [e["viewing"] for e in events.mine_for_title(me, film)] == [1]  # the rewatch is now the first watch
    watching.delete_entry(me, again["event_id"])
    assert status_of(me, film) == "plan_to_watch"


@pytest.mark.parametrize("day, message", [
    (date.today() + timedelta(days=1), "in the future"),
    (date(1887, 12, 31), "before 1888"),
    ("2024-01-01'; DROP TABLE watch_events; --", "is not a date"),
    (20240101, "is not a date"),
])
def test_impossible_dates_are_refused_with_their_reason_and_nothing_is_written(demo_db, day, message):
    me = make_user()
    film = some_titles(me, 1, "Movie")[0]["media_id"]
    with pytest.raises(DataRuleError, match=message):
        watching.log_film(me, film, day, 8, "<script>alert(1)</script>")
    assert event_count(me, film) == 0 and status_of(me, film) is None
    assert core.scalar("SELECT COUNT(*) FROM reviews WHERE username = :u", u=me) == 0


def test_a_date_long_ago_and_an_unknown_date_are_fine(demo_db):
    me = make_user()
    film = some_titles(me, 1, "Movie")[0]["media_id"]
    watching.log_film(me, film, date(1888, 1, 1))
    watching.log_film(me, film, None)
    assert sorted(str(e["watched_at"]) for e in events.mine_for_title(me, film)) == ["1888-01-01 12:00:00", "None"]


def test_an_episode_for_a_film_or_of_another_title_is_refused(demo_db):
    me = make_user()
    film = some_titles(me, 1, "Movie")[0]["media_id"]
    media_id, eps = series("Delhi Crime")
    _, others = series("Kota Factory")
    with pytest.raises(DataRuleError, match="is a film"):
        watching.set_episode(me, film, eps[0]["episode_id"])
    with pytest.raises(DataRuleError, match="does not belong to this title"):
        watching.set_episode(me, media_id, others[0]["episode_id"])
    with pytest.raises(DataRuleError, match="is a series"):
        watching.log_film(me, media_id, date.today())
    # the database refuses it too, whoever writes
    with pytest.raises(DataRuleError, match="belongs to another title"), core.transaction(me) as conn:
        core.execute(conn, "INSERT INTO watch_events (username, media_id, episode_id) VALUES (:u, :m, :e)",
                     u=me, m=media_id, e=others[0]["episode_id"])
    assert event_count(me, media_id) == 0


def test_deleting_an_episode_or_a_title_removes_its_events_and_keeps_progress_exact(demo_db):
    me = make_user()
    with core.transaction("admin") as conn:
        media_id = core.execute(conn, "INSERT INTO media (title, media_type) VALUES ('Test Serial', 'Series')"
                                ).lastrowid
        for n in (1, 2, 3):
            core.execute(conn, """INSERT INTO episodes (media_id, season_number, episode_number, title)
                                  VALUES (:m, 1, :n, :t)""", m=media_id, n=n, t=f"Part {n}")
    eps = catalog.episodes(media_id)
    watching.mark_up_to(me, media_id, eps[2]["episode_id"])
    with core.transaction("admin") as conn:
        core.execute(conn, "DELETE FROM episodes WHERE episode_id = :e", e=eps[2]["episode_id"])
    agree()
    row = my_row(me, media_id)
    assert (row["last_code"], row["watched_episodes"], row["total_episodes"]) == ("S1E2", 2, 2)
    with core.transaction("admin") as conn:
        core.execute(conn, "DELETE FROM media WHERE media_id = :m", m=media_id)
    agree()
    assert event_count(me, media_id) == 0 and my_row(me, media_id) is None


def test_toggling_an_episode_takes_the_same_statements_whatever_the_length_of_the_series(demo_db):
    me = make_user()
    counts = []
    for name in ("Kota Factory", "Mahabharat"):  # 15 and 94 episodes
        media_id, eps = series(name)
        watching.mark_up_to(me, media_id, eps[-2]["episode_id"])
        with stats.measure() as m:
            watching.set_episode(me, media_id, eps[-1]["episode_id"])
        counts.append(m.statements)
        with stats.measure() as m:
            watching.set_episode(me, media_id, eps[-1]["episode_id"], watched=False)
        counts.append(m.statements)
    assert counts[:2] == counts[2:] and max(counts) <= 6


def test_stop_tracking_removes_the_series_events_but_not_the_watchlist(demo_db):
    me = make_user()
    media_id, eps = series("Delhi Crime")
    watching.mark_up_to(me, media_id, eps[1]["episode_id"])
    watching.forget_series(me, media_id)
    agree()
    assert event_count(me, media_id) == 0 and status_of(me, media_id) == "watching"
    with pytest.raises(DataRuleError, match="no progress"):
        watching.forget_series(me, media_id)


def test_the_demo_data_agrees_and_has_two_years_of_diary_with_rewatches_and_unknown_dates(demo_db):
    agree()
    facts = core.fetch_one("""
        SELECT COUNT(DISTINCT username) AS diarists, SUM(watched_at IS NULL) AS unknown,
               SUM(viewing > 1) AS rewatches, MIN(watched_at) AS first, MAX(watched_at) AS last,
               SUM(episode_id IS NULL) AS films
          FROM watch_events""")
    assert facts["diarists"] >= 150 and facts["unknown"] > 100 and facts["rewatches"] > 100
    assert facts["first"] >= facts["last"] - timedelta(days=731) and facts["films"] > 1000
    upcoming = core.scalar("SELECT COUNT(DISTINCT media_id) FROM episodes WHERE air_date > CURDATE()")
    assert upcoming >= 3
