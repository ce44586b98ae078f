"""IMDb's non-commercial datasets (https://developer.imdb.com/non-commercial-datasets/): gzip TSV with a
header, `\\N` for null. Streams title.basics (titles; the names of episodes), title.ratings (held in memory as
two numeric arrays, about 12 bytes a rated title), title.episode, title.principals and/or title.crew, and
name.basics, each in batches that commit with their checkpoint.

Phases, in order (a resumed run starts at the one it stopped in, at the row it stopped at):
  titles          title.basics: films and series that pass the filters are upserted; tvEpisode names staged
  episodes        title.episode: episodes of series now in the catalog staged (others skipped, counted)
  merge-episodes  staged episodes merged into episodes by (series, season, number)
  credits         title.principals / title.crew: credits of titles in the catalog staged
  people          name.basics: the credited people upserted
  merge-credits   staged credits merged into media_cast / media_crew
"""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from pathlib import Path

import numpy as np

from core import catalog_rules as rules
from core.catalog_import.files import ImportFailed, Table
from core.catalog_import.report import Report
from core.catalog_import.session import IdSet, ImportSession, imdb_number
from db import catalog_import as repo

FILES = {"basics": "title.basics", "ratings": "title.ratings", "episodes": "title.episode",
         "principals": "title.principals", "crew": "title.crew", "names": "name.basics"}
PHASES = ["titles", "episodes", "merge-episodes", "credits", "people", "merge-credits"]
DEFAULT_TYPES = ("movie", "tvMovie", "tvSeries", "tvMiniSeries")
SERIES_TYPES = {"tvSeries", "tvMiniSeries"}
ALL_TYPES = {"movie", "short", "tvMovie", "tvSeries", "tvMiniSeries", "tvShort", "tvSpecial", "video",
             "videoGame", "tvPilot", "tvEpisode"}
CAST = {"actor", "actress", "self"}
CREW = {"director": "Director", "writer": "Writer", "producer": "Producer", "composer": "Music",
        "cinematographer": "Cinematography", "editor": "Editor"}
NULL = "\\N"
TITLE_ID = re.compile(r"^tt[0-9]{5,10}$")
PERSON_ID = re.compile(r"^nm[0-9]{5,10}$")


@dataclass
class Options:
    title_types: tuple[str, ...] = DEFAULT_TYPES
    min_votes: int = 0
    include_adult: bool = False
    batch_rows: int = 20_000
    files: dict[str, Path] = field(default_factory=dict)


def find_files(directory: Path) -> dict[str, Path]:
    """The dataset files in a directory (name.tsv.gz, or name.tsv unpacked); title.basics is required."""
    if not directory.is_dir():
        raise ImportFailed(f"{directory}: no such directory.")
    found = {}
    for key, stem in FILES.items():
        for candidate in (directory / f"{stem}.tsv.gz", directory / f"{stem}.tsv"):
            if candidate.is_file():
                found[key] = candidate
                break
    if "basics" not in found:
        raise ImportFailed(f"{directory} has no title.basics.tsv.gz (or title.basics.tsv): download IMDb's "
                           f"datasets from https://datasets.imdbws.com/ into it.")
    return found


def check_types(types: tuple[str, ...]) -> None:
    unknown = [t for t in types if t not in ALL_TYPES]
    if unknown:
        raise ImportFailed(f"Unknown IMDb title type {', '.join(unknown)}; known: {', '.join(sorted(ALL_TYPES))}.")


