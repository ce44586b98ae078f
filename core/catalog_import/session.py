"""The shared machinery of every catalog importer: one connection in bulk mode, batches that each commit with
their checkpoint, title and people upserts by IMDb id that count what they added, updated or left alone,
and a compact set of IMDb ids for filtering streams without holding them as Python strings.

An importer (imdb.py, timdb.py, or MovieLens's movielens.py) gets an ImportSession and calls:
  session.phase(name)                   -> the position to resume from in that phase (0 for a fresh phase)
  session.upsert_titles(fields, rows)   rows: (imdb_id, (values in `fields` order), genres or None)
  session.upsert_people(rows)           rows: (imdb_id, name)
  session.stage_credits(rows) / merge_staged_credits(), and for IMDb the episode stages
  session.commit_batch(position)        commit the batch with the checkpoint
  session.submit(position, notes, *work) or the same in the background, while the next batch is read
with session.progress for the bar and session.report for the closing table.
"""
from __future__ import annotations

import time
from array import array
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from decimal import Decimal

import numpy as np

from core.catalog_import.progress import Progress
from core.catalog_import.report import Report
from db import catalog_import as repo

# Rows a batch reads: each batch is one transaction with its checkpoint, so larger batches mean fewer commits
# and round trips; 50,000 rows keep a batch's rows (and its undo log) at a few tens of MB.
BATCH_ROWS = 50_000
# catalog_version is bumped at most this often while an import changes titles or names (and once at the
# end): each bump makes every app process rebuild its search index on its next search.
PUBLISH_SECONDS = 60


def imdb_number(imdb_id: str) -> int:
    return int(imdb_id[2:])


class IdSet:
    """IMDb ids (tt…/nm…) as a sorted array of 4-byte numbers: 4 bytes an id where a Python set of strings
    takes about 100, so a few million fit in a few tens of MB. Membership is asked for a batch at once."""

    def __init__(self, ids: Iterable[str]):
        numbers = array("I")
        for imdb_id in ids:
            numbers.append(imdb_number(imdb_id))
        self.sorted = np.unique(np.frombuffer(numbers, dtype=np.uint32)) if numbers else np.zeros(0, np.uint32)

    def __len__(self) -> int:
        return len(self.sorted)

    def mask(self, numbers: list[int]) -> list[bool]:
        if not numbers or not len(self.sorted):
            return [False] * len(numbers)
        wanted = np.asarray(numbers, dtype=np.uint32)
        at = np.searchsorted(self.sorted, wanted)
        at[at == len(self.sorted)] = 0
        return (self.sorted[at] == wanted).tolist()


def _same(old, new) -> bool:
    if isinstance(old, Decimal) and new is not None:
        return old == Decimal(str(new))
    return old == new


