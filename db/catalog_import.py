"""SQL of the bulk catalog import (core/catalog_import/): titles and people upserted by IMDb id, new rows
appended with LOAD DATA LOCAL INFILE (Writer), IMDb's episodes and credits staged and merged with set-based
SQL, and the run's checkpoint.

Every function takes the import's connection (or its Writer) and runs inside the batch's transaction; the
caller commits the batch together with its checkpoint.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from db import bulk

# media columns an importer may set (besides imdb_id); each source names the ones it knows, and an update
# touches only those, so IMDb's data never blanks a description TIMDB gave.
TITLE_FIELDS = ("title", "original_title", "original_language", "description", "release_year", "media_type",
                "runtime_minutes", "poster_image_url", "imdb_rating", "imdb_votes", "tmdb_id")
STAGE_TABLES = ("import_stage_episodes", "import_stage_episode_titles", "import_stage_credits")
LOCK_NAME = "streamsync_import_catalog"


# The tables the import appends rows to (LOAD DATA or INSERT); names are never taken from input.
WRITTEN_TABLES = ("media", "media_genres", "people") + STAGE_TABLES


class LoadIncomplete(Exception):
    """LOAD DATA LOCAL turns a bad value or a duplicate key into a warning and goes on: the batch stops
    instead, as a refused INSERT would stop it."""


class Writer:
    """Appends rows to a table inside the batch's transaction. With a spool folder (the connection may read
    local files from it: Database.local_files_connection) the rows go to a TSV file there and into the table
    with LOAD DATA LOCAL INFILE: the server parses that several times faster than a multi-row INSERT and the
    connector has nothing to escape. Without one, or once the server refuses local files (MySQL 8 ships with
    local_infile=OFF), multi-row INSERTs."""

    def __init__(self, conn: Connection, spool: Path | None):
        self.conn, self.spool = conn, spool

    def load(self, table: str, columns: tuple[str, ...], rows: list[tuple], replace: bool = False) -> None:
        """Append rows; replace=True: a row whose key is already there replaces it (a resumed batch staging
        its rows again)."""
        if table not in WRITTEN_TABLES:
            raise ValueError(f"not a table the import writes: {table!r}")
        if not rows:
            return
        if self.spool is not None:
            try:
                self._load_file(table, columns, rows, replace)
                return
            except DBAPIError as exc:
                if getattr(exc.orig, "errno", None) not in bulk.LOCAL_INFILE_REFUSED:
                    raise
                self.spool = None  # refused: INSERTs for the rest of the run
        verb = "REPLACE" if replace else "INSERT"
        self.conn.exec_driver_sql(f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({_marks(len(columns))})",
                                  rows)

    def _load_file(self, table: str, columns: tuple[str, ...], rows: list[tuple], replace: bool) -> None:
        path = self.spool / f"{table}.tsv"
        path.write_text(_tsv(rows, len(columns)), encoding="utf-8", newline="\n")
        try:
            result = self.conn.exec_driver_sql(
                f"LOAD DATA LOCAL INFILE %s {'REPLACE ' if replace else ''}INTO TABLE {table} CHARACTER SET utf8mb4 "
                f"({', '.join(columns)})", (str(path),))
            short = not replace and result.rowcount != len(rows)
            if short or self.conn.exec_driver_sql("SELECT @@warning_count").scalar():
                warnings = self.conn.exec_driver_sql("SHOW WARNINGS LIMIT 3").fetchall()
                raise LoadIncomplete(f"{table} took {result.rowcount:,} of {len(rows):,} rows ("
                                     + ("; ".join(str(w[2]) for w in warnings) or "no warning given") + ")")
        finally:
            path.unlink(missing_ok=True)


def _tsv(rows: list[tuple], width: int) -> str:
    """rows in LOAD DATA's default format. Values from the dataset files hold no tab or line break (they were
    split on those), so the whole text is escaped at once: NULL goes in as NUL, backslashes are doubled,
    then NUL becomes \\N. The counts prove the shortcut safe; any row that would break it (a tab, a line
    break or a NUL inside a value) sends the whole batch through escaping value by value."""
    text = "\n".join(["\t".join(["\x00" if v is None else str(v) for v in row]) for row in rows])
    if (text.count("\t") == len(rows) * (width - 1) and text.count("\n") == len(rows) - 1 and "\r" not in text
            and text.count("\x00") == sum(row.count(None) for row in rows)):
        return text.replace("\\", "\\\\").replace("\x00", "\\N") + "\n"
    return "".join("\t".join(bulk.tsv_field(v) for v in row) + "\n" for row in rows)


def _marks(n: int) -> str:
    return ", ".join(["%s"] * n)


def _check(fields: tuple[str, ...]) -> None:
    unknown = set(fields) - set(TITLE_FIELDS)
    if unknown:
        raise ValueError(f"not an importable media column: {sorted(unknown)}")


# --- titles -----------------------------------------------------------------------------------------------

def existing_titles(conn: Connection, imdb_ids: list[str], fields: tuple[str, ...],
                    with_genres: bool) -> dict[str, dict]:
    """{imdb_id: {media_id, <fields>, genres}} of the titles the catalog has among imdb_ids."""
    _check(fields)
    if not imdb_ids:
        return {}
    genres = (", (SELECT GROUP_CONCAT(g.name ORDER BY g.name SEPARATOR '|') FROM media_genres mg "
              "JOIN genres g ON g.genre_id = mg.genre_id WHERE mg.media_id = m.media_id) AS genres"
              if with_genres else "")
    rows = conn.exec_driver_sql(
        f"SELECT m.media_id, m.imdb_id, {', '.join('m.' + f for f in fields)}{genres} FROM media m "
        f"WHERE m.imdb_id IN ({_marks(len(imdb_ids))})", tuple(imdb_ids)).mappings()
    return {r["imdb_id"]: dict(r) for r in rows}


def insert_titles(writer: Writer, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """rows: (imdb_id, *fields) of titles the catalog does not have; one statement."""
    _check(fields)
    writer.load("media", ("imdb_id", *fields), rows)


def update_titles(conn: Connection, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """rows: (imdb_id, *fields) of titles the catalog has, with new values; one statement."""
    _check(fields)
    if rows:
        updates = ", ".join(f"{f} = VALUES({f})" for f in fields)
        conn.exec_driver_sql(f"INSERT INTO media (imdb_id, {', '.join(fields)}) VALUES ({_marks(len(fields) + 1)}) "
                             f"ON DUPLICATE KEY UPDATE {updates}", rows)


def has_imdb_ids(conn: Connection, table: str) -> bool:
    """Whether any row of media or people has an IMDb id."""
    if table not in ("media", "people"):
        raise ValueError(table)
    return bool(conn.exec_driver_sql(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE imdb_id IS NOT NULL)").scalar())


def media_ids(conn: Connection, imdb_ids: list[str]) -> dict[str, int]:
    if not imdb_ids:
        return {}
    rows = conn.exec_driver_sql(f"SELECT imdb_id, media_id FROM media WHERE imdb_id IN ({_marks(len(imdb_ids))})",
                                tuple(imdb_ids))
    return dict(rows.fetchall())


def genre_ids(conn: Connection, names: set[str]) -> dict[str, int]:
    """Make the genres that are missing; {name: genre_id} for names."""
    if not names:
        return {}
    ordered = sorted(names)
    conn.exec_driver_sql("INSERT INTO genres (name) VALUES (%s) ON DUPLICATE KEY UPDATE genre_id = genre_id",
                         [(n,) for n in ordered])
    rows = conn.exec_driver_sql(f"SELECT name, genre_id FROM genres WHERE name IN ({_marks(len(ordered))})",
                                tuple(ordered))
    return {name.lower(): genre_id for name, genre_id in rows}


def replace_genres(writer: Writer, media: list[int], links: list[tuple[int, int]]) -> None:
    """The genres of the titles in links become exactly those links (media_id, genre_id); `media` are the
    titles among them that may have genres already (the others were added in this batch)."""
    if media:
        writer.conn.exec_driver_sql(f"DELETE FROM media_genres WHERE media_id IN ({_marks(len(media))})",
                                    tuple(media))
    writer.load("media_genres", ("media_id", "genre_id"), links)


def series_imdb_ids(conn: Connection) -> Iterator[str]:
    """The IMDb ids of every series in the catalog, streamed."""
    for row in conn.execution_options(stream_results=True).exec_driver_sql(
            "SELECT imdb_id FROM media WHERE media_type = 'Series' AND imdb_id IS NOT NULL"):
        yield row[0]


def title_imdb_ids(conn: Connection) -> Iterator[str]:
    for row in conn.execution_options(stream_results=True).exec_driver_sql(
            "SELECT imdb_id FROM media WHERE imdb_id IS NOT NULL"):
        yield row[0]


# --- people -----------------------------------------------------------------------------------------------

def existing_people(conn: Connection, imdb_ids: list[str]) -> dict[str, str]:
    """{imdb_id: name} of the people the catalog has among imdb_ids."""
    if not imdb_ids:
        return {}
    rows = conn.exec_driver_sql(f"SELECT imdb_id, name FROM people WHERE imdb_id IN ({_marks(len(imdb_ids))})",
                                tuple(imdb_ids))
    return dict(rows.fetchall())


def insert_people(writer: Writer, rows: list[tuple[str, str]]) -> None:
    """rows: (imdb_id, name) of people the catalog does not have."""
    writer.load("people", ("imdb_id", "name"), rows)


def rename_people(conn: Connection, rows: list[tuple[str, str]]) -> None:
    if rows:
        conn.exec_driver_sql("INSERT INTO people (imdb_id, name) VALUES (%s, %s) "
                             "ON DUPLICATE KEY UPDATE name = VALUES(name)", rows)


def credited_people(conn: Connection) -> Iterator[str]:
    for row in conn.execution_options(stream_results=True).exec_driver_sql(
            "SELECT DISTINCT nconst FROM import_stage_credits"):
        yield row[0]


# --- staging ----------------------------------------------------------------------------------------------

def clear_stages(conn: Connection) -> None:
    """Empty the staging tables inside the caller's transaction (a new run starts on nothing staged)."""
    for table in STAGE_TABLES:
        conn.exec_driver_sql(f"DELETE FROM {table}")