class Ratings:
    """title.ratings as sorted arrays: id number -> (rating, votes)."""

    def __init__(self, path: Path | None, session: ImportSession):
        self.ids = np.zeros(0, np.uint32)
        if path is None:
            return
        # compact arrays while reading: about 1.5 million ratings as Python lists would take over 100 MB
        ids, ratings, votes = array("I"), array("f"), array("I")
        with Table(path, ("tconst", "averageRating", "numVotes")) as table:
            session.progress.start(path.name, table.size)
            i_id, i_rating, i_votes = (table.index[c] for c in ("tconst", "averageRating", "numVotes"))
            for line, row in table:
                try:
                    number, rating, count = imdb_number(row[i_id]), float(row[i_rating]), int(row[i_votes])
                    ids.append(number)
                    votes.append(count)
                except (ValueError, IndexError, OverflowError):  # overflow: a negative or huge number
                    del ids[len(votes):]
                    session.report.note(f"{path.name}: a row that is not a rating", f"line {line}")
                    continue
                ratings.append(rating)
                if len(ids) % 100_000 == 0:
                    session.progress.update(table.done, 100_000)
            session.report.rows_read += table.line - 1
            session.progress.finish()
        numbers = np.frombuffer(ids, dtype=np.uint32) if ids else np.zeros(0, np.uint32)
        order = np.argsort(numbers, kind="stable")
        self.ids = numbers[order]
        self.ratings = np.frombuffer(ratings, dtype=np.float32)[order] if ratings else np.zeros(0, np.float32)
        self.votes = np.frombuffer(votes, dtype=np.uint32)[order] if votes else np.zeros(0, np.uint32)

    def lookup(self, numbers: list[int]) -> list[tuple[float | None, int]]:
        if not len(self.ids):
            return [(None, 0)] * len(numbers)
        wanted = np.asarray(numbers, dtype=np.uint32)
        at = np.searchsorted(self.ids, wanted)
        at[at == len(self.ids)] = 0
        hit = self.ids[at] == wanted
        return [(round(float(self.ratings[a]), 1), int(self.votes[a])) if h else (None, 0)
                for a, h in zip(at.tolist(), hit.tolist(), strict=False)]


def _int(text: str) -> int | None:
    if text == NULL or not text:
        return None
    try:
        return int(text)
    except ValueError:
        return None


def _batches(table: Table, size: int):
    """Rows of a table in lists of `size` (the last may be shorter)."""
    batch = []
    for item in table:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run(session: ImportSession, options: Options) -> None:
    files = options.files
    if options.min_votes and "ratings" not in files:
        raise ImportFailed("--min-votes needs title.ratings.tsv.gz beside title.basics.")
    if (position := session.phase("titles")) is not None:
        # only the titles phase needs the ratings: a run resumed after it does not read them
        ratings = Ratings(files["ratings"], session) if "ratings" in files else None
        _titles(session, options, ratings, position)
    if "episodes" in files and (position := session.phase("episodes")) is not None:
        _episodes(session, options, position)
    if "episodes" in files and (position := session.phase("merge-episodes")) is not None:
        session.merge_staged("import_stage_episodes", repo.merge_episodes, "episodes", "merging episodes", position)
    has_credits = "principals" in files or "crew" in files
    if has_credits and (position := session.phase("credits")) is not None:
        _credits(session, options, position)
    if has_credits and "names" in files and (position := session.phase("people")) is not None:
        _people(session, options, position)
    if has_credits and "names" in files and (position := session.phase("merge-credits")) is not None:
        session.merge_staged("import_stage_credits", repo.merge_credits, "credits", "merging credits", position)


