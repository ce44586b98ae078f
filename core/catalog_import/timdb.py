"""TIMDB, The Indian Movie Database (https://github.com/pncnmnp/TIMDB, MIT): Bollywood films 1950-2019 in
three period folders (bollywood.csv with posters, bollywood_meta.csv, bollywood_ratings.csv,
bollywood_text.csv) and 1950-2019/ with directors and writers by IMDb person id. A few thousand films: each
file is read whole, then upserted in batches like any import.
"""
from __future__ import annotations

import re
from pathlib import Path

from core import catalog_rules as rules
from core.catalog_import.files import ImportFailed, Table
from core.catalog_import.session import ImportSession
from db import catalog_import as repo

PHASES = ["titles", "credits", "people", "merge-credits"]
PERIODS = ("1950-1989", "1990-2009", "2010-2019")
NULL = "\\N"
TITLE_ID = re.compile(r"^tt[0-9]{5,10}$")
PERSON_ID = re.compile(r"^nm[0-9]{5,10}$")
FIELDS = ("title", "original_title", "original_language", "description", "release_year", "media_type",
          "runtime_minutes", "poster_image_url", "imdb_rating", "imdb_votes")


def find_files(directory: Path) -> dict[str, Path]:
    found = {}
    for period in PERIODS:
        for name in ("bollywood", "bollywood_meta", "bollywood_ratings", "bollywood_text"):
            path = directory / period / f"{name}.csv"
            if path.is_file():
                found[f"{period}/{name}"] = path
    for name in ("bollywood_crew", "bollywood_crew_data", "bollywood_writers_data"):
        path = directory / "1950-2019" / f"{name}.csv"
        if path.is_file():
            found[f"1950-2019/{name}"] = path
    if not any(k.endswith("/bollywood_meta") for k in found):
        raise ImportFailed(f"{directory} has no */bollywood_meta.csv: point --format timdb at TIMDB's top folder "
                           f"(the one holding 1950-1989/, 1990-2009/, 2010-2019/).")
    return found


def _read(path: Path, columns: tuple[str, ...], session: ImportSession) -> dict[str, dict]:
    """{imdb_id: {column: value}} of a TIMDB file (later rows win)."""
    rows = {}
    with Table(path, columns, dialect="csv") as table:
        for line, row in table:
            if len(row) != table.width:
                session.report.note(f"{path.parent.name}/{path.name}: a row with {len(row)} fields, not "
                                    f"{table.width}", f"line {line}")
                continue
            record = {c: row[table.index[c]] for c in columns}
            rows[record[columns[0]]] = record
            session.report.rows_read += 1
    return rows


def _number(text: str | None, kind=int):
    if not text or text == NULL:
        return None
    try:
        return kind(text)
    except ValueError:
        return None


def _titles(session: ImportSession, files: dict[str, Path]) -> list[tuple]:
    meta, posters, ratings, texts = {}, {}, {}, {}
    for period in PERIODS:
        if path := files.get(f"{period}/bollywood_meta"):
            meta.update(_read(path, ("imdb_id", "title", "original_title", "year_of_release", "runtime", "genres"),
                              session))
        if path := files.get(f"{period}/bollywood"):
            posters.update(_read(path, ("imdb_id", "poster_path"), session))
        if path := files.get(f"{period}/bollywood_ratings"):
            ratings.update(_read(path, ("imdb_id", "imdb_rating", "imdb_votes"), session))
        if path := files.get(f"{period}/bollywood_text"):
            texts.update(_read(path, ("imdb_id", "story"), session))
    rows = []
    for imdb_id in sorted(meta):
        m = meta[imdb_id]
        title = (m["title"] or "").strip()
        if not TITLE_ID.match(imdb_id):
            session.report.note("TIMDB: not an IMDb title id", imdb_id[:20], "titles")
            continue
        if not title or title == NULL or len(title) > rules.TITLE_MAX:
            session.report.note(f"TIMDB: a title that is empty or longer than {rules.TITLE_MAX} characters",
                                imdb_id, "titles")
            continue
        year = _number(m["year_of_release"])
        if year is not None and rules.within(year, rules.YEARS) is None:
            session.report.note("a year outside 1888-2100, stored as unknown", f"{imdb_id}, {year}")
        rating = ratings.get(imdb_id, {})
        score = _number(rating.get("imdb_rating"), float)
        story = texts.get(imdb_id, {}).get("story")
        original = m["original_title"] if m["original_title"] not in (NULL, title, "") else None
        values = (title, rules.cut(original, rules.TITLE_MAX), "hi",
                  rules.cut(story, rules.DESCRIPTION_MAX) if story != NULL else None,
                  rules.within(year, rules.YEARS), "Movie", rules.within(_number(m["runtime"]), rules.RUNTIMES),
                  rules.web_url(posters.get(imdb_id, {}).get("poster_path")),
                  score if score is not None and 1 <= score <= 10 else None, _number(rating.get("imdb_votes")))
        genres = tuple(rules.cut(g, rules.GENRE_MAX) for g in (m["genres"] or "").split("|") if g and g != NULL)
        rows.append((imdb_id, values, genres))
    return rows


def run(session: ImportSession, files: dict[str, Path]) -> None:
    if (position := session.phase("titles")) is not None:
        rows = _titles(session, files)
        session.progress.start("TIMDB titles", len(rows))
        for start in range(position, len(rows), session.batch_rows):
            batch = rows[start:start + session.batch_rows]
            session.upsert_titles(FIELDS, batch)
            session.commit_batch(start + len(batch))
            session.progress.update(start + len(batch), len(batch))
        session.progress.finish()
    crew_file = files.get("1950-2019/bollywood_crew")
    if crew_file is None:
        return
    if session.phase("credits") is not None:
        crew = _read(crew_file, ("imdb_id", "directors", "writers"), session)
        staged = [(imdb_id, person, "crew", role, None, 0)
                  for imdb_id, row in sorted(crew.items()) if TITLE_ID.match(imdb_id)
                  for column, role in (("directors", "Director"), ("writers", "Writer"))
                  for person in dict.fromkeys((row[column] or "").split("|")) if PERSON_ID.match(person)]
        session.stage_credits(staged)
        session.commit_batch(len(staged))
    if session.phase("people") is not None:
        people = {}
        for name in ("bollywood_crew_data", "bollywood_writers_data"):
            if path := files.get(f"1950-2019/{name}"):
                for person_id, row in _read(path, ("crew_id", "name"), session).items():
                    person = rules.cut(row["name"], rules.NAME_MAX) if row["name"] != NULL else None
                    if PERSON_ID.match(person_id) and person:
                        people[person_id] = person
        rows = sorted(people.items())
        for start in range(0, len(rows), session.batch_rows):
            session.upsert_people(rows[start:start + session.batch_rows])
        session.commit_batch(len(rows))
    if (position := session.phase("merge-credits")) is not None:
        session.merge_staged("import_stage_credits", repo.merge_credits, "credits", "merging credits", position)