def truncate_stages(conn: Connection) -> None:
    """Empty the staging tables at once after a finished run was committed. TRUNCATE commits by itself, which
    is harmless then, and frees millions of staged rows in a moment where DELETE took seconds; should it not
    happen, the next run's clear_stages deletes them."""
    for table in STAGE_TABLES:
        conn.exec_driver_sql(f"TRUNCATE TABLE {table}")


def stage_episode_titles(writer: Writer, rows: list[tuple]) -> None:
    """rows: (tconst, title, runtime_minutes); a resumed batch may stage a row again."""
    writer.load("import_stage_episode_titles", ("tconst", "title", "runtime_minutes"), rows, replace=True)


def stage_episodes(writer: Writer, rows: list[tuple]) -> None:
    """rows: (tconst, parent, season_number, episode_number)."""
    writer.load("import_stage_episodes", ("tconst", "parent", "season_number", "episode_number"), rows)


def stage_credits(writer: Writer, rows: list[tuple]) -> None:
    """rows: (tconst, nconst, kind, role, character_name, cast_order)."""
    writer.load("import_stage_credits", ("tconst", "nconst", "kind", "role", "character_name", "cast_order"), rows)


def stage_bounds(conn: Connection, table: str) -> tuple[int, int]:
    if table not in STAGE_TABLES:
        raise ValueError(table)
    low, high = conn.exec_driver_sql(f"SELECT COALESCE(MIN(seq), 1), COALESCE(MAX(seq), 0) FROM {table}").one()
    return int(low), int(high)


