"""Home: my counts, continue watching (one click marks the next episode), recommendations with reasons,
top rated and my friends' ratings, in a fixed handful of statements."""
import pytest

from core import friends, progress, recommend, reviews, watching
from tests.apptest import card_grids, cards_shown, open_app, open_tab
from tests.recommend_helpers import train_recommender
from tests.viewer_helpers import (
    PAGE_BUDGET,
    a_series,
    make_busy_user,
    make_user,
    rerun_statements,
    shown,
    some_titles,
)
from ui.cards import md

pytestmark = pytest.mark.usefixtures("removed_after_test")

PAGE = "app_pages/home.py"


def test_new_user_sees_popular_titles_and_what_to_do(demo_db):
    at = open_app(make_user(firstname="Asha"), page=PAGE)
    assert not at.exception
    text = shown(at)
    assert "Welcome, Asha" in text and "Welcome back" not in text  # nothing to come back to yet
    for label in ("Playlists 0", "Watchlist titles 0", "Series in progress 0", "Friends 0"):
        assert label in text
    assert "Nothing in progress" in text and "Rate a few titles you know" in text
    # The popular titles to rate are shown once, not again as "for you".
    assert "Your own picks appear here as soon as you rate" in text
    assert not any(card["note"] == recommend.POPULAR_REASON for card in cards_shown(at))
    assert rerun_statements(at) <= PAGE_BUDGET
    assert "No ratings from friends yet" in shown(open_tab(at, "Your friends rated", key="chart"))
    assert "None of your friends is watching" in shown(open_tab(at, "Friends are watching", key="shelf"))


def test_rating_in_the_onboarding_step_changes_the_picks_at_once(demo_db):
    me = make_user()
    train_recommender()
    at = open_app(me, page=PAGE)
    before = {p["media_id"] for p in recommend.for_user(me)}
    assert all(p["popular"] for p in recommend.for_user(me))
    first = at.get("feedback")[0]
    first.set_value(4).run()  # five stars
    assert not at.exception
    after = recommend.for_user(me)
    assert any(not p["popular"] for p in after), "a five-star rating brings learned picks with a reason"
    assert {p["media_id"] for p in after} != before
    assert any(card["note"].startswith("Because you liked") for card in card_grids(at)["shelf_home"])


def test_continue_watching_marks_the_next_episode(demo_db):
    me = make_user()
    series, episodes = a_series(me)
    watching.mark_up_to(me, series["media_id"], episodes[0]["episode_id"])
    at = open_app(me, page=PAGE)
    assert "Series in progress 1" in shown(at)
    assert f"Next: **{episodes[1]['code']}** · {md(episodes[1]['title'])}" in shown(at)
    mark = at.button(key=f"home_next_{series['media_id']}")
    assert (mark.label, mark.help) == ("Watched", f"Mark {episodes[1]['code']} watched")
    mark.click().run()
    assert f"Marked {episodes[1]['code']}" in shown(at)
    assert progress.for_user(me)[0]["last_episode_id"] == episodes[1]["episode_id"]
    assert f"Next: **{episodes[2]['code']}**" in shown(at)


def test_friends_ratings_and_waiting_requests(demo_db):
    me, pal = make_user(), make_user()
    friends.send_request(pal, me)
    at = open_app(me, page=PAGE)
    assert "You have 1 friend request waiting." in shown(at)
    friends.accept(me, pal)
    [title] = some_titles(me, 1)
    reviews.save_review(pal, title["media_id"], 8, "Great.")
    open_tab(at, "Your friends rated", key="chart")
    assert "Friends 1" in shown(at)
    assert any(c.value.startswith(f"★ 8/10 by **{md(pal)}**") and "with a review" in c.value for c in at.caption)


def test_reviews_without_stars_are_not_ratings_on_home(demo_db):
    me, pal = make_user(), make_user()
    friends.send_request(pal, me)
    friends.accept(me, pal)
    first, second = some_titles(me, 2)
    reviews.save_review(pal, first["media_id"], None, "Words, no stars.")
    reviews.save_review(me, second["media_id"], None, "Mine, no stars either.")
    at = open_app(me, page=PAGE, query={"chart": "Your friends rated"})
    text = shown(at)
    assert "No ratings from friends yet" in text  # pal's review has no rating to show
    assert f"0 of {recommend.ONBOARDING_RATINGS} rated" in text


def test_statement_count_does_not_grow_with_my_data(demo_db):
    fresh = open_app(make_user(), page=PAGE)
    busy = open_app(make_busy_user(), page=PAGE)
    text = shown(busy)
    assert "Playlists 3" in text and "Friends 4" in text and "Series in progress 4" in text
    assert rerun_statements(busy) == rerun_statements(fresh) <= PAGE_BUDGET


def test_only_the_open_tabs_are_read_and_drawn(demo_db):
    """Home's shelves and charts are two sets of tabs: a closed tab's titles are neither read nor drawn, and
    opening it draws them (a click puts the tab in the address)."""
    me, pal = make_user(), make_user()
    friends.send_request(pal, me)
    friends.accept(me, pal)
    [title] = some_titles(me, 1)
    reviews.save_review(pal, title["media_id"], 7, "")
    at = open_app(me, page=PAGE)
    rating_line = f"★ 7/10 by **{md(pal)}**"
    assert not any(c.value.startswith(rating_line) for c in at.caption)
    closed = rerun_statements(at)
    open_tab(at, "Your friends rated", key="chart")
    assert any(c.value.startswith(rating_line) for c in at.caption)
    assert "Top rated" in [t.label for t in at.tabs] and "Titles with at least" not in shown(at)
    assert rerun_statements(at) == closed + 1  # their ratings are read; top rated, closed now, was a kept read
    open_tab(at, "Trending this week", key="shelf")
    trending = card_grids(at).get("shelf_trend", [])
    assert trending and all(card["note"].endswith("this week") for card in trending) or "Nobody rated" in shown(at)
