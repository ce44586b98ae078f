"""My statistics: every figure from SQL over my own diary, five statements whatever the data, and the page."""
from __future__ import annotations

from datetime import date

import pytest

from core import my_stats, watching
from core.reviews import save_review
from db import statement_counter as stats
from db.engine import fetch_all, fetch_one
from tests.apptest import open_app, texts
from tests.viewer_helpers import PAGE_BUDGET, a_series, make_user, some_titles

pytestmark = pytest.mark.usefixtures("demo_db", "removed_after_test")
PAGE = "app_pages/my_stats.py"


def a_viewer_with_a_diary() -> tuple[str, list[dict], dict]:
    user = make_user("stats")
    films = some_titles(user, 4, media_type="Movie")
    # a run of three days (Mon 3 - Wed 5 June 2024), a lone day after a gap, a rewatch and an undated watch
    for film, day in zip(films, (date(2024, 6, 3), date(2024, 6, 4), date(2024, 6, 5), date(2024, 6, 9)), strict=True):
        watching.log_film(user, film["media_id"], day)
    watching.log_film(user, films[0]["media_id"], date(2025, 1, 6))
    watching.log_film(user, films[1]["media_id"], None)
    save_review(user, films[0]["media_id"], 9, "")
    save_review(user, films[1]["media_id"], 4, "")
    save_review(user, films[2]["media_id"], None, "A review without stars: in no rating figure")
    series, episodes = a_series(user)
    for episode in episodes[:2]:
        watching.set_episode(user, series["media_id"], episode["episode_id"], on=date(2025, 1, 7))
    return user, films, series


def test_the_figures_are_what_the_diary_says():
    user, films, series = a_viewer_with_a_diary()
    with stats.measure() as m:
        s = my_stats.load(user)
    assert m.statements == 5
    t = s.totals
    assert (t["films"], t["film_watches"], t["episodes"], t["series"], t["rewatches"], t["undated"]) == \
        (4, 6, 2, 1, 2, 1)
    assert (t["streak_days"], t["streak_from"], t["streak_to"]) == (3, date(2024, 6, 3), date(2024, 6, 5))
    runtime = {r["media_id"]: r["runtime_minutes"] or 0 for r in fetch_all(
        "SELECT media_id, runtime_minutes FROM media WHERE media_id IN (:a, :b, :c, :d, :s)",
        a=films[0]["media_id"], b=films[1]["media_id"], c=films[2]["media_id"], d=films[3]["media_id"],
        s=series["media_id"])}
    episode_minutes = fetch_one("""SELECT SUM(COALESCE(e.runtime_minutes, m.runtime_minutes)) AS n
                                     FROM watch_events w JOIN episodes e USING (episode_id)
                                     JOIN media m ON m.media_id = w.media_id WHERE w.username = :u""", u=user)["n"]
    film_minutes = sum(runtime[f["media_id"]] for f in films) + runtime[films[0]["media_id"]] + \
        runtime[films[1]["media_id"]]
    assert t["hours"] == round((film_minutes + int(episode_minutes or 0)) / 60, 1)
    assert [m["month"] for m in s.months] == ["2024-06", "2025-01"]
    assert s.months[1] == {"month": "2025-01", "watches": 3, "films": 1, "episodes": 2}
    assert [d["watches"] for d in s.weekdays] == [2, 3, 1, 0, 0, 0, 1]  # Monday first
    assert {r["rating"]: r["titles"] for r in s.ratings if r["whose"] == "Mine"} == {
        n: 1 if n in (4, 9) else 0 for n in range(1, 11)}
    assert sum(r["titles"] for r in s.ratings if r["whose"] == "Community") == 2
    assert s.years == [2025, 2024]
    review = s.review
    assert review["year"] == 2025 and review["first"][0]["media_id"] == films[0]["media_id"]
    assert review["series"][0]["media_id"] == series["media_id"] and review["series"][0]["n"] == 2
    assert [r["media_id"] for r in review["top_rated"]] == [films[0]["media_id"]]
    assert review.get("favourites", []) == []  # the 9/10 film was first seen in 2024
    in_2024 = my_stats.load(user, review_year=2024).review
    assert in_2024["favourites"][0]["media_id"] == films[0]["media_id"]
    assert [r["media_id"] for r in in_2024["top_rated"]] == [films[0]["media_id"], films[1]["media_id"]]


def test_one_year_and_the_statement_count_does_not_grow_with_the_diary():
    user, _, _ = a_viewer_with_a_diary()
    year = my_stats.load(user, 2024)
    assert year.totals["film_watches"] == 4 and year.totals["episodes"] == 0
    busy = make_user("stats")
    for film in some_titles(busy, 60, media_type="Movie"):
        for day in (date(2023, 1, 1), date(2023, 2, 1), date(2024, 3, 1)):
            watching.log_film(busy, film["media_id"], day)
    with stats.measure() as small:
        my_stats.load(user)
    with stats.measure() as big:
        my_stats.load(busy)
    assert small.statements == big.statements == 5


def test_the_page_draws_every_chart_within_the_budget():
    user, _, _ = a_viewer_with_a_diary()
    at = open_app(user, PAGE)
    assert not at.exception
    with stats.measure() as m:
        at.run()
    assert m.statements <= PAGE_BUDGET
    shown = texts(at)
    assert "Films 4" in shown and "Episodes 2" in shown and "Longest streak 3 days" in shown
    assert len(at.get("vega_lite_chart")) == 5
    assert "2025 in review" in shown
    at.selectbox(key="stats_year").set_value(2024).run()
    assert at.query_params["year"] == "2024"
    assert "Episodes 0" in texts(at)


def test_an_empty_diary_says_what_to_do():
    at = open_app(make_user("stats"), PAGE)
    assert not at.exception
    assert "No watches yet" in texts(at)