def merge_episodes(conn: Connection, low: int, high: int) -> dict[str, int]:
    """Staged episodes with seq in [low, high] into episodes (by series, season and number): counts of
    added, updated, unchanged and skipped (the series is not in the catalog, or is a film)."""
    where = "e.seq BETWEEN %s AND %s"
    source = f"""FROM import_stage_episodes e
                 JOIN media m ON m.imdb_id = e.parent AND m.media_type = 'Series'
                 LEFT JOIN import_stage_episode_titles t ON t.tconst = e.tconst
                WHERE {where}"""
    staged, matched, existing, changed = conn.exec_driver_sql(
        f"""SELECT (SELECT COUNT(*) FROM import_stage_episodes e WHERE {where}),
                   COUNT(*), COUNT(x.episode_id),
                   SUM(x.episode_id IS NOT NULL AND NOT (
                       CAST(x.title AS BINARY) <=> CAST(COALESCE(t.title, CONCAT('Episode ', e.episode_number))
                                                         AS BINARY)
                       AND x.runtime_minutes <=> t.runtime_minutes))
              FROM import_stage_episodes e
              JOIN media m ON m.imdb_id = e.parent AND m.media_type = 'Series'
              LEFT JOIN import_stage_episode_titles t ON t.tconst = e.tconst
              LEFT JOIN episodes x ON x.media_id = m.media_id AND x.season_number = e.season_number
                                  AND x.episode_number = e.episode_number
             WHERE {where}""", (low, high, low, high)).one()
    # The join keeps series only, so the guard trigger's per-row lookup of the series is skipped (0012).
    conn.exec_driver_sql("SET @streamsync_series_checked = 1")
    try:
        conn.exec_driver_sql(
            f"""INSERT INTO episodes (media_id, season_number, episode_number, title, runtime_minutes)
                SELECT m.media_id, e.season_number, e.episode_number,
                       COALESCE(t.title, CONCAT('Episode ', e.episode_number)), t.runtime_minutes {source}
                ON DUPLICATE KEY UPDATE title = VALUES(title), runtime_minutes = VALUES(runtime_minutes)""",
            (low, high))
    finally:
        conn.exec_driver_sql("SET @streamsync_series_checked = NULL")
    return {"added": matched - existing, "updated": int(changed or 0), "unchanged": existing - int(changed or 0),
            "skipped": staged - matched}


