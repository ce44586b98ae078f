"""Trakt's export: JSON files (one ZIP, or any file alone), as Trakt's data export and its API-based backup
tools (traktexport, trakt-backup) write them. Each file is recognised by what its items hold, not its name:

- history (`watched-history.json`, `history`): `{watched_at, action, type: movie|episode, movie | episode+show}`
  → one dated watch per play, films and episodes with their ids;
- watched summaries (`watched-movies.json`, `watched-shows.json`): `{plays, last_watched_at, movie | show+seasons}`
  → used only when no history came with them (history has every play; a summary only the last);
- ratings (`ratings-*.json`): `{rated_at, rating, type, movie|show|...}` → ratings of films and series
  (season and episode ratings are listed and skipped: StreamSync rates titles);
- watchlist (`watchlist*.json`): `{listed_at, rank, type, movie|show}` → plan to watch;
- lists (`lists-*.json`, or a list with `items`): items `{rank, listed_at, type, movie|show}` → playlists in
  rank order, named and described from the list's metadata when it is there;
- comments (`comments*.json`): `{comment: {comment, spoiler, review}, movie|show}` → reviews with their
  spoiler flag.
Collections (owned copies), likes and followers are not imported.
"""
from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from core.history_import.records import MOVIE, SERIES, Parsed, Problem, Record, Refused
from core.history_import.source import TextFile, parse_when, safe_text

SOURCE = "trakt"
_MEDIA_KEYS = ("movie", "show", "season", "episode")


def load(file: TextFile) -> Any:
    try:
        return json.loads(file.text)
    except json.JSONDecodeError as exc:
        raise Refused(f"{file.path} is not valid JSON (line {exc.lineno}: {exc.msg}).") from exc


def _looks_trakt(item: Any) -> bool:
    return isinstance(item, dict) and any(isinstance(item.get(k), dict) and "ids" in item[k] for k in _MEDIA_KEYS)


def role(file: TextFile, data: Any) -> str | None:
    """history, watched, ratings, watchlist, list, comments, lists_meta, bundle, skip; None: not Trakt's."""
    name = file.name.lower()
    if isinstance(data, dict):
        if "items" in data and "name" in data:
            return "list"
        if {"history", "ratings", "watchlist", "watched"} & set(data):
            return "bundle"  # traktexport writes one file with every part under its own key
        return None
    if not isinstance(data, list):
        return None
    if not data:
        return "skip"
    first = data[0]
    if isinstance(first, dict) and "ids" in first and "name" in first and "item_count" in first:
        return "lists_meta"
    if not _looks_trakt(first):
        return None
    if "collection" in name or "collected_at" in first:
        return "skip"
    if "watched_at" in first:
        return "history"
    if "last_watched_at" in first or "plays" in first:
        return "watched"
    if "rated_at" in first or "rating" in first:
        return "ratings"
    if isinstance(first.get("comment"), dict):
        return "comments"
    if "watchlist" in name:
        return "watchlist"
    if "listed_at" in first or "rank" in first:
        return "list"
    return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _base(item: dict, file: TextFile, number: int) -> dict | None:
    """The title the item is about (the show, for an episode), or None for a season or episode alone."""
    kind = item.get("type") or next((k for k in _MEDIA_KEYS if isinstance(item.get(k), dict)), None)
    if kind == "movie":
        media, media_type = item.get("movie"), MOVIE
    elif kind in ("show", "episode"):
        media, media_type = item.get("show"), SERIES
    else:
        return None
    if not isinstance(media, dict):
        raise TypeError(f"the {kind} has no {'movie' if kind == 'movie' else 'show'} with it")
    ids = media.get("ids") or {}
    title = safe_text(media.get("title") or "").strip()
    if not title and not ids:
        raise ValueError("the item names no title and no ids")
    year = _int(media.get("year"))
    base = {"source": SOURCE, "file": file.path, "row": number, "title": title or f"trakt:{ids.get('trakt')}",
                "year": year if year and 1870 <= year <= 2100 else None, "media_type": media_type,
                "imdb_id": ids.get("imdb") or None, "tmdb_id": _int(ids.get("tmdb")), "tvdb_id": _int(ids.get("tvdb")),
                "trakt_id": _int(ids.get("trakt"))}
    if kind == "episode":
        episode = item.get("episode") or {}
        season, number_ = _int(episode.get("season")), _int(episode.get("number"))
        if season is None or number_ is None:
            raise ValueError("the episode has no season or number")
        base.update(season=season, episode=number_)
    return base


def _when(value: Any):
    return parse_when(value) if isinstance(value, str) else None


