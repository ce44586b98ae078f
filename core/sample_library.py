"""A viewer with a library of a known size, made through the services as a person would: the page benchmark's
bench_viewer (the same library at every scale) and the tests' busy user (a page whose statement count grew with
any of these rows would show it)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from core import accounts, friends, playlists, reviews, titles, watching, watchlist
from core.search import Filters
from db import engine


def a_series(viewer: str, min_episodes: int = 3, skip: int = 0) -> tuple[dict, list[dict]]:
    """A demo series with at least `min_episodes` episodes (the `skip`th such one) and its episodes in
    watching order."""
    found = 0
    for row in titles.search_titles(Filters(media_type="Series", sort="title"), viewer, per_page=100).rows:
        episodes = titles.episodes(row["media_id"])
        if len(episodes) >= min_episodes:
            if found == skip:
                return row, episodes
            found += 1
    raise AssertionError("the demo data has too few series with episodes")


def some_titles(viewer: str, count: int, media_type: str | None = None) -> list[dict]:
    """`count` demo titles (most rated first)."""
    rows = titles.search_titles(Filters(media_type=media_type, sort="count"), viewer, per_page=count).rows
    assert len(rows) == count, "the demo data has too few titles"
    return rows


def make_busy_viewer(make_user: Callable[..., str], items: int = 30, username: str | None = None) -> str:
    """A user with many rows of every kind a viewer page reads: playlists full of titles, a long watchlist,
    ratings, progress on several series, friends who rate, and pending requests both ways. A page whose
    statement count grew with any of these would show it against a fresh user. With `username`, the user
    and the friends get names derived from it (the page benchmark makes the same viewer at every scale).
    make_user(tag, username=None) creates an account and returns its name."""

    def other(tag: str, n: int = 0) -> str:
        return make_user(tag, username=f"{username}_{tag}{n}" if username else None)

    me = make_user("busy", username=username)
    picked = some_titles(me, items)
    for n in range(3):
        pid = playlists.create_playlist(me, f"List {n}")
        for row in picked[n::3]:
            playlists.add_item(me, pid, row["media_id"])
    statuses = watchlist.STATUSES
    for i, row in enumerate(picked):
        watchlist.set_status(me, row["media_id"], statuses[i % len(statuses)])
    for i, row in enumerate(picked[:items // 2]):
        reviews.save_review(me, row["media_id"], 5 + i % 6, "")
    for skip in range(4):
        series, episodes = a_series(me, skip=skip)
        watching.mark_up_to(me, series["media_id"], episodes[0]["episode_id"])
    pals = []
    for i in range(4):
        friend = other("pal", i)
        pals.append(friend)
        friends.send_request(me, friend)
        friends.accept(friend, me)
        reviews.save_review(friend, picked[i]["media_id"], 8, "Loved it.")
    # a diary of the completed films (logging one marks it completed: the statuses above stay): one a week,
    # the first ones seen twice; and friends who watch them too, for the Feed
    films = [row for i, row in enumerate(picked)
             if row["media_type"] == "Movie" and statuses[i % len(statuses)] == "completed"]
    for i, row in enumerate(films):
        watching.log_film(me, row["media_id"], date.today() - timedelta(days=7 * i))
        if i < 3:
            watching.log_film(me, row["media_id"], date.today() - timedelta(days=7 * i + 400))
        watching.log_film(pals[i % len(pals)], row["media_id"], date.today() - timedelta(days=i))
    announced = engine.fetch_all("SELECT DISTINCT media_id FROM episodes WHERE air_date > CURDATE() LIMIT 3")
    for row in announced:  # the Calendar's episodes
        watchlist.set_status(me, row["media_id"], "plan_to_watch")
    friends.send_request(other("asker"), me)
    friends.send_request(me, other("asked"))
    return me


def ensure_busy_viewer(username: str, password_hash: str, items: int = 30) -> None:
    """username with make_busy_viewer's library (and its friends, named after it), made on first use: the
    benchmarks' viewers, who own the same at every scale, so a large/demo ratio measures the catalog's size
    rather than how much a data set's own accounts happen to own."""
    if accounts.get_user(username) is not None:
        return

    def make_account(tag: str, username: str | None = None) -> str:
        accounts.create_account(username, firstname="Bench", lastname="Viewer", email=f"{username}@example.test",
                                dob=None, password_hash=password_hash)
        return username

    make_busy_viewer(make_account, items, username=username)