def merge_credits(conn: Connection, low: int, high: int) -> dict[str, int]:
    """Staged credits with seq in [low, high] into media_cast / media_crew: counts as merge_episodes gives
    (skipped: the person is not in the catalog)."""
    counts = {"added": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    staged = conn.exec_driver_sql("SELECT COUNT(*) FROM import_stage_credits WHERE seq BETWEEN %s AND %s",
                                  (low, high)).scalar()
    joined = """FROM import_stage_credits c
                JOIN media m ON m.imdb_id = c.tconst
                JOIN people p ON p.imdb_id = c.nconst
               WHERE c.seq BETWEEN %s AND %s"""
    matched, existing, changed = conn.exec_driver_sql(
        """SELECT COUNT(*), COUNT(x.media_id),
                   SUM(x.media_id IS NOT NULL AND NOT (CAST(x.character_name AS BINARY) <=> CAST(c.character_name
                       AS BINARY) AND x.cast_order <=> c.cast_order))
              FROM import_stage_credits c JOIN media m ON m.imdb_id = c.tconst JOIN people p ON p.imdb_id = c.nconst
              LEFT JOIN media_cast x ON x.media_id = m.media_id AND x.person_id = p.person_id
             WHERE c.seq BETWEEN %s AND %s AND c.kind = 'cast'""", (low, high)).one()
    conn.exec_driver_sql(
        f"""INSERT INTO media_cast (media_id, person_id, character_name, cast_order)
            SELECT m.media_id, p.person_id, c.character_name, c.cast_order {joined} AND c.kind = 'cast'
            ON DUPLICATE KEY UPDATE character_name = VALUES(character_name), cast_order = VALUES(cast_order)""",
        (low, high))
    crew_matched, crew_existing = conn.exec_driver_sql(
        """SELECT COUNT(*), COUNT(x.media_id) FROM import_stage_credits c
              JOIN media m ON m.imdb_id = c.tconst JOIN people p ON p.imdb_id = c.nconst
              LEFT JOIN media_crew x ON x.media_id = m.media_id AND x.person_id = p.person_id AND x.role = c.role
             WHERE c.seq BETWEEN %s AND %s AND c.kind = 'crew'""", (low, high)).one()
    conn.exec_driver_sql(
        f"""INSERT IGNORE INTO media_crew (media_id, person_id, role)
            SELECT m.media_id, p.person_id, c.role {joined} AND c.kind = 'crew'""", (low, high))
    changed = int(changed or 0)
    counts["added"] = (matched - existing) + (crew_matched - crew_existing)
    counts["updated"] = changed
    counts["unchanged"] = existing - changed + crew_existing
    counts["skipped"] = staged - matched - crew_matched
    return counts


def bump_catalog_version(conn: Connection) -> None:
    """Tell the app's search indexes the catalog changed: catalog_version's triggers skip bulk loads (0012)."""
    conn.exec_driver_sql("UPDATE catalog_version SET changes = changes + 1 WHERE id = 1")


# --- the run's checkpoint ---------------------------------------------------------------------------------

def acquire_lock(conn: Connection) -> bool:
    """One import at a time on a database (the staging tables are shared)."""
    return bool(conn.exec_driver_sql("SELECT GET_LOCK(%s, 0)", (LOCK_NAME,)).scalar())


def release_lock(conn: Connection) -> None:
    conn.exec_driver_sql("SELECT RELEASE_LOCK(%s)", (LOCK_NAME,))


def unfinished_run(conn: Connection) -> dict | None:
    row = conn.exec_driver_sql("SELECT run_key, format, source, phase, position, report FROM import_runs "
                               "WHERE status = 'running' ORDER BY updated_at DESC LIMIT 1").mappings().first()
    if row is None:
        return None
    found = dict(row)
    found["report"] = json.loads(found["report"]) if found["report"] else None
    return found


def start_run(conn: Connection, run_key: str, fmt: str, source: str, phase: str) -> None:
    """A fresh run: any other unfinished run is abandoned (its staged rows go)."""
    conn.exec_driver_sql("DELETE FROM import_runs WHERE run_key = %s OR status = 'running'", (run_key,))
    conn.exec_driver_sql("INSERT INTO import_runs (run_key, format, source, phase) VALUES (%s, %s, %s, %s)",
                         (run_key, fmt, source[:500], phase))


def save_checkpoint(conn: Connection, run_key: str, phase: str, position: int, report: dict) -> None:
    conn.exec_driver_sql("UPDATE import_runs SET phase = %s, position = %s, report = %s WHERE run_key = %s",
                         (phase, position, json.dumps(report), run_key))


def finish_run(conn: Connection, run_key: str, report: dict) -> None:
    conn.exec_driver_sql("UPDATE import_runs SET status = 'complete', phase = 'done', report = %s "
                         "WHERE run_key = %s", (json.dumps(report), run_key))
