"""Writing a previewed import: in batches, each one transaction, with a report of what was written.

A batch that fails rolls back whole and the import stops there; the report says which batch, what it held
and why. Every row written is one the preview found different from the account, so running the same file
again writes nothing new and picks up after a stop where it left off. The import_batches row is updated
inside each batch's transaction, so it never claims a batch that was rolled back.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError

from core.history_import.matching import Identity
from core.history_import.preview import Changes, Preview
from db import history_import as repo
from db.engine import run_in_transaction
from db.errors import DatabaseUnavailable, DataRuleError

BATCH_ROWS = 500


@dataclass(slots=True)
class Report:
    batch_id: int | None
    batches_total: int
    batches_done: int = 0
    written: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    kept_mine: Counter = field(default_factory=Counter)
    not_matched: int = 0
    stopped: str | None = None

    def lines(self) -> list[str]:
        out = []
        if self.written:
            out.append("Written: " + ", ".join(f"{n:,} {k}" for k, n in self.written.items()) + ".")
        else:
            out.append("Nothing to write: the account already holds everything this file says.")
        if self.unchanged:
            out.append("Already the same: " + ", ".join(f"{n:,} {k}" for k, n in self.unchanged.items()) + ".")
        if self.kept_mine:
            out.append("Kept yours (conflict policy): " + ", ".join(f"{n:,} {k}" for k, n in self.kept_mine.items())
                       + ".")
        if self.not_matched:
            out.append(f"{self.not_matched:,} titles were not imported: not in the catalog, or ambiguous and "
                       "not chosen.")
        if self.stopped:
            out.append(self.stopped)
        return out


def _units(changes: Changes) -> list[tuple[str, object, int]]:
    """(kind, payload, rows) in write order; a playlist is one unit with all its items, never split."""
    units = [("watch", r, 1) for r in changes.watches]
    units += [("review", r, 1) for r in changes.reviews] + [("watchlist", r, 1) for r in changes.watchlist]
    units += [("playlist", p, max(1, len(p["items"]))) for p in changes.playlists]
    return units


def _batches(units: list, size: int) -> list[list]:
    batches, current, rows = [], [], 0
    for unit in units:
        current.append(unit)
        rows += unit[2]
        if rows >= size:
            batches.append(current)
            current, rows = [], 0
    if current:
        batches.append(current)
    return batches


def _describe(batch: list) -> str:
    kinds = Counter(kind for kind, _, _ in batch)
    return ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in kinds.items())


def _write(conn, username: str, batch: list, batch_id: int) -> Counter:
    watches = [p for k, p, _ in batch if k == "watch"]
    reviews = [p for k, p, _ in batch if k == "review"]
    watchlist = [p for k, p, _ in batch if k == "watchlist"]
    if reviews:
        # Every title the batch rates or watches, locked in id order before the first write: a watch event's
        # insert takes a shared lock on its title, and upgrading it for the rating while a rater (or another
        # import) waited for the same title deadlocked (issue 14, part 6). A batch without ratings only ever
        # holds shared locks: it needs none.
        repo.lock_titles(conn, [r["media_id"] for r in reviews] + [w["media_id"] for w in watches])
    repo.insert_watch_events(conn, username, watches, batch_id)
    repo.upsert_reviews(conn, username, reviews)
    repo.upsert_watchlist(conn, username, watchlist)
    written = Counter({"watches": len(watches), "ratings and reviews": len(reviews),
                       "watchlist entries": len(watchlist)})
    items = []
    playlists = [p for k, p, _ in batch if k == "playlist"]
    existing = repo.owned_playlist_ids(conn, username, [p["playlist_id"] for p in playlists if p["playlist_id"]])
    for playlist in playlists:
        playlist_id = playlist["playlist_id"]
        if playlist_id is None:
            playlist_id = repo.create_playlist(conn, username, playlist["name"], playlist["description"],
                                               playlist["created_at"])
            written["playlists"] += 1
        elif playlist_id not in existing:
            raise DataRuleError(f"The playlist '{playlist['name']}' was deleted while the import ran.")
        elif playlist["description"] is not None:
            repo.set_playlist_description(conn, username, playlist_id, playlist["description"])
            written["playlist descriptions"] += 1
        items += [{"playlist_id": playlist_id, "media_id": m, "position": p, "added_at": None}
                  for p, m in playlist["items"]]
    repo.put_playlist_items(conn, items)
    written["playlist items"] += len(items)
    repo.batch_saved(conn, batch_id, sum(written.values()))
    return +written


def commit(preview: Preview, file_name: str, data: bytes, choices: dict[Identity, int] | None = None,
           policy: str = "keep_newer", progress: Callable[[int, int], None] | None = None,
           batch_rows: int = BATCH_ROWS) -> Report:
    """Write what the preview found to change, as preview.username. progress(done, total) after each batch."""
    username = preview.username
    changes = preview.changes(choices, policy)
    batches = _batches(_units(changes), batch_rows)
    resolved = preview.resolved(choices)
    report = Report(None, len(batches), unchanged=changes.unchanged, kept_mine=changes.kept_mine,
                    not_matched=sum(1 for ident in preview.matches if ident not in resolved))
    report.batch_id = run_in_transaction(username, lambda conn: repo.start_batch(
        conn, username, preview.parsed.source, file_name, hashlib.sha256(data).hexdigest(), policy,
        len(preview.parsed.records), len(batches)))
    for number, batch in enumerate(batches, start=1):
        try:
            written = run_in_transaction(username, lambda conn, b=batch: _write(conn, username, b, report.batch_id))
        except (DataRuleError, DatabaseUnavailable, DBAPIError) as exc:
            reason = str(exc) if not isinstance(exc, DBAPIError) else str(exc.orig)
            report.stopped = (f"Stopped at batch {number} of {len(batches)} ({_describe(batch)}): {reason} "
                              f"Batches 1-{number - 1} are saved; batch {number} was rolled back whole. Importing "
                              "the same file again continues from there (nothing saved is written twice)."
                              if number > 1 else
                              f"Stopped at batch 1 of {len(batches)} ({_describe(batch)}): {reason} Nothing was "
                              "written.")
            break
        report.batches_done = number
        report.written.update(written)
        if progress:
            progress(number, len(batches))
    run_in_transaction(username, lambda conn: repo.finish_batch(conn, report.batch_id, report.stopped))
    return report

