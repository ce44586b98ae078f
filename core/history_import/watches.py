"""Which watch events an import adds, given what the diary already holds: pure Python, so the rules are
tested without a database and the commit writes the result in batches.

- A dated watch already in the diary (the same day for a date, the same second for a timestamp) is not
  added again: importing a file twice adds nothing.
- A watch with an unknown date (Letterboxd's watched.csv) is added only for a title or episode with no
  watch at all, in the diary or in the file.
- Viewing numbers count on from the diary's: a film's first watch is viewing 1, the next a rewatch (2, ...);
  an episode's n-th play is viewing n. Undated watches come first (watched long ago), then by date.
- A film whose first watch in the file is marked a rewatch, with nothing before it anywhere, gets an undated
  first viewing: the user saw it before their diary began.
- A date in the future or before 1888 is refused by the diary's own rule (`stamp`), one line per row.
- A watch that comes with its viewing number (StreamSync's own export) keeps it, and is there already when the
  diary has that viewing of that title or episode: an export comes back exactly, undated rewatches included.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime

from core.history_import.records import Problem, Record
from db.errors import DataRuleError

Key = tuple[int, int | None]   # (media_id, episode_id or None for a film)


def _day_or_stamp(when: date | datetime | None):
    if when is None:
        return None
    return ("at", when) if isinstance(when, datetime) else ("day", when)


def plan(watches: list[tuple[Record, int, int | None]], existing: list[dict],
         stamp: Callable[[date | datetime | None], datetime | None]) -> tuple[list[dict], int, list[Problem]]:
    """(rows to insert {media_id, episode_id, watched_at, viewing}, how many were already there, problems).
    `watches`: (record, media_id, episode_id) of every matched watch; `existing`: the diary's events
    {media_id, episode_id, viewing, watched_at} of the user; `stamp`: the diary's date rule."""
    days: dict[Key, set] = defaultdict(set)
    count: dict[Key, int] = defaultdict(int)
    viewings: dict[Key, set[int]] = defaultdict(set)
    for event in existing:
        key = (event["media_id"], event["episode_id"])
        count[key] = max(count[key], event["viewing"])
        viewings[key].add(event["viewing"])
        if event["watched_at"] is not None:
            days[key] |= {("at", event["watched_at"]), ("day", event["watched_at"].date())}
    problems: list[Problem] = []
    dated: dict[Key, list[tuple[datetime, Record]]] = defaultdict(list)
    undated: dict[Key, Record] = {}
    exact: list[dict] = []
    already = 0
    for record, media_id, episode_id in watches:
        key = (media_id, episode_id)
        try:
            at = stamp(record.when)
        except DataRuleError as exc:
            problems.append(Problem(record.file, record.row, f"{exc} The watch is skipped."))
            continue
        if record.viewing is not None:
            if record.viewing in viewings[key]:
                already += 1
            else:
                viewings[key].add(record.viewing)
                exact.append({"media_id": media_id, "episode_id": episode_id, "watched_at": at,
                              "viewing": record.viewing})
            continue
        if at is None:
            undated.setdefault(key, record)
            continue
        mark = _day_or_stamp(record.when)
        if mark in days[key]:
            already += 1
            continue
        days[key] |= {mark, ("day", at.date()), ("at", at)}
        dated[key].append((at, record))
    rows = exact
    for key in sorted(set(dated) | set(undated), key=lambda k: (k[0], k[1] or 0)):
        media_id, episode_id = key
        plays = sorted(dated.get(key, []), key=lambda p: (p[0], p[1].row))
        count[key] = max([count[key], *viewings[key]])
        earlier = count[key] > 0
        if key in undated and (earlier or plays):
            already += 1          # seen, and the diary or the file already says when
        elif key in undated or (episode_id is None and plays and plays[0][1].rewatch and not earlier):
            count[key] += 1
            rows.append({"media_id": media_id, "episode_id": episode_id, "watched_at": None, "viewing": count[key]})
        for at, _record in plays:
            count[key] += 1
            rows.append({"media_id": media_id, "episode_id": episode_id, "watched_at": at, "viewing": count[key]})
    return rows, already, problems
