"""Merging duplicate titles: every review, list entry and progress row moves to the survivor in one audited
transaction, each conflict resolved by its table's rule; refusals change nothing."""
from __future__ import annotations

import pytest

from core import watching
from core.merge import merge_titles
from db import fetch_all, fetch_one, scalar
from db import watch_events as events
from db.core import execute, read, transaction
from db.errors import DataRuleError, PermissionDenied
from tests.apptest import open_app, texts


def _title(conn, title: str, kind: str = "Movie", imdb_id: str | None = None) -> int:
    return execute(conn, "INSERT INTO media (title, release_year, media_type, imdb_id) VALUES (:t, 2001, :k, :i)",
                   t=title, k=kind, i=imdb_id).lastrowid


def _review(conn, user: str, media_id: int, rating: int, when: str) -> None:
    execute(conn, "INSERT INTO reviews (username, media_id, review_text, rating, created_at, updated_at) "
                  "VALUES (:u, :m, :t, :r, :w, :w)", u=user, m=media_id, t=f"{user} on {media_id}", r=rating, w=when)


@pytest.fixture
def films(demo_db):
    with transaction("moderator") as conn:
        keep = _title(conn, "Merge Survivor")
        # demo_db outlives this test: an IMDb id of this run's own
        gone = _title(conn, "Merge Duplicate", imdb_id=f"tt{9_000_000 + keep}")
        _review(conn, "user001", keep, 4, "2024-01-01 10:00:00")
        _review(conn, "user001", gone, 9, "2024-06-01 10:00:00")   # newer: this one stays
        _review(conn, "user002", keep, 8, "2024-06-01 10:00:00")   # newer: this one stays
        _review(conn, "user002", gone, 2, "2024-01-01 10:00:00")
        _review(conn, "user003", gone, 7, "2024-03-01 10:00:00")   # only on the duplicate: moves
        for user, media_id, status, when in [("user001", keep, "plan_to_watch", "2024-01-01"),
                                             ("user001", gone, "completed", "2024-05-01"),
                                             ("user004", gone, "watching", "2024-05-01")]:
            execute(conn, "INSERT INTO watchlist_items (username, media_id, status, added_at, updated_at) "
                          "VALUES (:u, :m, :s, :w, :w)", u=user, m=media_id, s=status, w=when)
        playlist = execute(conn, "INSERT INTO playlists (username, name) VALUES ('user001', :n)",
                           n=f"Merge test {keep}").lastrowid
        execute(conn, "INSERT INTO playlist_items (playlist_id, media_id, position) VALUES (:p, :k, 1), (:p, :g, 2)",
                p=playlist, k=keep, g=gone)
    return keep, gone, playlist


def test_merge_moves_everything_and_keeps_one_rating_per_user_the_newer(films):
    keep, gone, playlist = films
    result = merge_titles("moderator", keep, gone)
    assert fetch_one("SELECT COUNT(*) AS n FROM media WHERE media_id = :g", g=gone)["n"] == 0
    reviews = {r["username"]: r["rating"] for r in fetch_all(
        "SELECT username, rating FROM reviews WHERE media_id = :k", k=keep)}
    assert reviews == {"user001": 9, "user002": 8, "user003": 7}
    media = fetch_one("SELECT average_rating, rating_count, imdb_id FROM media WHERE media_id = :k", k=keep)
    assert (float(media["average_rating"]), media["rating_count"], media["imdb_id"]) == (8.0, 3, f"tt{9_000_000 + keep}")
    watch = {r["username"]: r["status"] for r in fetch_all(
        "SELECT username, status FROM watchlist_items WHERE media_id = :k", k=keep)}
    assert watch == {"user001": "completed", "user004": "watching"}
    assert fetch_all("SELECT media_id, position FROM playlist_items WHERE playlist_id = :p", p=playlist) == [
        {"media_id": keep, "position": 1}]
    assert result.tables["reviews"] == {"moved": 2, "dropped": 2}
    # audited: the moderator, with the reason, for the moved and the deleted rows
    log = fetch_all("SELECT username, table_name, operation, change_details FROM activity_log "
                    "WHERE change_details LIKE :r", r=f"%merge of title #{gone}%")
    assert {(r["table_name"], r["operation"]) for r in log} >= {
        ("reviews", "UPDATE"), ("reviews", "DELETE"), ("watchlist_items", "UPDATE"), ("media", "DELETE")}
    assert {r["username"] for r in log} == {"moderator"}