def _rating(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10:
        raise ValueError(f"the rating {value!r} is not a whole number from 1 to 10")
    return value


def _each(items: list, file: TextFile, out: Parsed, read) -> None:
    for number, item in enumerate(items, start=1):
        try:
            if not isinstance(item, dict):
                raise TypeError("the item is not an object")
            read(item, number)
        except (ValueError, TypeError) as exc:
            out.problems.append(Problem(file.path, number, f"{exc}; the item is skipped"))


def _history(items, file, out):
    def read(item, number):
        base = _base(item, file, number)
        if base is not None:
            out.records.append(Record(kind="watch", when=_when(item.get("watched_at")), **base))
    _each(items, file, out, read)


def _watched(items, file, out):
    def read(item, number):
        base = _base(item, file, number)
        if base is None:
            return
        if base["media_type"] == MOVIE:
            out.records.append(Record(kind="watch", when=_when(item.get("last_watched_at")), **base))
            return
        for season in item.get("seasons") or []:
            for episode in season.get("episodes") or []:
                out.records.append(Record(kind="watch", when=_when(episode.get("last_watched_at")),
                                          season=_int(season.get("number")), episode=_int(episode.get("number")),
                                          **base))
    _each(items, file, out, read)


def _ratings(items, file, out):
    skipped = 0

    def read(item, number):
        nonlocal skipped
        if item.get("type") in ("season", "episode"):
            skipped += 1
            return
        base = _base(item, file, number)
        if base is not None:
            out.records.append(Record(kind="rating", rating=_rating(item.get("rating")),
                                      when=_when(item.get("rated_at")), **base))
    _each(items, file, out, read)
    if skipped:
        out.notes.append(f"{file.path}: {skipped:,} ratings of seasons or episodes are not imported "
                         "(StreamSync rates films and series).")


def _watchlist(items, file, out):
    def read(item, number):
        base = _base(item, file, number)
        if base is not None and "season" not in base:
            out.records.append(Record(kind="watchlist", status="plan_to_watch", when=_when(item.get("listed_at")),
                                      **base))
    _each(items, file, out, read)


def _list(items, file, out, name: str, description: str | None):
    def read(item, number):
        base = _base(item, file, number)
        if base is not None and "season" not in base:
            out.records.append(Record(kind="list_item", list_name=name, list_description=description,
                                      position=_int(item.get("rank")) or number,
                                      when=_when(item.get("listed_at")), **base))
    _each(items, file, out, read)


def _comments(items, file, out):
    def read(item, number):
        comment = item.get("comment") or {}
        text = safe_text(comment.get("comment") or "").strip()
        base = _base(item, file, number)
        if base is not None and text and "season" not in base:
            out.records.append(Record(kind="review", review=text, spoilers=bool(comment.get("spoiler")),
                                      when=_when(comment.get("updated_at") or comment.get("created_at")), **base))
    _each(items, file, out, read)


def parse(files: list[tuple[TextFile, str, Any]]) -> Parsed:
    """Read (file, role, loaded JSON) triples of one Trakt export into records."""
    out = Parsed(SOURCE, "Trakt export")
    parts: list[tuple[TextFile, str, Any]] = []
    for file, kind, data in files:
        if kind == "bundle":
            for key, sub in (("history", "history"), ("watched", "watched"), ("ratings", "ratings"),
                             ("watchlist", "watchlist"), ("comments", "comments")):
                if isinstance(data.get(key), list):
                    parts.append((file, sub, data[key]))
            for listed in data.get("lists") or []:
                if isinstance(listed, dict) and isinstance(listed.get("items"), list):
                    parts.append((file, "list", listed))
        else:
            parts.append((file, kind, data))
    meta = {}
    for _, kind, data in parts:
        if kind == "lists_meta":
            for listed in data:
                slug = str((listed.get("ids") or {}).get("slug") or "")
                meta[slug] = (safe_text(listed.get("name") or slug),
                              safe_text(listed["description"]) if listed.get("description") else None)
    has_history = any(kind == "history" for _, kind, _ in parts)
    for file, kind, data in parts:
        if kind == "history":
            _history(data, file, out)
        elif kind == "watched":
            if has_history:
                out.notes.append(f"{file.path}: the watched summary is not needed beside the full history.")
            else:
                _watched(data, file, out)
        elif kind == "ratings":
            _ratings(data, file, out)
        elif kind == "watchlist":
            _watchlist(data, file, out)
        elif kind == "comments":
            _comments(data, file, out)
        elif kind == "list":
            if isinstance(data, dict):
                _list(data["items"], file, out, safe_text(data.get("name")),
                      safe_text(data["description"]) if data.get("description") else None)
            else:
                slug = PurePosixPath(file.path).stem.removeprefix("lists-")
                name, description = meta.get(slug, (slug.replace("-", " ").capitalize(), None))
                _list(data, file, out, name, description)
    found = [k for k, n in out.counts().items() if n]
    out.label = f"Trakt export ({', '.join(found) or 'nothing to import'})"
    return out
