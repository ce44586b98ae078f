"""The preview of an import: what the file holds, which titles it means, what would change, and where the
file and the account disagree. Building it reads the catalog and the user's data (a fixed handful of
statements) and writes nothing; `changes()` then turns it, with the user's choices and conflict policy,
into the exact rows the commit writes, leaving out every row that would not change anything (so importing
the same file twice writes nothing the second time).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from core.history_import.matching import Catalog, Identity, Match, identity, load_catalog, match_all
from core.history_import.records import Parsed, Problem, Record
from core.history_import.watches import plan as watch_plan
from core.watching import watched_at
from db import history_import as repo
from db.engine import read

POLICIES = {"keep_mine": "Keep mine", "take_file": "Take the file's", "keep_newer": "Keep the newer"}
REVIEW_MAX = 5000          # reviews.review_text's CHECK
PLAYLIST_NAME_MAX = 100
DESCRIPTION_MAX = 500


def _stamp(value: date | datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)


def _newest(records: list[Record]) -> Record:
    # A record without a date counts as oldest; among equals the file's later row wins (Letterboxd writes
    # oldest first).
    return max(records, key=lambda r: (_stamp(r.when) or datetime.min, r.kind == "rating", r.row))


@dataclass(slots=True)
class TitleLine:
    """One distinct title of the file, as the preview lists it."""
    identity: Identity
    title: str
    year: int | None
    media_type: str | None
    match: Match
    kinds: Counter
    first: str                      # "diary.csv row 12": where it first appears


@dataclass(slots=True)
class Conflict:
    kind: str                       # rating, watchlist, playlist
    key: Any                        # media_id, or the playlist's name
    title: str
    mine: str
    theirs: str
    mine_at: datetime | None
    theirs_at: datetime | None

    def file_wins(self, policy: str) -> bool:
        if policy == "take_file":
            return True
        if policy == "keep_newer":
            return self.theirs_at is not None and (self.mine_at is None or self.theirs_at > self.mine_at)
        return False


@dataclass(slots=True)
class Changes:
    """The rows a commit writes; every one differs from what the account holds."""
    watches: list[dict] = field(default_factory=list)    # {media_id, episode_id, watched_at, viewing}
    reviews: list[dict] = field(default_factory=list)
    watchlist: list[dict] = field(default_factory=list)
    playlists: list[dict] = field(default_factory=list)   # {playlist_id|None, name, description, created_at, items}
    unchanged: Counter = field(default_factory=Counter)
    kept_mine: Counter = field(default_factory=Counter)

    def size(self) -> int:
        """Rows to write: each watch, review, watchlist entry, playlist and playlist entry."""
        return len(self.watches) + len(self.reviews) + len(self.watchlist) + \
            sum(1 + len(p["items"]) for p in self.playlists)


@dataclass(slots=True)
class Preview:
    parsed: Parsed
    username: str
    titles: list[TitleLine]
    matches: dict[Identity, Match]
    problems: list[Problem]
    existing: dict[str, Any]
    episodes: dict[tuple[int, int, int], int] = field(default_factory=dict)  # (series, season, number) -> id
    notes: list[str] = field(default_factory=list)  # how the file was read and its titles matched

    def counts(self) -> dict[str, int]:
        return self.parsed.counts()

    def match_counts(self) -> dict[str, int]:
        found = Counter()
        for line in self.titles:
            m = line.match
            found["matched by id" if m.by_id else "matched by title" if m.status == "matched" else m.status] += 1
        return {k: found.get(k, 0) for k in ("matched by id", "matched by title", "ambiguous", "unmatched")}

    def resolved(self, choices: dict[Identity, int] | None = None) -> dict[Identity, int]:
        """{identity: media_id} for matched titles and the ambiguous ones the user chose a candidate for."""
        choices = choices or {}
        out = {}
        for ident, m in self.matches.items():
            if m.status == "matched":
                out[ident] = m.media_id
            elif ident in choices and choices[ident] in {c.media_id for c in m.candidates}:
                out[ident] = choices[ident]
        return out

    # -- what the file wants, per title --------------------------------------------------------------
    def _desired(self, resolved: dict[Identity, int]) -> tuple[dict, dict, list, list[Problem]]:
        by_media: dict[int, list[Record]] = defaultdict(list)
        lists: dict[tuple[str, str], list[Record]] = defaultdict(list)
        for record in self.parsed.records:
            media_id = resolved.get(identity(record))
            if media_id is None:
                continue
            if record.kind == "list_item":
                lists[(record.list_name or "Imported list", record.file)].append(record)
            else:
                by_media[media_id].append(record)
        problems: list[Problem] = []
        reviews, watchlist = {}, {}
        for media_id, records in by_media.items():
            rated = [r for r in records if r.rating is not None]
            written = [r for r in records if r.kind == "review" and r.review and r.review.strip()]
            listed = [r for r in records if r.kind == "watchlist"]
            if rated or written:
                rating_record = _newest(rated) if rated else None
                review_record = _newest(written) if written else None
                text = review_record.review.strip() if review_record else None
                if text and len(text) > REVIEW_MAX:
                    problems.append(Problem(review_record.file, review_record.row,
                                            f"the review has {len(text):,} characters; the first {REVIEW_MAX:,} "
                                            "are kept"))
                    text = text[:REVIEW_MAX - 1].rstrip() + "…"
                when = max((_stamp(r.when) for r in (rating_record, review_record) if r and r.when),
                           default=None)
                reviews[media_id] = {"rating": rating_record.rating if rating_record else None, "text": text,
                                     "spoilers": bool(review_record and review_record.spoilers), "when": when,
                                     "record": review_record or rating_record}
            if listed:
                newest = _newest(listed)
                watchlist[media_id] = {"status": newest.status or "plan_to_watch", "when": _stamp(newest.when)}
        playlists, names = [], Counter()
        declared = {(name, file): (description, _stamp(when))
                    for name, description, when, file in self.parsed.empty_lists}
        for key in declared:
            lists.setdefault(key, [])
        for (listed_name, list_file), records in lists.items():
            description, when = declared.get((listed_name, list_file)) or (records[0].list_description, None)
            name = listed_name.strip()[:PLAYLIST_NAME_MAX]
            names[name.casefold()] += 1
            if names[name.casefold()] > 1:  # two lists of one name (Letterboxd allows it; playlists do not)
                name = f"{name[:PLAYLIST_NAME_MAX - 5]} ({names[name.casefold()]})"
            if description and len(description) > DESCRIPTION_MAX:
                problems.append(Problem(list_file, None, f"the list's description has {len(description):,} "
                                        f"characters; the first {DESCRIPTION_MAX} are kept"))
                description = description[:DESCRIPTION_MAX - 1].rstrip() + "…"
            order, seen = [], set()
            for record in sorted(records, key=lambda r: (r.position or 0, r.row)):
                media_id = resolved[identity(record)]
                if media_id not in seen:
                    seen.add(media_id)
                    order.append(media_id)
            playlists.append({"name": name, "description": description or None,
                              "when": max((_stamp(r.when) for r in records if r.when), default=when),
                              "items": order})
        return reviews, watchlist, playlists, problems

    def _watches(self, choices, changes: Changes, watchlist: dict, problems: list[Problem]) -> None:
        """The watch events to add (core.history_import.watches), and the watchlist following them as the diary
        makes it follow a logged watch: a film seen is completed, a series begun is watching (unless the file's
        own watchlist says otherwise, or the user had put it elsewhere)."""
        resolved = self.resolved(choices)
        types = {c.media_id: c.media_type for m in self.matches.values() for c in m.candidates}
        found = []
        for record in self.parsed.records:
            media_id = resolved.get(identity(record)) if record.kind == "watch" else None
            if media_id is None:
                continue
            episode_id = None
            if record.season is not None:
                episode_id = self.episodes.get((media_id, record.season, record.episode))
                if episode_id is None:
                    problems.append(Problem(record.file, record.row, f"S{record.season}E{record.episode} of "
                                            f"{record.title!r} is not in the catalog; the watch is skipped"))
                    continue
            elif types.get(media_id) == "Series":
                problems.append(Problem(record.file, record.row, f"{record.title!r} is a series here: its watches "
                                        "are logged episode by episode, so this one is skipped"))
                continue
            found.append((record, media_id, episode_id))
        rows, already, planned = watch_plan(found, self.existing["watches"], watched_at)
        problems += planned
        changes.watches = rows
        if already:
            changes.unchanged["watches"] += already
        mine = self.existing["watchlist"]
        for media_id in dict.fromkeys(r["media_id"] for r in rows):
            status = "completed" if types.get(media_id) != "Series" else "watching"
            current = mine.get(media_id, {}).get("status")
            if media_id not in watchlist and current in (None, "plan_to_watch"):
                changes.watchlist.append({"media_id": media_id, "status": status, "added_at": None})

    def conflicts(self, choices: dict[Identity, int] | None = None) -> list[Conflict]:
        return self._compare(choices, "keep_mine")[1]

    def changes(self, choices: dict[Identity, int] | None = None, policy: str = "keep_newer") -> Changes:
        return self._compare(choices, policy)[0]

    def plan_problems(self, choices: dict[Identity, int] | None = None) -> list[Problem]:
        return self._compare(choices, "keep_mine")[2]

    def _compare(self, choices, policy: str) -> tuple[Changes, list[Conflict], list[Problem]]:
        if policy not in POLICIES:
            raise ValueError(f"unknown conflict policy {policy!r}")
        reviews, watchlist, playlists, problems = self._desired(self.resolved(choices))
        titles = {c.media_id: c.title for m in self.matches.values() for c in m.candidates}
        changes, conflicts = Changes(), []
        mine_reviews = self.existing["reviews"]
        for media_id, want in reviews.items():
            mine = mine_reviews.get(media_id)
            # A review without a rating keeps the rating the user has (None: it is imported without stars).
            rating = want["rating"] if want["rating"] is not None else (mine["rating"] if mine else None)
            text = want["text"] if want["text"] is not None else (mine["review_text"] if mine else "")
            spoilers = want["spoilers"] if want["text"] is not None else bool(mine and mine["contains_spoilers"])
            row = {"media_id": media_id, "rating": rating, "review_text": text, "contains_spoilers": spoilers,
                   "created_at": want["when"]}
            if mine is None:
                changes.reviews.append(row)
                continue
            if (mine["rating"], mine["review_text"], bool(mine["contains_spoilers"])) == (rating, text, spoilers):
                changes.unchanged["ratings and reviews"] += 1
                continue
            conflict = Conflict("rating", media_id, titles.get(media_id, f"#{media_id}"),
                                _show_review(mine["rating"], mine["review_text"]), _show_review(rating, text),
                                mine["updated_at"], want["when"])
            conflicts.append(conflict)
            if conflict.file_wins(policy):
                changes.reviews.append(row)
            else:
                changes.kept_mine["ratings and reviews"] += 1
        self._watches(choices, changes, watchlist, problems)
        mine_watchlist = self.existing["watchlist"]
        for media_id, want in watchlist.items():
            mine = mine_watchlist.get(media_id)
            row = {"media_id": media_id, "status": want["status"], "added_at": want["when"]}
            if mine is None:
                changes.watchlist.append(row)
            elif mine["status"] == want["status"]:
                changes.unchanged["watchlist"] += 1
            else:
                conflict = Conflict("watchlist", media_id, titles.get(media_id, f"#{media_id}"),
                                    mine["status"], want["status"], mine["updated_at"], want["when"])
                conflicts.append(conflict)
                if conflict.file_wins(policy):
                    changes.watchlist.append(row)
                else:
                    changes.kept_mine["watchlist"] += 1
        mine_playlists = self.existing["playlists"]
        for want in playlists:
            mine = mine_playlists.get(want["name"].casefold())
            if mine is None:
                changes.playlists.append({"playlist_id": None, "name": want["name"], "description": want["description"],
                                          "created_at": want["when"], "items": list(enumerate(want["items"], 1))})
                continue
            items = _merged_order(want["items"], mine["items"])
            same_items = items == list(enumerate(mine["items"], 1))
            same_text = want["description"] is None or want["description"] == mine["description"]
            if same_items and same_text:
                changes.unchanged["playlists"] += 1
                continue
            added = len(set(want["items"]) - set(mine["items"]))
            conflict = Conflict("playlist", mine["name"], mine["name"],
                                f"{len(mine['items'])} titles", f"{len(want['items'])} titles ({added} not in yours)"
                                + ("" if same_text else ", another description"), mine["changed_at"], want["when"])
            conflicts.append(conflict)
            if conflict.file_wins(policy):
                current = {m: p for p, m in enumerate(mine["items"], 1)}
                changes.playlists.append({
                    "playlist_id": mine["playlist_id"], "name": mine["name"],
                    "description": None if same_text else want["description"], "created_at": None,
                    "items": [(p, m) for p, m in items if current.get(m) != p]})
            else:
                changes.kept_mine["playlists"] += 1
        return changes, conflicts, problems


def _show_review(rating: int | None, text: str | None) -> str:
    text = (text or "").strip()
    return ("no rating" if rating is None else f"{rating}/10") + (
        f", “{text[:60]}{'…' if len(text) > 60 else ''}”" if text else "")


def _merged_order(file_items: list[int], my_items: list[int]) -> list[tuple[int, int]]:
    """The file's titles first in the file's order, then the user's other titles in their order: taking the
    file's list never drops a title the user added. [(position, media_id)]."""
    order = list(file_items) + [m for m in my_items if m not in set(file_items)]
    return list(enumerate(order, 1))