def _titles(session: ImportSession, options: Options, ratings: Ratings | None, position: int) -> None:
    path = options.files["basics"]
    types = set(options.title_types)
    stage_episode_names = "episodes" in options.files
    fields = ("title", "original_title", "release_year", "media_type", "runtime_minutes")
    if ratings is not None:
        fields += ("imdb_rating", "imdb_votes")
    columns = ("tconst", "titleType", "primaryTitle", "originalTitle", "isAdult", "startYear", "runtimeMinutes",
               "genres")
    with Table(path, columns) as table:
        session.progress.start(path.name, table.size)
        table.skip(position)
        fields_of = itemgetter(*(table.index[c] for c in columns))
        name = path.name
        for batch in _batches(table, options.batch_rows):
            kept, episode_names, report = [], [], Report(rows_read=len(batch))
            for line, row in batch:
                if len(row) != table.width:
                    report.note(f"{name}: a line with {len(row)} fields, not {table.width}", f"line {line}", "titles")
                    continue
                tconst, kind, title, original, adult, year, runtime, genres = fields_of(row)
                if not TITLE_ID.match(tconst):
                    report.note(f"{name}: not an IMDb title id", f"line {line}: {tconst[:20]}", "titles")
                elif kind == "tvEpisode":
                    if stage_episode_names and title != NULL and title.strip():
                        episode_names.append((tconst, rules.cut(title, rules.TITLE_MAX),
                                              rules.within(_int(runtime), rules.RUNTIMES)))
                elif kind not in types:
                    report.note(f"title type not imported ({kind})", tconst, "titles")
                elif adult == "1" and not options.include_adult:
                    report.note("adult title (use --include-adult)", tconst, "titles")
                elif title == NULL or not title.strip():
                    report.note(f"{name}: a title without a name", f"line {line}: {tconst}", "titles")
                elif len(title) > rules.TITLE_MAX:
                    report.note(f"{name}: a title longer than {rules.TITLE_MAX} characters", f"line {line}: "
                                f"{tconst}, {len(title):,} characters", "titles")
                else:
                    kept.append((line, tconst, kind, title, original, year, runtime, genres))
            rows = []
            looked_up = ratings.lookup([imdb_number(k[1]) for k in kept]) if ratings is not None else None
            for n, (line, tconst, kind, title, original, year, runtime, genres) in enumerate(kept):
                votes = looked_up[n][1] if looked_up else 0
                if options.min_votes and votes < options.min_votes:
                    report.note(f"fewer than {options.min_votes:,} votes", tconst, "titles")
                    continue
                release = _int(year)
                if year != NULL and rules.within(release, rules.YEARS) is None:
                    report.note("a year outside 1888-2100, stored as unknown", f"line {line}: {tconst}, {year}")
                values = (title.strip(), None if original in (NULL, title) else rules.cut(original, rules.TITLE_MAX),
                          rules.within(release, rules.YEARS), "Series" if kind in SERIES_TYPES else "Movie",
                          rules.within(_int(runtime), rules.RUNTIMES))
                if looked_up is not None:
                    rating = looked_up[n][0]
                    values += (rating if rating is None or 1 <= rating <= 10 else None, votes if rating else None)
                names = tuple(g for g in genres.split(",") if g and g != NULL) if genres != NULL else ()
                rows.append((tconst, values, tuple(rules.cut(g, rules.GENRE_MAX) for g in names)))
            session.submit(table.line - 1, report, partial(session.upsert_titles, fields, rows),
                           partial(repo.stage_episode_titles, session.writer, episode_names))
            session.progress.update(table.done, len(batch))
        session.progress.finish()


def _episodes(session: ImportSession, options: Options, position: int) -> None:
    path = options.files["episodes"]
    series = IdSet(repo.series_imdb_ids(session.conn))
    columns = ("tconst", "parentTconst", "seasonNumber", "episodeNumber")
    with Table(path, columns) as table:
        session.progress.start(path.name, table.size)
        table.skip(position)
        fields_of = itemgetter(*(table.index[c] for c in columns))
        for batch in _batches(table, options.batch_rows):
            good, report = [], Report(rows_read=len(batch))
            for line, row in batch:
                if len(row) != table.width:
                    report.note(f"{path.name}: a line with {len(row)} fields, not {table.width}", f"line {line}",
                                "episodes")
                    continue
                tconst, parent, season, number = fields_of(row)
                if not TITLE_ID.match(tconst) or not TITLE_ID.match(parent):
                    report.note(f"{path.name}: not an IMDb title id", f"line {line}", "episodes")
                    continue
                good.append((line, tconst, parent, season, number))
            known = series.mask([imdb_number(g[2]) for g in good])
            rows = []
            for (line, tconst, parent, season, number), in_catalog in zip(good, known, strict=False):
                season_number, episode_number = _int(season), _int(number)
                if not in_catalog:
                    report.note("an episode of a series not in the catalog (filtered out, or not in title.basics)",
                                f"line {line}: {tconst} of {parent}", "episodes")
                elif season_number is None or episode_number is None:
                    report.note("an episode without a season or episode number", f"line {line}: {tconst}",
                                "episodes")
                elif rules.within(season_number, rules.SEASONS) is None or \
                        rules.within(episode_number, rules.EPISODE_NUMBERS) is None:
                    report.note("a season above 100 or an episode number above 2000", f"line {line}: {tconst}",
                                "episodes")
                else:
                    rows.append((tconst, parent, season_number, episode_number))
            session.submit(table.line - 1, report, partial(repo.stage_episodes, session.writer, rows))
            session.progress.update(table.done, len(batch))
        session.progress.finish()


