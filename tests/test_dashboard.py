"""The dashboard's figures equal direct SQL counts on the demo data, moderators do not see account figures,
and the page renders its charts in a fixed number of statements."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import streamlit as st

from core import dashboard
from db import statement_counter
from db.engine import fetch_all, scalar
from db.errors import PermissionDenied
from tests.apptest import open_app, texts


@pytest.fixture
def figures(demo_db):
    return dashboard.figures("admin")


def test_totals_equal_direct_counts(figures):
    t = figures.totals
    for role in ("user", "moderator", "admin"):
        assert t[f"users_{role}"] == scalar("SELECT COUNT(*) FROM users WHERE role = :r", r=role)
    assert t["movies"] == scalar("SELECT COUNT(*) FROM media WHERE media_type = 'Movie'")
    assert t["series"] == scalar("SELECT COUNT(*) FROM media WHERE media_type = 'Series'")
    for table in ("episodes", "genres", "people", "reviews", "playlists", "watchlist_items"):
        assert t[table] == scalar(f"SELECT COUNT(*) FROM {table}"), table
    assert t["movies"] + t["series"] >= 91 and t["reviews"] >= 200
    assert t["last_review"] == scalar("SELECT MAX(created_at) FROM reviews")


def test_time_series_equal_direct_counts(figures):
    today = date.today()
    assert len(figures.reviews_per_day) == dashboard.REVIEW_DAYS
    assert sum(d["n"] for d in figures.reviews_per_day) == scalar(
        "SELECT COUNT(*) FROM reviews WHERE created_at >= :d", d=today - timedelta(days=dashboard.REVIEW_DAYS - 1))
    for day in [d for d in figures.reviews_per_day if d["n"]][:5]:
        assert day["n"] == scalar("SELECT COUNT(*) FROM reviews WHERE DATE(created_at) = :d", d=day["day"])
    assert sum(w["n"] for w in figures.signups_per_week) == scalar(
        "SELECT COUNT(*) FROM users WHERE created_at >= :d", d=today - timedelta(weeks=dashboard.SIGNUP_WEEKS))


def test_ratings_and_genres_equal_direct_counts(figures):
    assert [r["rating"] for r in figures.ratings] == list(range(1, 11))
    for r in figures.ratings:
        assert r["n"] == scalar("SELECT COUNT(*) FROM reviews WHERE rating = :r", r=r["rating"])
    assert len(figures.genres) == scalar("SELECT COUNT(*) FROM genres")
    for g in figures.genres:
        assert g["titles"] == scalar("""SELECT COUNT(*) FROM media_genres mg JOIN genres g USING (genre_id)
                                         WHERE g.name = :n""", n=g["genre"])
        direct = scalar("""SELECT ROUND(AVG(m.average_rating), 2) FROM media m JOIN media_genres mg USING (media_id)
                            JOIN genres g USING (genre_id) WHERE g.name = :n""", n=g["genre"])
        assert g["avg_rating"] == direct


def test_top_lists_and_activity_equal_direct_counts(figures):
    assert len(figures.most_reviewed) == dashboard.TOP
    top = figures.most_reviewed[0]
    assert top["n"] == scalar("""SELECT COUNT(*) FROM reviews r JOIN media m USING (media_id)
                                  WHERE m.title = :t""", t=top["title"])
    assert top["n"] == scalar("SELECT MAX(c) FROM (SELECT COUNT(*) AS c FROM reviews GROUP BY media_id) x")
    busiest = figures.active_users[0]
    assert busiest["reviews"] == scalar("SELECT COUNT(*) FROM reviews WHERE username = :u", u=busiest["username"])
    assert busiest["list_entries"] == scalar("SELECT COUNT(*) FROM watchlist_items WHERE username = :u",
                                             u=busiest["username"])
    assert busiest["n"] == scalar("""SELECT MAX(n) FROM (SELECT username, SUM(c) AS n FROM (
                                         SELECT username, COUNT(*) AS c FROM reviews GROUP BY username
                                         UNION ALL SELECT username, COUNT(*) FROM watchlist_items GROUP BY username
                                      ) a GROUP BY username) b""")
    direct = fetch_all("""SELECT DATE(changed_at) AS day, table_name, COUNT(*) AS n FROM activity_log
                           WHERE changed_at >= :d GROUP BY 1, 2 ORDER BY 1, 2""",
                       d=date.today() - timedelta(days=dashboard.ACTIVITY_DAYS - 1))
    assert figures.activity == [{"day": r["day"], "table_name": r["table_name"], "n": r["n"]} for r in direct]


def test_moderators_see_no_account_figures_and_viewers_none(demo_db):
    seen = dashboard.figures("moderator")
    assert "users_admin" not in seen.totals and seen.signups_per_week == [] and seen.active_users == []
    assert {a["table_name"] for a in seen.activity} <= {"media", "episodes", "genres", "people", "media_genres",
                                                        "media_cast", "media_crew"}
    with pytest.raises(PermissionDenied):
        dashboard.figures("user")


def test_the_page_draws_every_chart_in_a_fixed_number_of_statements(demo_db):
    at = open_app("admin")
    st.cache_data.clear()
    with statement_counter.measure() as first:
        at.switch_page("app_pages/dashboard.py").run()
    assert first.statements <= 7  # the session check and six aggregates, whatever the data size
    assert not at.exception
    shown = texts(at)
    for heading in ("Reviews per day", "Ratings given", "Sign-ups per week", "Most active users",
                    "Genres by number of titles", "Genres by average rating", "Most rated titles"):
        assert heading in shown
    charts = at.get("vega_lite_chart")
    assert len(charts) >= 5 and len(charts) + len(at.info) == 8  # eight charts, or a sentence for an empty one
    with statement_counter.measure() as cached:
        at.run()
    assert cached.statements == 1  # the session check: the figures are kept for a few minutes
    next(b for b in at.button if b.key == "dash_refresh").click()
    with statement_counter.measure() as refreshed:
        at.run()
    assert not at.exception
    assert refreshed.statements <= 2 + 6  # the session check on each of the two runs, six aggregates
    moderator = open_app("moderator", "app_pages/dashboard.py")
    assert "Most active users" not in texts(moderator) and "Reviews per day" in texts(moderator)


def test_bars_over_time_span_their_day_so_a_single_day_is_not_a_hairline(demo_db):
    at = open_app("admin")
    st.cache_data.clear()
    at.switch_page("app_pages/dashboard.py").run()
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    over_time = [s for s in specs if s["encoding"]["x"].get("type") == "temporal"]
    assert over_time and all(s["encoding"]["x"].get("timeUnit") in ("yearmonthdate", "yearweek")
                             for s in over_time)
