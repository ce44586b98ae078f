"""MovieLens catalog import: movies.csv + links.csv (GroupLens's "ml-latest-small" or any ml-latest* set) into
media (title, year, IMDb and TMDb ids) and genres.

Idempotent: a film is known by its IMDb id (media.imdb_id is unique), so running it again updates the titles
it made and inserts only what is new; genre links are brought to what the file says. Rows go in through
db/bulk.py (multi-row INSERTs with the per-row audit triggers off), so 10,000 films take seconds; the
counts say what was done. Self-contained: `manage.py import-catalog --format movielens DIR` calls
import_movielens().

The data's licence (GroupLens, research use, no endorsement, cite Harper & Konstan 2015) travels with it:
this module reads the files, it ships none.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Connection

from db import bulk

# "Matrix, The (1999)", "Babylon 5", "Cosmos (1980– )": the year in the last parentheses, when there is one.
_YEAR = re.compile(r"\s*\((\d{4})(?:\s*[–-]\s*(?:\d{4})?\s*)?\)\s*$")
NO_GENRES = "(no genres listed)"
TITLE_MAX = 255
MEDIA_COLUMNS = ("title", "release_year", "media_type", "imdb_id", "tmdb_id")


class MovieLensFormatError(ValueError):
    """The files are not MovieLens's movies.csv / links.csv; the message names the file and what is wrong."""


@dataclass
class MovieLensImport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)   # "movieId 123: why"
    genres_created: int = 0
    genre_links_added: int = 0
    genre_links_removed: int = 0
    media_ids: dict[int, int] = field(default_factory=dict)  # MovieLens movieId -> media_id

    def summary(self) -> str:
        return (f"{self.inserted:,} titles added, {self.updated:,} updated, {self.unchanged:,} unchanged, "
                f"{len(self.skipped):,} skipped; {self.genres_created:,} new genres, "
                f"{self.genre_links_added:,} genre links added, {self.genre_links_removed:,} removed")


@dataclass(frozen=True)
class _Film:
    movie_id: int
    title: str
    year: int | None
    imdb_id: str
    tmdb_id: int | None
    genres: tuple[str, ...]


def split_title(raw: str) -> tuple[str, int | None]:
    """("Matrix, The", 1999) from "Matrix, The (1999)"; a year outside 1888-2100 is dropped."""
    raw = " ".join(raw.split())
    found = _YEAR.search(raw)
    if not found:
        return raw, None
    year = int(found.group(1))
    return raw[:found.start()].strip() or raw, year if 1888 <= year <= 2100 else None


def _csv_rows(path: Path, header: tuple[str, ...]) -> list[dict]:
    if not path.is_file():
        raise MovieLensFormatError(f"{path} is missing (a MovieLens directory holds movies.csv and links.csv)")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ())[:len(header)] != header:
            raise MovieLensFormatError(f"{path.name}: expected the header {','.join(header)}, "
                                       f"found {','.join(reader.fieldnames or ['nothing'])}")
        return list(reader)


def read_films(directory: Path) -> tuple[list[_Film], list[str]]:
    """The films of movies.csv with their links.csv ids, and why any row was skipped."""
    links = {row["movieId"]: row for row in _csv_rows(directory / "links.csv", ("movieId", "imdbId", "tmdbId"))}
    films, skipped, seen_imdb, seen_tmdb = [], [], set(), {""}
    for row in _csv_rows(directory / "movies.csv", ("movieId", "title", "genres")):
        movie_id = row["movieId"]
        link = links.get(movie_id)
        imdb = (link or {}).get("imdbId", "").strip()
        if not movie_id.isdigit():
            skipped.append(f"movieId {movie_id!r}: not a number")
            continue
        if not imdb.isdigit() or len(imdb) > 10:
            skipped.append(f"movieId {movie_id}: no IMDb id in links.csv")
            continue
        imdb_id = "tt" + imdb.zfill(7)
        if imdb_id in seen_imdb:
            skipped.append(f"movieId {movie_id}: IMDb id {imdb_id} already used by another film of the file")
            continue
        title, year = split_title(row["title"])
        if not title:
            skipped.append(f"movieId {movie_id}: empty title")
            continue
        tmdb = (link or {}).get("tmdbId", "").strip()
        if tmdb in seen_tmdb:  # two movieIds share a TMDb id in links.csv: a TMDb id names one film only
            tmdb = ""
        seen_tmdb.add(tmdb)
        genres = tuple(g.strip() for g in row["genres"].split("|") if g.strip() and g.strip() != NO_GENRES)
        seen_imdb.add(imdb_id)
        films.append(_Film(int(movie_id), title[:TITLE_MAX], year, imdb_id,
                           int(tmdb) if tmdb.isdigit() and int(tmdb) < 2**31 else None, genres))
    return films, skipped