def _character(text: str) -> str | None:
    """title.principals' characters: a JSON list such as ["Dom Cobb"], or \\N."""
    if text == NULL or not text:
        return None
    inner = text.strip()
    if inner.startswith("[") and inner.endswith("]"):
        parts = [p.strip().strip('"') for p in inner[1:-1].split('","')]
        inner = " / ".join(p for p in parts if p)
    return rules.cut(inner, rules.CHARACTER_MAX)


def _credits(session: ImportSession, options: Options, position: int) -> None:
    """Both files, principals first; position counts rows over both."""
    titles = IdSet(repo.title_imdb_ids(session.conn))
    done = 0
    for key in ("principals", "crew"):
        path = options.files.get(key)
        if path is None:
            continue
        columns = ("tconst", "ordering", "nconst", "category", "characters") if key == "principals" else \
            ("tconst", "directors", "writers")
        with Table(path, columns) as table:
            session.progress.start(path.name, table.size)
            skip = max(position - done, 0)
            table.skip(skip)
            i = [table.index[c] for c in columns]
            fields_of = itemgetter(*i)
            consumed = skip
            for batch in _batches(table, options.batch_rows):
                report = Report(rows_read=len(batch))
                good = [(line, row) for line, row in batch if len(row) == table.width and TITLE_ID.match(row[i[0]])]
                for line, _row in (b for b in batch if len(b[1]) != table.width):
                    report.note(f"{path.name}: a line with the wrong number of fields", f"line {line}",
                                        "credits")
                known = titles.mask([imdb_number(row[i[0]]) for _, row in good])
                rows = []
                for (_line, row), in_catalog in zip(good, known, strict=False):
                    if not in_catalog:
                        continue  # a credit of a title this import left out: not worth a line each
                    if key == "principals":
                        tconst, ordering, nconst, category, characters = fields_of(row)
                        if not PERSON_ID.match(nconst):
                            continue
                        if category in CAST:
                            order = rules.within(_int(ordering), (0, rules.CAST_ORDER_MAX)) or 0
                            rows.append((tconst, nconst, "cast", None, _character(characters), order))
                        elif category in CREW:
                            rows.append((tconst, nconst, "crew", CREW[category], None, 0))
                    else:
                        tconst, directors, writers = fields_of(row)
                        for people, role in ((directors, "Director"), (writers, "Writer")):
                            rows.extend((tconst, n, "crew", role, None, 0) for n in people.split(",")
                                        if PERSON_ID.match(n))
                consumed += len(batch)
                session.submit(done + consumed, report, partial(session.stage_credits, rows))
                session.progress.update(table.done, len(batch))
            session.progress.finish()
            done += table.line - 1


def _people(session: ImportSession, options: Options, position: int) -> None:
    path = options.files["names"]
    credited = IdSet(repo.credited_people(session.conn))
    with Table(path, ("nconst", "primaryName")) as table:
        session.progress.start(path.name, table.size)
        table.skip(position)
        i_id, i_name = table.index["nconst"], table.index["primaryName"]
        for batch in _batches(table, options.batch_rows):
            report = Report(rows_read=len(batch))
            good = [(line, row) for line, row in batch if len(row) == table.width and PERSON_ID.match(row[i_id])]
            known = credited.mask([imdb_number(row[i_id]) for _, row in good])
            rows = []
            for (line, row), wanted in zip(good, known, strict=False):
                if not wanted:
                    continue
                name = rules.cut(row[i_name], rules.NAME_MAX) if row[i_name] != NULL else None
                if name is None:
                    report.note(f"{path.name}: a person without a name", f"line {line}", "people")
                else:
                    rows.append((row[i_id], name))
            session.submit(table.line - 1, report, partial(session.upsert_people, rows))
            session.progress.update(table.done, len(batch))
        session.progress.finish()
