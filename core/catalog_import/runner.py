"""`manage.py import-catalog`: pick the importer for a format, resume an interrupted run of the same files,
hold the import lock, run it in bulk mode on one connection, and return the report.

A run is identified by its format, its files (path, size, modification time) and its options. The same
command after an interruption resumes at the phase and row the last committed batch reached; the same
command after a finished run imports again, updating what changed and counting the rest unchanged.

Formats: imdb and timdb live here, run in checkpointed phases; movielens (core/catalog_import/movielens.py,
a 9,742-title catalog that loads in seconds) is one pass that needs no checkpoint: it is idempotent, so an
interrupted run is simply run again.
"""
from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import DBAPIError

from core.catalog_import import imdb, timdb
from core.catalog_import.files import ImportFailed
from core.catalog_import.movielens import MovieLensFormatError, import_movielens
from core.catalog_import.progress import Progress
from core.catalog_import.report import Report
from core.catalog_import.session import BATCH_ROWS, ImportSession
from db import bulk, engine
from db import catalog_import as repo
from db.errors import readable

FORMATS = ("imdb", "timdb", "movielens")


@dataclass
class Outcome:
    report: Report
    resumed_from: str | None  # "phase at row N" when an interrupted run was resumed


def _import_movielens(source: Path) -> Outcome:
    """movies.csv with links.csv, in one idempotent pass (titles by IMDb id, genres brought to the file's)."""
    with engine.get_engine().connect() as conn:
        if not repo.acquire_lock(conn):
            raise ImportFailed("Another catalog import is running on this database; wait for it to finish.")
        try:
            done = import_movielens(conn, source)
        except MovieLensFormatError as exc:
            raise ImportFailed(str(exc)) from exc
        finally:
            repo.release_lock(conn)
            conn.commit()
    report = Report(rows_read=done.inserted + done.updated + done.unchanged + len(done.skipped))
    report.add("titles", added=done.inserted, updated=done.updated, unchanged=done.unchanged)
    report.add("genres", added=done.genres_created)
    for line in done.skipped:
        report.note(line.split(": ", 1)[-1], line, "titles")
    return Outcome(report, None)


def _publish(session: ImportSession) -> None:
    """After a failed batch: the search indexes learn of the batches committed before it. A connection that
    is gone cannot tell them, and must not hide the failure that ended the run."""
    with suppress(DBAPIError):
        session.publish_changes()
        session.conn.commit()


def _run_key(fmt: str, files: dict[str, Path], options: dict) -> str:
    identity = [fmt, sorted((k, str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns) for k, p in files.items()),
                options]
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def run_import(fmt: str, source: Path, *, title_types: tuple[str, ...] = imdb.DEFAULT_TYPES, min_votes: int = 0,
               include_adult: bool = False, batch_rows: int = BATCH_ROWS,
               progress_stream: TextIO | None = sys.stderr) -> Outcome:
    if fmt not in FORMATS:
        raise ImportFailed(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if batch_rows < 1:
        raise ImportFailed("--batch must be at least 1.")
    if min_votes < 0:
        raise ImportFailed("--min-votes cannot be negative.")
    if not source.exists():
        raise ImportFailed(f"{source}: no such file or directory.")
    options: dict = {}
    if fmt == "imdb":
        imdb.check_types(title_types)
        files = imdb.find_files(source)
        options = {"types": sorted(title_types), "min_votes": min_votes, "adult": include_adult}
        phases = imdb.PHASES
    elif fmt == "timdb":
        files = timdb.find_files(source)
        phases = timdb.PHASES
    else:
        return _import_movielens(source)
    run_key = _run_key(fmt, files, options)

    # New rows go in with LOAD DATA LOCAL INFILE from files spooled in a private folder, the only one this
    # connection may read from (db.catalog_import.Writer; multi-row INSERTs where the server refuses).
    with tempfile.TemporaryDirectory(prefix="streamsync-import-") as spool, \
            engine.default().local_files_connection(Path(spool)) as conn:
        if not repo.acquire_lock(conn):
            raise ImportFailed("Another catalog import is running on this database; wait for it to finish.")
        try:
            unfinished = repo.unfinished_run(conn)
            resumed = None
            if unfinished and unfinished["run_key"] == run_key:
                phase, position = unfinished["phase"], unfinished["position"]
                report = Report.from_json(unfinished["report"])
                resumed = f"{phase} at row {position:,}"
            else:
                phase, position, report = phases[0], 0, Report()
                repo.start_run(conn, run_key, fmt, str(source), phase)
                repo.clear_stages(conn)
            conn.commit()
            session = ImportSession(repo.Writer(conn, Path(spool)), run_key, phases, phase, position, report,
                                    Progress(progress_stream), batch_rows)
            with bulk.bulk_session(conn):
                try:
                    if fmt == "imdb":
                        imdb.run(session, imdb.Options(title_types, min_votes, include_adult, batch_rows, files))
                    else:
                        timdb.run(session, files)
                    session.wait()
                except (DBAPIError, repo.LoadIncomplete) as exc:
                    session.settle()
                    conn.rollback()
                    _publish(session)
                    if isinstance(exc, DBAPIError):
                        errno = getattr(exc.orig, "errno", None)
                        message = readable(errno, getattr(exc.orig, "msg", None) or str(exc.orig))
                    else:
                        message = f"{exc}."
                    raise ImportFailed(f"The database refused a batch in phase {session.current}: {message} Every "
                                       f"batch before it is saved: fix the cause and run the same command again to "
                                       f"resume.") from exc
                except BaseException:
                    session.settle()
                    conn.rollback()  # the batch in progress; every committed one stays, with its checkpoint
                    _publish(session)
                    raise
                finally:
                    session.close()
                repo.finish_run(conn, run_key, report.to_json())
                session.publish_changes()
                conn.commit()
                repo.truncate_stages(conn)
            return Outcome(report, resumed)
        finally:
            repo.release_lock(conn)
            conn.commit()