class ImportSession:
    def __init__(self, writer: repo.Writer, run_key: str, phases: list[str], start_phase: str,
                 start_position: int, report: Report, progress: Progress, batch_rows: int = BATCH_ROWS):
        self.writer, self.conn, self.run_key, self.phases = writer, writer.conn, run_key, phases
        self.start_phase, self.start_position = start_phase, start_position
        self.report, self.progress, self.batch_rows = report, progress, batch_rows
        self.current = start_phase
        self._genres: dict[str, int] = {}
        self._unpublished = False  # titles or names changed since catalog_version was last bumped
        self._published_at = time.monotonic()
        # per table: [no lookups needed so far, the highest id number this run wrote there] (see _unseen)
        self._fresh: dict[str, list] = {}
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-batches")
        self._pending: Future | None = None

    # --- phases and checkpoints ---------------------------------------------------------------------------

    def phase(self, name: str) -> int | None:
        """Enter phase `name`: the position to resume from, or None when an earlier run finished it."""
        self.wait()  # the last batch of the phase before is committed under that phase's name
        if self.phases.index(name) < self.phases.index(self.start_phase):
            return None
        self.current = name
        return self.start_position if name == self.start_phase else 0

    def commit_batch(self, position: int) -> None:
        """Commit the batch's rows together with the checkpoint that says they are in."""
        repo.save_checkpoint(self.conn, self.run_key, self.current, position, self.report.to_json())
        if self._unpublished and time.monotonic() - self._published_at >= PUBLISH_SECONDS:
            self._publish()
        self.conn.commit()

    # --- batches written in the background ----------------------------------------------------------------

    def submit(self, position: int, notes: Report, *work: Callable[[], object]) -> None:
        """Write a batch on a background thread while the caller reads the next one: the server works while
        Python parses (the connector lets go of the GIL while it waits for the server). The calls in `work`
        run in order on the import's connection, then `notes` (what reading the batch skipped or noted, and
        its rows) joins the report and the batch commits with its checkpoint at `position`. One batch is
        written at a time: this first waits for the one before, and raises what failed there. Between
        submit() and wait() only the background thread touches the connection and the report."""
        self.wait()
        self._pending = self._worker.submit(self._write_batch, position, notes, work)

    def _write_batch(self, position: int, notes: Report, work: tuple[Callable[[], object], ...]) -> None:
        for call in work:
            call()
        self.report.merge(notes)
        self.commit_batch(position)

    def wait(self) -> None:
        """Wait for the batch being written; raise what failed in it."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def settle(self) -> None:
        """After a failure while reading: let the batch being written finish (it commits with its
        checkpoint, or fails and is rolled back by the caller), so the connection is the caller's again."""
        with suppress(BaseException):  # the failure the caller is handling is the one to report
            self.wait()

    def close(self) -> None:
        self.settle()
        self._worker.shutdown()

    def publish_changes(self) -> None:
        """Bump catalog_version for what committed batches changed, if they changed titles or names (the
        triggers that would have skip bulk loads). Inside the caller's transaction."""
        if self._unpublished:
            self._publish()

    def _publish(self) -> None:
        repo.bump_catalog_version(self.conn)
        self._unpublished, self._published_at = False, time.monotonic()

    # --- titles and people --------------------------------------------------------------------------------

    def upsert_titles(self, fields: tuple[str, ...], rows: list[tuple[str, tuple, tuple | None]]) -> None:
        """Add the titles the catalog lacks, update those whose `fields` (or genres, when given) differ,
        leave the rest: three to six statements a batch. A title listed twice in a batch counts once."""
        latest = {imdb_id: (values, genres) for imdb_id, values, genres in rows}
        with_genres = any(genres is not None for _, genres in latest.values())
        existing = {} if self._unseen("media", latest) else repo.existing_titles(self.conn, list(latest), fields,
                                                                                   with_genres)
        new, changed, regenre = [], [], []
        for imdb_id, (values, genres) in latest.items():
            old = existing.get(imdb_id)
            wanted = tuple(sorted({g.lower(): g for g in genres}.values(), key=str.lower)) if genres else ()
            if old is None:
                new.append((imdb_id, *values))
                if wanted:
                    regenre.append((imdb_id, wanted))
                continue
            same = all(_same(old[f], v) for f, v in zip(fields, values, strict=False))
            had = tuple(sorted((old.get("genres") or "").split("|"), key=str.lower)) if old.get("genres") else ()
            genres_same = genres is None or [g.lower() for g in had] == [g.lower() for g in wanted]
            if not same:
                changed.append((imdb_id, *values))
            if not genres_same:
                regenre.append((imdb_id, wanted))
            self.report.add("titles", **({"unchanged": 1} if same and genres_same else {"updated": 1}))
        repo.insert_titles(self.writer, fields, new)
        repo.update_titles(self.conn, fields, changed)
        self.report.add("titles", added=len(new))
        self._unpublished = self._unpublished or bool(new or changed)
        if regenre:
            self._link_genres(regenre, existing)

    def _unseen(self, table: str, imdb_ids: Iterable[str]) -> bool:
        """True when none of imdb_ids can be in `table` yet, so the batch needs no lookup (on a first import,
        at 2 million people, the lookups took as long as the inserts): the table held no IMDb ids when this
        run first wrote to it, and every batch's ids were above all ids before (IMDb's files are sorted by
        id, so this holds for them). The first batch that breaks the order turns lookups on for the rest of
        the run. A title someone adds with the same id while the import runs fails that batch (LOAD DATA
        reports the duplicate); the run resumes with lookups."""
        state = self._fresh.get(table)
        if state is None:
            state = self._fresh[table] = [not repo.has_imdb_ids(self.conn, table), 0]
        numbers = [imdb_number(imdb_id) for imdb_id in imdb_ids]
        if state[0] and numbers and min(numbers) > state[1]:
            state[1] = max(numbers)
            return True
        state[0] = False
        return False

    def _link_genres(self, regenre: list[tuple[str, tuple]], existing: dict[str, dict]) -> None:
        missing = {g for _, genres in regenre for g in genres if g.lower() not in self._genres}
        if missing:
            self._genres.update(repo.genre_ids(self.conn, missing))
        ids = {imdb_id: row["media_id"] for imdb_id, row in existing.items()}
        added = [imdb_id for imdb_id, _ in regenre if imdb_id not in ids]
        ids.update(repo.media_ids(self.conn, added))
        links = sorted({(ids[imdb_id], self._genres[g.lower()]) for imdb_id, genres in regenre for g in genres})
        repo.replace_genres(self.writer, [ids[imdb_id] for imdb_id, _ in regenre if imdb_id in existing], links)

    def upsert_people(self, rows: list[tuple[str, str]]) -> None:
        latest = dict(rows)
        existing = {} if self._unseen("people", latest) else repo.existing_people(self.conn, list(latest))
        new = [(i, n) for i, n in latest.items() if i not in existing]
        renamed = [(i, n) for i, n in latest.items() if i in existing and existing[i] != n]
        repo.insert_people(self.writer, new)
        repo.rename_people(self.conn, renamed)
        self._unpublished = self._unpublished or bool(new or renamed)
        self.report.add("people", added=len(new), updated=len(renamed),
                        unchanged=len(latest) - len(new) - len(renamed))

    # --- staged credits (IMDb and TIMDB refer to people by IMDb id) ----------------------------------------

    def stage_credits(self, rows: list[tuple]) -> None:
        repo.stage_credits(self.writer, rows)

    def merge_staged(self, table: str, merge, entity: str, label: str, position: int) -> None:
        """Merge a staging table into the catalog in seq ranges after `position`, each range committed with
        its checkpoint."""
        low, high = repo.stage_bounds(self.conn, table)
        low = max(low, position + 1)
        self.progress.start(label, max(high - low + 1, 1))
        for start in range(low, high + 1, self.batch_rows):
            end = min(start + self.batch_rows - 1, high)
            counts = merge(self.conn, start, end)
            self.report.add(entity, **counts)
            self.commit_batch(end)
            # seq has gaps (LOAD DATA reserves auto-increment values in blocks): the rows are what merged
            self.progress.update(end - low + 1, sum(counts.values()))
        self.progress.finish()
