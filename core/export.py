"""A user's whole account as one ZIP: CSV and JSON of each part, and a Letterboxd-style CSV set.

Layout (README.txt inside says the same):
  manifest.json                 what this is, whose, when, and the files (StreamSync's importer reads it)
  profile.{json,csv}            names, email, date of birth, role, dates (never the password hash)
  diary.{json,csv}              every watch of a film or an episode: when (or unknown), which viewing
  ratings_reviews.{json,csv}    every rating, with the review text, spoiler flag and dates
  watchlist.{json,csv}          every title with its status
  playlists.json                each playlist with its items in order; playlists.csv one row per item
  progress.{json,csv}           "watched up to" per series
  friends.{json,csv}            every friendship, request and block, from the user's side
  letterboxd/films.csv          Letterboxd's import format (Title, Year, imdbID, tmdbID, Rating10, Review)
  letterboxd/diary.csv          every dated film watch in the same format (WatchedDate, Rewatch)
  letterboxd/watchlist.csv      the plan-to-watch titles, in the same format
  letterboxd/lists/<name>.csv   each playlist in the layout of Letterboxd's list export
Every CSV cell that a spreadsheet would run as a formula (it starts with = + - @, or a tab or carriage
return) gets a leading apostrophe. The JSON keeps values as they are: it is data, not a spreadsheet.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from db import export as repo
from db.engine import read
from db.errors import DataRuleError

FORMAT_VERSION = 1
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: Any) -> Any:
    """A cell a spreadsheet shows as text ("CSV injection", OWASP): formula starts get a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.decode()
    return value


