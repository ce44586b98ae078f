"""The dashboard's figures, every one an SQL aggregate (GROUP BY in the server): six statements in all.

Moderators see the catalog and the reviews they moderate; figures about accounts (users by role, sign-ups,
most active users) are for admins, as the activity of non-catalog tables is (DESIGN.md, Roles): core.dashboard
decides which a role gets.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from db.engine import fetch_all, fetch_one, read

REVIEW_DAYS = 90
SIGNUP_WEEKS = 26
ACTIVITY_DAYS = 30
TOP = 10


@dataclass
class Figures:
    totals: dict[str, Any]                    # counts, and last_review (a datetime or None)
    signups_per_week: list[dict[str, Any]]    # week (a Monday), n; empty for moderators
    reviews_per_day: list[dict[str, Any]]     # day, n (every day of the window, zero included)
    ratings: list[dict[str, Any]]             # rating 1..10, n
    genres: list[dict[str, Any]]              # genre, titles, avg_rating
    active_users: list[dict[str, Any]]        # username, reviews, list_entries, n; empty for moderators
    most_reviewed: list[dict[str, Any]]       # title, n
    activity: list[dict[str, Any]]            # day, table_name, n


def _totals(conn, full: bool) -> dict[str, int]:
    users = ("""(SELECT SUM(role = 'user') FROM users) AS users_user,
                (SELECT SUM(role = 'moderator') FROM users) AS users_moderator,
                (SELECT SUM(role = 'admin') FROM users) AS users_admin,""" if full else "")
    row = fetch_one(f"""SELECT {users}
                               (SELECT COUNT(*) FROM media WHERE media_type = 'Movie') AS movies,
                               (SELECT COUNT(*) FROM media WHERE media_type = 'Series') AS series,
                               (SELECT COUNT(*) FROM episodes) AS episodes,
                               (SELECT COUNT(*) FROM genres) AS genres,
                               (SELECT COUNT(*) FROM people) AS people,
                               (SELECT COUNT(*) FROM reviews) AS reviews,
                               (SELECT COUNT(*) FROM playlists) AS playlists,
                               (SELECT COUNT(*) FROM watchlist_items) AS watchlist_items,
                               (SELECT MAX(created_at) FROM reviews) AS last_review""", conn)
    return {k: v if k == "last_review" else int(v or 0) for k, v in row.items()}


def _time_series(conn, full: bool, today: date) -> tuple[list[dict], list[dict]]:
    signups = ("""SELECT 'signups' AS series,
                         DATE_SUB(DATE(created_at), INTERVAL WEEKDAY(created_at) DAY) AS day, COUNT(*) AS n
                    FROM users WHERE created_at >= :weeks_from GROUP BY 1, 2
                  UNION ALL """ if full else "")
    rows = fetch_all(f"""{signups}
                         SELECT 'reviews' AS series, DATE(created_at) AS day, COUNT(*) AS n
                           FROM reviews WHERE created_at >= :days_from GROUP BY 1, 2""", conn,
                     weeks_from=today - timedelta(weeks=SIGNUP_WEEKS),
                     days_from=today - timedelta(days=REVIEW_DAYS - 1))
    per_day = {r["day"]: int(r["n"]) for r in rows if r["series"] == "reviews"}
    # Days without reviews are absent from a GROUP BY; the chart needs them as zero.
    days = [today - timedelta(days=i) for i in range(REVIEW_DAYS - 1, -1, -1)]
    reviews = [{"day": d, "n": per_day.get(d, 0)} for d in days]
    signups_rows = sorted(({"week": r["day"], "n": int(r["n"])} for r in rows if r["series"] == "signups"),
                          key=lambda r: r["week"])
    return signups_rows, reviews


def _ratings(conn) -> list[dict]:
    found = {r["rating"]: int(r["n"]) for r in fetch_all(
        "SELECT rating, COUNT(*) AS n FROM reviews GROUP BY rating", conn)}
    return [{"rating": k, "n": found.get(k, 0)} for k in range(1, 11)]


def _genres(conn) -> list[dict]:
    # Walk media once (its rating index covers average_rating) and join each title's genres by primary key:
    # on the large data set (99k titles, 196k genre links) 0.36 s against 0.6 s for joining every link to its title.
    return fetch_all("""SELECT g.name AS genre, COALESCE(x.titles, 0) AS titles, x.avg_rating
                          FROM genres g
                          LEFT JOIN (SELECT mg.genre_id, COUNT(*) AS titles,
                                            ROUND(AVG(m.average_rating), 2) AS avg_rating
                                       FROM media m STRAIGHT_JOIN media_genres mg ON mg.media_id = m.media_id
                                      GROUP BY mg.genre_id) AS x ON x.genre_id = g.genre_id
                         ORDER BY titles DESC, g.name""", conn)


def _leaders(conn, full: bool) -> tuple[list[dict], list[dict]]:
    """Most rated titles (media.rating_count, kept by the rating triggers, a walk down ix_media_count) and,
    for admins, the most active users by reviews written plus titles on their watchlist."""
    users = (f"""UNION ALL
                 (SELECT 'user' AS kind, username AS label, SUM(reviews) AS reviews, SUM(entries) AS entries
                    FROM (SELECT username, COUNT(*) AS reviews, 0 AS entries FROM reviews GROUP BY username
                          UNION ALL
                          SELECT username, 0, COUNT(*) FROM watchlist_items GROUP BY username) AS a
                   GROUP BY username ORDER BY SUM(reviews) + SUM(entries) DESC, username LIMIT {TOP})"""
             if full else "")
    rows = fetch_all(f"""(SELECT 'title' AS kind, title AS label, rating_count AS reviews, 0 AS entries
                            FROM media WHERE rating_count > 0 ORDER BY rating_count DESC, title LIMIT {TOP})
                         {users}""", conn)
    titles = [{"title": r["label"], "n": int(r["reviews"])} for r in rows if r["kind"] == "title"]
    active = [{"username": r["label"], "reviews": int(r["reviews"]), "list_entries": int(r["entries"]),
               "n": int(r["reviews"]) + int(r["entries"])} for r in rows if r["kind"] == "user"]
    return active, titles


def _activity(conn, tables: list[str] | None, today: date) -> list[dict]:
    params: dict[str, Any] = {"from": today - timedelta(days=ACTIVITY_DAYS - 1)}
    only = ""
    if tables is not None:
        params["tables"] = sorted(tables)  # an expanding bind (db.engine)
        only = "AND table_name IN :tables"
    rows = fetch_all(f"""SELECT DATE(changed_at) AS day, table_name, COUNT(*) AS n FROM activity_log
                          WHERE changed_at >= :from {only} GROUP BY 1, 2 ORDER BY 1, 2""", conn, **params)
    return [{"day": r["day"], "table_name": r["table_name"], "n": int(r["n"])} for r in rows]


def figures(full: bool, tables: list[str] | None, today: date | None = None) -> Figures:
    """Every figure; `full` adds the ones about accounts, `tables` limits the activity chart (None: all)."""
    today = today or date.today()
    with read() as conn:
        totals = _totals(conn, full)
        signups, reviews = _time_series(conn, full, today)
        ratings = _ratings(conn)
        genres = _genres(conn)
        active, titles = _leaders(conn, full)
        activity = _activity(conn, tables, today)
    return Figures(totals, signups, reviews, ratings, genres, active, titles, activity)
