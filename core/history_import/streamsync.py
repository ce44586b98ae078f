"""StreamSync's own export ZIP (core/export.py), read back: what moves an account to another instance or
restores it. The manifest says it is one; its JSON files hold the values exactly (the CSVs and the
letterboxd/ set beside them are for people and other services, and are not read).

The diary, ratings and reviews, the watchlist with every status, and playlists in order come back; progress
follows from the diary's episodes, and friends do not come back (a friendship needs the other person's say)."""
from __future__ import annotations

from typing import Any

from core.history_import.records import Parsed, Problem, Record, Refused
from core.history_import.source import TextFile, imdb_id, parse_when, safe_text

SOURCE = "streamsync"
_PARTS = ("diary.json", "ratings_reviews.json", "watchlist.json", "playlists.json")
_STATUSES = ("plan_to_watch", "watching", "completed", "on_hold", "dropped")


def is_manifest(file: TextFile, data: Any) -> bool:
    return isinstance(data, dict) and "streamsync_export" in data


def _when(value: Any):
    return parse_when(value) if isinstance(value, str) else None


def _title(item: dict, file: TextFile, number: int) -> dict:
    title = safe_text(item.get("title") or "").strip()
    if not title:
        raise ValueError("the title has no name")
    year = item.get("year")
    return {"source": SOURCE, "file": file.path, "row": number, "title": title,
                "year": year if isinstance(year, int) else None,
                "media_type": item.get("media_type") if item.get("media_type") in ("Movie", "Series") else None,
                "imdb_id": imdb_id(item.get("imdb_id")),
                "tmdb_id": item.get("tmdb_id") if isinstance(item.get("tmdb_id"), int) else None}


def _rating(value: Any) -> int | None:
    """1-10, or None for a review exported without a rating."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10:
        raise ValueError(f"the rating {value!r} is not a whole number from 1 to 10")
    return value


def _read(path: str, data: Any, file: TextFile, out: Parsed) -> None:
    if not isinstance(data, list):
        raise Refused(f"{path} in the StreamSync export is not a list; export the account again.")
    for number, item in enumerate(data, start=1):
        try:
            if not isinstance(item, dict):
                raise TypeError("the entry is not an object")
            if path == "diary.json":
                season, episode, viewing = item.get("season"), item.get("episode"), item.get("viewing")
                out.records.append(Record(kind="watch", when=_when(item.get("watched_at")),
                                          viewing=viewing if isinstance(viewing, int) and viewing >= 1 else None,
                                          season=season if isinstance(season, int) else None,
                                          episode=episode if isinstance(episode, int) else None,
                                          **_title(item, file, number)))
            elif path == "ratings_reviews.json":
                base = _title(item, file, number)
                rating = _rating(item.get("rating"))
                when = _when(item.get("updated_at"))
                written = bool(str(item.get("review_text") or "").strip())
                if rating is None and not written:
                    raise ValueError("the entry has neither a rating nor a review")
                if rating is not None:
                    out.records.append(Record(kind="rating", rating=rating, when=when, **base))
                if written:
                    text = safe_text(item["review_text"])
                    out.records.append(Record(kind="review", rating=rating, when=when, review=text,
                                              spoilers=bool(item.get("contains_spoilers")), **base))
            elif path == "watchlist.json":
                status = item.get("status")
                if status not in _STATUSES:
                    raise ValueError(f"the status {status!r} is not one of {', '.join(_STATUSES)}")
                out.records.append(Record(kind="watchlist", status=status, when=_when(item.get("updated_at")),
                                          **_title(item, file, number)))
            else:
                name = safe_text(item.get("name") or "").strip()
                if not name:
                    raise ValueError("the playlist has no name")
                if not item.get("items"):
                    out.empty_lists.append((name, item.get("description") or None, _when(item.get("created_at")),
                                            file.path))
                for position, entry in enumerate(item.get("items") or [], start=1):
                    out.records.append(Record(kind="list_item", list_name=name,
                                              list_description=safe_text(item["description"])
                                              if item.get("description") else None,
                                              position=entry.get("position") or position,
                                              when=_when(item.get("created_at")), **_title(entry, file, number)))
        except (ValueError, TypeError) as exc:
            out.problems.append(Problem(file.path, number, f"{exc}; the entry is skipped"))


def parse(manifest: tuple[TextFile, Any], parts: dict[str, tuple[TextFile, Any]]) -> Parsed:
    _file, data = manifest
    out = Parsed(SOURCE, f"StreamSync export of {data.get('username', '?')} ({data.get('exported_at', '?')})")
    for path in _PARTS:
        if path in parts:
            part_file, loaded = parts[path]
            _read(path, loaded, part_file, out)
    out.notes.append("Friends in the export are not imported: a friendship needs the other person's say. Progress "
                     "follows from the diary's episodes.")
    return out