def _csv(columns: list[str], rows: Iterable[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([defuse("" if row.get(c) is None else _plain(row.get(c))) for c in columns])
    return out.getvalue()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, default=_plain)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "list"


@dataclass(frozen=True, slots=True)
class Export:
    filename: str
    data: bytes
    counts: dict[str, int]


_TITLE_COLUMNS = ["title", "year", "media_type", "imdb_id", "tmdb_id"]
_COLUMNS = {
    "profile": ["username", "firstname", "lastname", "email", "dob", "role", "created_at", "last_login_at"],
    "diary": _TITLE_COLUMNS + ["season", "episode", "episode_title", "watched_at", "viewing", "source"],
    "ratings_reviews": _TITLE_COLUMNS + ["rating", "review_text", "contains_spoilers", "created_at", "updated_at"],
    "watchlist": _TITLE_COLUMNS + ["status", "added_at", "updated_at"],
    "playlists": ["playlist", "description", "created_at", "position"] + _TITLE_COLUMNS + ["added_at"],
    "progress": _TITLE_COLUMNS + ["season", "episode", "episode_title", "last_watched_at"],
    "friends": ["other", "status", "asked", "created_at"],
}
_LETTERBOXD = ["Title", "Year", "imdbID", "tmdbID", "WatchedDate", "Rating10", "Review"]

_README = """StreamSync export of {username}, made {when} UTC.

Each part is here twice: as JSON (exact values) and as CSV (opens in a spreadsheet; cells that would start a
formula carry a leading apostrophe). manifest.json lists the files; StreamSync's Import page reads this ZIP
back into an account. The password is never exported.

letterboxd/ holds the same ratings, reviews, watchlist and playlists in the CSV formats Letterboxd's importer
takes (https://letterboxd.com/import/): films.csv (ratings and reviews), diary.csv (dated film watches) and
watchlist.csv, and one file per playlist in lists/.
"""


def _letterboxd_films(reviews: list[dict]) -> list[dict]:
    return [{"Title": r["title"], "Year": r["year"], "imdbID": r["imdb_id"], "tmdbID": r["tmdb_id"],
             "WatchedDate": None, "Rating10": r["rating"], "Review": r["review_text"] or None} for r in reviews]


def _letterboxd_list(playlist: dict) -> str:
    head = _csv(["Date", "Name", "Tags", "URL", "Description"],
                [{"Date": playlist["created_at"].date() if playlist["created_at"] else None, "Name": playlist["name"],
                  "Description": playlist["description"]}])
    items = _csv(["Position", "Name", "Year", "URL", "Description", "imdbID", "tmdbID"],
                 [{"Position": i["position"], "Name": i["title"], "Year": i["year"], "imdbID": i["imdb_id"],
                   "tmdbID": i["tmdb_id"]} for i in playlist["items"]])
    return "Letterboxd list export v7\r\n" + head + "\r\n" + items


def _group_playlists(rows: list[dict]) -> list[dict]:
    playlists: dict[int, dict] = {}
    for row in rows:
        entry = playlists.setdefault(row["playlist_id"], {
            "name": row["playlist"], "description": row["description"], "created_at": row["created_at"],
            "items": []})
        if row["title"] is not None:
            entry["items"].append({k: row[k] for k in ["position", "added_at"] + _TITLE_COLUMNS})
    return list(playlists.values())


def build(username: str, now: datetime | None = None) -> Export:
    """The export ZIP of `username` (DataRuleError when there is no such user). Seven statements, one read
    connection, whatever the account holds."""
    now = now or datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    with read() as conn:
        profile = repo.profile(conn, username)
        if profile is None:
            raise DataRuleError(f"There is no user {username!r}.")
        parts = {
            "profile": [profile],
            "diary": repo.diary(conn, username),
            "ratings_reviews": repo.reviews(conn, username),
            "watchlist": repo.watchlist(conn, username),
            "playlists": repo.playlist_items(conn, username),
            "progress": repo.progress(conn, username),
            "friends": repo.friends(conn, username),
        }
    for row in parts["ratings_reviews"]:
        row["contains_spoilers"] = bool(row["contains_spoilers"])
    for row in parts["friends"]:
        row["asked"] = bool(row["asked"])
    playlists = _group_playlists(parts["playlists"])
    item_rows = [r for r in parts["playlists"] if r["title"] is not None]
    counts = {"diary": len(parts["diary"]), "ratings_reviews": len(parts["ratings_reviews"]),
              "watchlist": len(parts["watchlist"]),
              "playlists": len(playlists), "playlist_items": len(item_rows), "progress": len(parts["progress"]),
              "friends": len(parts["friends"])}
    files: dict[str, str] = {}
    for name, rows in parts.items():
        if name == "playlists":
            files["playlists.json"] = _json(playlists)
            files["playlists.csv"] = _csv(_COLUMNS[name], item_rows + [
                {"playlist": p["name"], "description": p["description"], "created_at": p["created_at"]}
                for p in playlists if not p["items"]])
        else:
            files[f"{name}.json"] = _json(rows[0] if name == "profile" else rows)
            files[f"{name}.csv"] = _csv(_COLUMNS[name], rows)
    files["letterboxd/films.csv"] = _csv(_LETTERBOXD, _letterboxd_films(parts["ratings_reviews"]))
    files["letterboxd/diary.csv"] = _csv(["Title", "Year", "imdbID", "tmdbID", "WatchedDate", "Rewatch"], [
        {"Title": w["title"], "Year": w["year"], "imdbID": w["imdb_id"], "tmdbID": w["tmdb_id"],
         "WatchedDate": w["watched_at"].date(), "Rewatch": "Yes" if w["viewing"] > 1 else None}
        for w in parts["diary"] if w["season"] is None and w["watched_at"] is not None])
    files["letterboxd/watchlist.csv"] = _csv(["Title", "Year", "imdbID", "tmdbID"], [
        {"Title": w["title"], "Year": w["year"], "imdbID": w["imdb_id"], "tmdbID": w["tmdb_id"]}
        for w in parts["watchlist"] if w["status"] == "plan_to_watch"])
    used: set[str] = set()
    for playlist in playlists:
        slug = _slug(playlist["name"])
        while slug in used:
            slug += "-1"
        used.add(slug)
        files[f"letterboxd/lists/{slug}.csv"] = _letterboxd_list(playlist)
    files["README.txt"] = _README.format(username=username, when=now.isoformat(sep=" "))
    manifest = {"streamsync_export": FORMAT_VERSION, "username": username, "exported_at": now.isoformat(),
                "counts": counts, "files": sorted(files)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", _json(manifest))
        for path, text in files.items():
            archive.writestr(path, text)
    return Export(f"streamsync-{username}-{now:%Y-%m-%d}.zip", buffer.getvalue(), counts)
