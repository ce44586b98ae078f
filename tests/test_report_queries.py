"""The seed report's queries (section 4.1) give sensible rows on the demo data."""
from __future__ import annotations

import json
import uuid

import db
from db import report_queries as q


def test_top_rated_is_sorted_and_only_counts_rated_titles(demo_db):
    rows = q.top_rated(limit=10, min_ratings=3)
    assert len(rows) == 10
    assert all(r["rating_count"] >= 3 for r in rows)
    averages = [r["average_rating"] for r in rows]
    assert averages == sorted(averages, reverse=True)
    best = db.scalar("SELECT MAX(average_rating) FROM media WHERE rating_count >= 3")
    assert rows[0]["average_rating"] == best


def test_playlist_summary_counts_items(demo_db):
    rows = q.playlist_summary(limit=500)
    assert len(rows) >= 100
    counts = {r["playlist_id"]: r["item_count"] for r in rows}
    sample = rows[0]["playlist_id"]
    assert counts[sample] == db.scalar("SELECT COUNT(*) FROM playlist_items WHERE playlist_id = :p", p=sample)
    assert sum(counts.values()) == db.scalar("SELECT COUNT(*) FROM playlist_items")
    assert all(r["firstname"] and r["username"] for r in rows)


def test_genre_popularity_keeps_genres_with_three_titles_or_more(demo_db):
    rows = q.genre_popularity(min_titles=3)
    assert rows and all(r["titles"] >= 3 for r in rows)
    names = {r["name"] for r in rows}
    assert {"Drama", "Comedy", "Action"} <= names
    # a genre with fewer than three titles is left out
    small = db.fetch_all("""SELECT g.name FROM genres g JOIN media_genres mg USING (genre_id)
                             GROUP BY g.name HAVING COUNT(*) < 3""")
    assert not names & {r["name"] for r in small}
    assert len(q.genre_popularity(min_titles=1000)) == 0


def test_series_progress_shows_the_episode_watched_up_to(demo_db):
    viewer = db.scalar("""SELECT username FROM series_progress WHERE last_watched_episode_id IS NOT NULL
                           ORDER BY username LIMIT 1""")
    rows = q.series_progress(viewer)
    assert rows
    for row in rows:
        assert row["season_number"] >= 1 and 1 <= row["episode_number"] <= row["total_episodes"]
        assert row["episode_title"]
    assert q.series_progress("nobody-at-all") == []


def test_title_with_cast_in_billing_order(demo_db):
    media_id = db.scalar("SELECT media_id FROM media WHERE title = '3 Idiots'")
    rows = q.title_with_cast(media_id)
    names = [r["name"] for r in rows]
    assert names[0] == "Aamir Khan" and rows[0]["character_name"].startswith("Ranchhoddas")
    assert [r["cast_order"] for r in rows] == sorted(r["cast_order"] for r in rows)
    assert {r["title"] for r in rows} == {"3 Idiots"}


def test_reviews_of_a_title_name_their_authors(demo_db):
    media_id = db.scalar("SELECT media_id FROM media ORDER BY rating_count DESC, media_id LIMIT 1")
    rows = q.reviews_of_title(media_id)
    visible = db.scalar("SELECT COUNT(*) FROM reviews WHERE media_id = :m AND hidden_by IS NULL", m=media_id)
    assert len(rows) == visible > 5  # other tests may hide a review of this title
    assert all(r["firstname"] and r["lastname"] and 1 <= r["rating"] <= 10 for r in rows)
    created = [r["created_at"] for r in rows]
    assert created == sorted(created, reverse=True)


def test_mutual_friends_of_two_users(demo_db):
    rows = q.mutual_friends("user001", "user002")
    names = {r["username"] for r in rows}
    assert {"user003", "user004"} <= names
    assert not names & {"user001", "user002"}
    # symmetric, and a pending or blocked link is not a friendship
    assert {r["username"] for r in q.mutual_friends("user002", "user001")} == names
    assert "user006" not in names and "user007" not in names


def test_latest_activity_is_full_on_the_demo_data(demo_db):
    # The demo carries its history (core.reset.DEMO_HISTORY): the admin's "latest 50" is never empty.
    rows = q.latest_activity()
    assert len(rows) == 50 and {r["table_name"] for r in rows} - {"genres"}


def test_latest_activity_after_audited_writes(demo_db):
    genre = f"Noir {uuid.uuid4().hex[:8]}"
    with db.transaction("moderator") as conn:
        db.execute(conn, "INSERT INTO genres (name) VALUES (:n)", n=genre)
        db.execute(conn, "UPDATE genres SET name = :new WHERE name = :old", new=genre + " II", old=genre)
    rows = q.latest_activity()
    with db.transaction("moderator") as conn:  # leave the shared demo catalog as it was
        db.execute(conn, "DELETE FROM genres WHERE name = :n", n=genre + " II")
    assert 2 <= len(rows) <= 50
    newest, before = rows[0], rows[1]
    assert (newest["operation"], before["operation"]) == ("UPDATE", "INSERT")
    assert newest["username"] == "moderator" and newest["table_name"] == "genres"
    assert json.loads(newest["change_details"])["new"]["name"] == genre + " II"
    assert [r["log_id"] for r in rows] == sorted((r["log_id"] for r in rows), reverse=True)