def test_series_progress_follows_to_the_survivors_episode(demo_db):
    with transaction("moderator") as conn:
        keep = _title(conn, "Series Survivor", "Series")
        gone = _title(conn, "Series Duplicate", "Series")
        for media_id, count in ((keep, 2), (gone, 3)):
            for n in range(1, count + 1):
                execute(conn, "INSERT INTO episodes (media_id, season_number, episode_number, title) "
                              "VALUES (:m, 1, :n, :t)", m=media_id, n=n, t=f"Ep {n} of {media_id}")
        ep = {(r["media_id"], r["episode_number"]): r["episode_id"] for r in fetch_all(
            "SELECT media_id, episode_number, episode_id FROM episodes WHERE media_id IN (:k, :g)", conn, k=keep, g=gone)}
    # Progress as viewers make it: events through the watching service (series_progress follows them);
    # user003 watched the survivor first, then the duplicate.
    for user, media_id, number in [("user001", gone, 3), ("user002", gone, 2), ("user003", keep, 1),
                                   ("user003", gone, 2)]:
        watching.mark_up_to(user, media_id, ep[(media_id, number)])
    result = merge_titles("moderator", keep, gone)
    assert result.episodes_moved == 1
    assert scalar("SELECT COUNT(*) FROM episodes WHERE media_id = :k", k=keep) == 3
    progress = {r["username"]: (r["media_id"], r["episode_number"]) for r in fetch_all(
        "SELECT p.username, p.media_id, e.episode_number FROM series_progress p "
        "JOIN episodes e ON e.episode_id = p.last_watched_episode_id WHERE p.username IN "
        "('user001', 'user002', 'user003') AND p.media_id = :k", k=keep)}
    # E3 moved with its series; E2 is the survivor's own E2; user003 keeps the progress watched last
    assert progress == {"user001": (keep, 3), "user002": (keep, 2), "user003": (keep, 2)}
    assert fetch_one("SELECT last_watched_episode_id AS e FROM series_progress WHERE username = 'user002' "
                     "AND media_id = :k", k=keep)["e"] == ep[(keep, 2)]
    # the watches moved with the progress: each user's events are on the survivor, and they agree
    assert scalar("SELECT COUNT(*) FROM watch_events WHERE media_id = :g", g=gone) == 0
    assert {r["username"]: r["n"] for r in fetch_all(
        "SELECT username, COUNT(*) AS n FROM watch_events WHERE media_id = :k GROUP BY username", k=keep)} \
        == {"user001": 3, "user002": 2, "user003": 2}
    with read() as conn:
        assert [d for d in events.disagreements(conn) if d["media_id"] in (keep, gone)] == []


def test_refusals_change_nothing(films):
    keep, gone, _ = films
    before = scalar("SELECT COUNT(*) FROM reviews WHERE media_id IN (:k, :g)", k=keep, g=gone)
    with pytest.raises(PermissionDenied):
        merge_titles("user001", keep, gone)
    with pytest.raises(DataRuleError, match="cannot be merged into itself"):
        merge_titles("moderator", keep, keep)
    with pytest.raises(DataRuleError, match="There is no title with id 999999999"):
        merge_titles("moderator", keep, 999_999_999)
    with transaction("moderator") as conn:
        series = _title(conn, "A Series", "Series")
    with pytest.raises(DataRuleError, match="only two films or two series can be merged"):
        merge_titles("moderator", keep, series)
    assert scalar("SELECT COUNT(*) FROM reviews WHERE media_id IN (:k, :g)", k=keep, g=gone) == before
    assert scalar("SELECT COUNT(*) FROM media WHERE media_id = :g", g=gone) == 1


def test_the_page_previews_and_merges_after_a_confirmation(films):
    keep, gone, _ = films
    at = open_app("moderator", "app_pages/moderation_merge.py")
    at.number_input[0].set_value(keep)
    at.number_input[1].set_value(gone)
    at.run()
    page = texts(at)
    assert "Merge Survivor" in page and "Merge Duplicate" in page and "3 reviews" in page
    at.button(key="merge_titles").click()
    at.run()
    at.button(key="merge_titles__yes").click()
    at.run()
    assert not at.exception
    assert "Merged “Merge Duplicate” into" in texts(at).replace("\\", "")
    assert scalar("SELECT COUNT(*) FROM media WHERE media_id = :g", g=gone) == 0
