"""Helpers for the viewer-page tests (Home, Lists, Progress, Friends, recommendations): fresh users (each
test makes its own, so tests never depend on each other's rows or on the demo users' data), a busy user
with many rows everywhere, demo titles to work with, and statement counting."""
from __future__ import annotations

import re
import uuid

import pytest

from core.search import Filters
from db import catalog, stats, users
from tests.apptest import texts
from ui.cards import WORD_JOINER

# Every page render may issue at most 10 statements, the session check of streamlit_app.py included.
PAGE_BUDGET = 10

# bcrypt of the demo password (cost 4: these accounts only ever log in through a session row).
TEST_PASSWORD_HASH = "$2b$04$P336gfh85k8dTalde1DAVeZjY8QorbCESVFnCbHFf9kaDmUx6SIua"


_made: list[str] = []


def make_user(tag: str = "viewer", firstname: str = "Test", username: str | None = None) -> str:
    """Create a user named `username` or `<tag><random>` and return the username (removed_after_test
    deletes it)."""
    username = username or f"{tag}{uuid.uuid4().hex[:10]}"
    users.create_user(username, firstname=firstname, lastname="Viewer", email=f"{username}@example.test",
                      dob=None, password_hash=TEST_PASSWORD_HASH)
    _made.append(username)
    return username


@pytest.fixture
def removed_after_test():
    """Delete the users make_user made during the test, with everything of theirs (reviews by trigger, so
    ratings are exact again; the rest by cascade), so the shared demo data keeps its volumes. Use it with
    `pytestmark = pytest.mark.usefixtures("removed_after_test")` and import it into the test module."""
    yield
    while _made:
        users.delete_own_account(_made.pop())


def a_series(viewer: str, min_episodes: int = 3, skip: int = 0) -> tuple[dict, list[dict]]:
    """A demo series with at least `min_episodes` episodes (the `skip`th such one) and its episodes in
    watching order."""
    found = 0
    for row in catalog.search_titles(Filters(media_type="Series", sort="title"), viewer, per_page=100).rows:
        episodes = catalog.episodes(row["media_id"])
        if len(episodes) >= min_episodes:
            if found == skip:
                return row, episodes
            found += 1
    raise AssertionError("the demo data has too few series with episodes")


def some_titles(viewer: str, count: int, media_type: str | None = None) -> list[dict]:
    """`count` demo titles (most rated first)."""
    rows = catalog.search_titles(Filters(media_type=media_type, sort="count"), viewer, per_page=count).rows
    assert len(rows) == count, "the demo data has too few titles"
    return rows


def plain(text: str) -> str:
    """Markdown text as a person reads it: user text goes into Markdown escaped (ui.cards.md), and
    `Sholay \\(1975\\)` reads `Sholay (1975)`; the invisible word joiners md() puts into '://', after '@'
    and into 'www.' are not read either."""
    return re.sub(r"\\(.)", r"\1", text).replace(WORD_JOINER, "")


def shown(at) -> str:
    """Everything the page shows as text (tests.apptest.texts), as a person reads it."""
    return plain(texts(at))


def button(at, label: str):
    """The one button (or form submit button) labelled `label`."""
    matches = [b for b in at.button if b.label == label]
    assert len(matches) == 1, f"expected one button {label!r}, found {[b.label for b in at.button]}"
    return matches[0]


def rerun_statements(at) -> int:
    """How many SQL statements one more run of the open page issues (the session check included)."""
    with stats.measure() as m:
        at.run()
    assert not at.exception, at.exception
    return m.statements


def make_busy_user(items: int = 30, username: str | None = None) -> str:
    """A user with many rows of every kind a viewer page reads: playlists full of titles, a long watchlist,
    ratings, progress on several series, friends who rate, and pending requests both ways. A page whose
    statement count grew with any of these would show it against a fresh user. With `username`, the user
    and the friends get names derived from it (the page benchmark makes the same viewer at every scale)."""
    from datetime import date, timedelta

    from core import watching
    from db import core, friends, playlists, reviews, watchlist

    def other(tag: str, n: int = 0) -> str:
        return make_user(tag, username=f"{username}_{tag}{n}" if username else None)

    me = make_user("busy", username=username)
    titles = some_titles(me, items)
    for n in range(3):
        pid = playlists.create_playlist(me, f"List {n}")
        for row in titles[n::3]:
            playlists.add_item(me, pid, row["media_id"])
    statuses = watchlist.STATUSES
    for i, row in enumerate(titles):
        watchlist.set_status(me, row["media_id"], statuses[i % len(statuses)])
    for i, row in enumerate(titles[:items // 2]):
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
        reviews.save_review(friend, titles[i]["media_id"], 8, "Loved it.")
    # a diary of the completed films (logging one marks it completed: the statuses above stay): one a week,
    # the first ones seen twice; and friends who watch them too, for the Feed
    films = [row for i, row in enumerate(titles) if row["media_type"] == "Movie" and statuses[i % 5] == "completed"]
    for i, row in enumerate(films):
        watching.log_film(me, row["media_id"], date.today() - timedelta(days=7 * i))
        if i < 3:
            watching.log_film(me, row["media_id"], date.today() - timedelta(days=7 * i + 400))
        watching.log_film(pals[i % len(pals)], row["media_id"], date.today() - timedelta(days=i))
    announced = core.fetch_all("SELECT DISTINCT media_id FROM episodes WHERE air_date > CURDATE() LIMIT 3")
    for row in announced:  # the Calendar's episodes
        watchlist.set_status(me, row["media_id"], "plan_to_watch")
    friends.send_request(other("asker"), me)
    friends.send_request(me, other("asked"))
    return me