def import_movielens(conn: Connection, directory: Path | str) -> MovieLensImport:
    """Import (or re-import) the MovieLens catalog in directory into the database of conn."""
    directory = Path(directory)
    if directory.is_file():  # the path of movies.csv itself
        directory = directory.parent
    films, skipped = read_films(directory)
    outcome = MovieLensImport(skipped=skipped)
    existing = {imdb: (media_id, title, year, tmdb) for media_id, imdb, title, year, tmdb in conn.exec_driver_sql(
        "SELECT media_id, imdb_id, title, release_year, tmdb_id FROM media WHERE imdb_id IS NOT NULL")}
    # A TMDb id another title of the catalog holds already (added from TMDb, say) stays with that title.
    taken = {tmdb: imdb for imdb, (_, _, _, tmdb) in existing.items() if tmdb is not None}
    films = [f if f.tmdb_id is None or taken.get(f.tmdb_id, f.imdb_id) == f.imdb_id
             else _Film(f.movie_id, f.title, f.year, f.imdb_id, None, f.genres) for f in films]
    new = [f for f in films if f.imdb_id not in existing]
    changed = [f for f in films if f.imdb_id in existing
               and existing[f.imdb_id][1:] != (f.title, f.year, f.tmdb_id)]
    outcome.unchanged = len(films) - len(new) - len(changed)
    with bulk.bulk_session(conn):
        outcome.inserted = bulk.insert_rows(conn, "media", MEDIA_COLUMNS,
                                            ((f.title, f.year, "Movie", f.imdb_id, f.tmdb_id) for f in new))
        for start in range(0, len(changed), bulk.CHUNK_ROWS):
            conn.exec_driver_sql("UPDATE media SET title = %s, release_year = %s, tmdb_id = %s WHERE imdb_id = %s",
                                 [(f.title, f.year, f.tmdb_id, f.imdb_id) for f in changed[start:start + bulk.CHUNK_ROWS]])
        conn.commit()
        outcome.updated = len(changed)
        ids = dict(conn.exec_driver_sql("SELECT imdb_id, media_id FROM media WHERE imdb_id IS NOT NULL").fetchall())
        outcome.media_ids = {f.movie_id: ids[f.imdb_id] for f in films}
        _sync_genres(conn, films, ids, outcome)
    return outcome


def _sync_genres(conn: Connection, films: list[_Film], ids: dict[str, int], outcome: MovieLensImport) -> None:
    """Create missing genres, then make each imported film's genre links what the file says."""
    known = {name.casefold(): genre_id for genre_id, name in conn.exec_driver_sql("SELECT genre_id, name FROM genres")}
    wanted_names = sorted({g for f in films for g in f.genres if g.casefold() not in known})
    outcome.genres_created = bulk.insert_rows(conn, "genres", ("name",), ((n,) for n in wanted_names))
    known = {name.casefold(): genre_id for genre_id, name in conn.exec_driver_sql("SELECT genre_id, name FROM genres")}
    wanted = {(ids[f.imdb_id], known[g.casefold()]) for f in films for g in f.genres}
    imported = {ids[f.imdb_id] for f in films}
    have = {(m, g) for m, g in conn.exec_driver_sql("SELECT media_id, genre_id FROM media_genres") if m in imported}
    outcome.genre_links_added = bulk.insert_rows(conn, "media_genres", ("media_id", "genre_id"), sorted(wanted - have))
    stale = sorted(have - wanted)
    for start in range(0, len(stale), bulk.CHUNK_ROWS):
        conn.exec_driver_sql("DELETE FROM media_genres WHERE media_id = %s AND genre_id = %s",
                             stale[start:start + bulk.CHUNK_ROWS])
    conn.commit()
    outcome.genre_links_removed = len(stale)