def _existing(username: str, conn) -> dict[str, Any]:
    reviews = {r["media_id"]: r for r in repo.user_reviews(conn, username)}
    watchlist = {r["media_id"]: r for r in repo.user_watchlist(conn, username)}
    playlists: dict[str, dict] = {}
    for row in repo.user_playlists(conn, username):
        entry = playlists.setdefault(row["name"].casefold(), {
            "playlist_id": row["playlist_id"], "name": row["name"], "description": row["description"],
            "changed_at": row["created_at"], "items": []})
        if row["media_id"] is not None:
            entry["items"].append(row["media_id"])
            entry["changed_at"] = max(entry["changed_at"], row["added_at"])
    return {"reviews": reviews, "watchlist": watchlist, "playlists": playlists,
            "watches": repo.user_watch_events(conn, username)}


def build(parsed: Parsed, username: str, catalog: Catalog | None = None) -> Preview:
    """Match the file's titles and read what the user has: at most seven statements, whatever the file."""
    catalog = catalog or load_catalog(parsed.records)
    matches = match_all(parsed.records, catalog)
    lines: dict[Identity, TitleLine] = {}
    for record in parsed.records:
        ident = identity(record)
        line = lines.get(ident)
        if line is None:
            line = lines[ident] = TitleLine(ident, record.title, record.year, record.media_type, matches[ident],
                                            Counter(), f"{record.file} row {record.row}")
        line.kinds[record.kind] += 1
    with read() as conn:
        existing = _existing(username, conn)
    return Preview(parsed, username, list(lines.values()), matches, list(parsed.problems), existing,
                   catalog.episodes, parsed.notes + catalog.notes)
