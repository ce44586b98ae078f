"""Which catalog title each imported record means: ids first, then title and year.

1. IMDb id (tt…), then TMDb id with the type (TMDb numbers films and series separately), then TheTVDB id
   (Trakt's exports carry it) through TMDb's /find when neither finds the title and TMDb is configured;
   Trakt's own ids cannot be resolved without Trakt's API, so a title with nothing else goes on to 2;
2. the title as `title_key` compares it (case, accents, punctuation, "Matrix, The" = "The Matrix") with the
   same year, else a year either side (release dates differ by country);
3. a close spelling (rapidfuzz) within a year either side.
One candidate: matched. Several: ambiguous, and the preview asks which. None: unmatched.

Records about the same title share one `Match` (a film in the diary 5 times is matched once). The catalog is
read in at most four statements whatever the file holds (`load_catalog`; one more for the titles TheTVDB ids
led to); matching itself is pure Python, so it runs as well against any catalog handed to it (the benchmark
uses MovieLens).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from core import providers
from core.history_import.records import Record
from core.history_import.titles import title_key
from core.providers.base import NotConfigured, ProviderError
from db import history_import as repo
from db.engine import read

FUZZY_SURE = 94      # a close spelling this good, with no rival near it, is taken as the title
FUZZY_ASK = 86       # from here up a title is offered as a candidate
MAX_CANDIDATES = 5
# TheTVDB ids looked up at TMDb per preview: one request each, and TMDb allows about 40 a second.
TVDB_LOOKUPS = 100
ID_MATCHES = ("imdb id", "tmdb id", "tvdb id")


@dataclass(frozen=True, slots=True)
class Candidate:
    media_id: int
    title: str
    year: int | None
    media_type: str
    score: int = 100


@dataclass(slots=True)
class Match:
    status: str                       # matched, ambiguous, unmatched
    how: str | None = None            # imdb id, tmdb id, tvdb id, title and year, close title
    media_id: int | None = None
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def by_id(self) -> bool:
        return self.how in ID_MATCHES


Identity = tuple


def identity(record: Record) -> Identity:
    """What makes two records mean the same title as far as matching can tell."""
    return (record.imdb_id, record.tmdb_id, record.media_type, title_key(record.title), record.year)


@dataclass(slots=True)
class Catalog:
    """The part of the catalog a file can match, indexed for matching."""
    by_imdb: dict[str, dict]
    by_tmdb: dict[tuple[int, str], list[dict]]
    by_key: dict[str, list[dict]]
    by_year: dict[int | None, list[dict]]
    episodes: dict[tuple[int, int, int], int] = field(default_factory=dict)
    # (TheTVDB id, type) -> the titles TMDb's /find led to; filled by load_catalog when TMDb is configured
    by_tvdb: dict[tuple[int, str | None], list[dict]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # why TheTVDB ids were not (all) looked up

    @classmethod
    def of(cls, rows: list[dict]) -> Catalog:
        by_imdb, by_tmdb, by_key, by_year = {}, defaultdict(list), defaultdict(list), defaultdict(list)
        for row in {r["media_id"]: r for r in rows}.values():
            row = {**row, "key": title_key(row["title"])}
            if row.get("imdb_id"):
                by_imdb[row["imdb_id"]] = row
            if row.get("tmdb_id") is not None:
                by_tmdb[(row["tmdb_id"], row["media_type"])].append(row)
            by_key[row["key"]].append(row)
            # A title is also found by its original title ("Tre idioti" and "3 Idiots" are one film).
            original = title_key(row.get("original_title") or "")
            if original and original != row["key"]:
                by_key[original].append(row)
            by_year[row["release_year"]].append(row)
        return cls(by_imdb, dict(by_tmdb), dict(by_key), dict(by_year))


def load_catalog(records: list[Record]) -> Catalog:
    """The titles these records could mean, in at most four statements (ids, TMDb ids, the years around the
    records' years, and the episodes of the series found), and a fifth for the titles TheTVDB ids lead to."""
    imdb_ids = sorted({r.imdb_id for r in records if r.imdb_id})
    tmdb_ids = sorted({r.tmdb_id for r in records if r.tmdb_id is not None})
    years = sorted({r.year + d for r in records if r.year for d in (-1, 0, 1)})
    undated = any(r.year is None for r in records)
    with read() as conn:
        rows = repo.titles_by_imdb(conn, imdb_ids) + repo.titles_by_tmdb(conn, tmdb_ids) + \
            repo.titles_in_years(conn, years, undated)
        catalog = Catalog.of(rows)
    tvdb_rows = _resolve_tvdb(records, catalog)
    if any(r.season is not None for r in records):
        series = sorted({r["media_id"] for r in rows + tvdb_rows if r["media_type"] == "Series"})
        with read() as conn:
            catalog.episodes = {(e["media_id"], e["season_number"], e["episode_number"]): e["episode_id"]
                                for e in repo.episodes_of(conn, series)}
    return catalog


def _by_ids(record: Record, catalog: Catalog) -> tuple[list[dict], str | None]:
    """The catalog's titles for the record's IMDb, TMDb or TheTVDB id, and which id found them."""
    if record.imdb_id and record.imdb_id in catalog.by_imdb:
        return [catalog.by_imdb[record.imdb_id]], "imdb id"
    if record.tmdb_id is not None:
        types = [record.media_type] if record.media_type else ["Movie", "Series"]
        found = [row for t in types for row in catalog.by_tmdb.get((record.tmdb_id, t), [])]
        if found:
            return found, "tmdb id"
    if record.tvdb_id is not None and catalog.by_tvdb.get((record.tvdb_id, record.media_type)):
        return catalog.by_tvdb[(record.tvdb_id, record.media_type)], "tvdb id"
    return [], None


def _resolve_tvdb(records: list[Record], catalog: Catalog) -> list[dict]:
    """Look up at TMDb the TheTVDB ids of records that no IMDb or TMDb id of theirs finds in the catalog, and
    put the catalog's titles of the TMDb ids found into catalog.by_tvdb (one statement). Without TMDb, or
    when it fails, those records are matched by title and year, and catalog.notes says so. Returns the
    rows read."""
    pending: dict[tuple[int, str | None], Record] = {}
    for record in records:
        key = (record.tvdb_id, record.media_type)
        if record.tvdb_id is not None and key not in pending and not _by_ids(record, catalog)[0]:
            pending[key] = record
    if not pending:
        return []
    try:
        tmdb = providers.get("tmdb")
    except NotConfigured:
        catalog.notes.append(f"{len(pending):,} titles have a TheTVDB id but no IMDb or TMDb id the catalog knows: "
                             "they are matched by title and year (with TMDb configured, their TheTVDB ids would "
                             "be looked up there first).")
        return []
    found: dict[tuple[int, str | None], tuple[int, str]] = {}
    for key, record in list(pending.items())[:TVDB_LOOKUPS]:
        try:
            hit = tmdb.find_by_tvdb(record.tvdb_id, record.media_type)
        except ProviderError as exc:
            catalog.notes.append(f"TheTVDB ids could not be looked up at TMDb: {exc} Those titles are matched by "
                                 "title and year.")
            break
        if hit is not None:
            found[key] = (hit.provider_id, hit.media_type)
    if len(pending) > TVDB_LOOKUPS:
        catalog.notes.append(f"{len(pending) - TVDB_LOOKUPS:,} more TheTVDB ids were not looked up (at most "
                             f"{TVDB_LOOKUPS} per import): those titles are matched by title and year.")
    if not found:
        return []
    with read() as conn:
        rows = repo.titles_by_tmdb(conn, sorted({tmdb_id for tmdb_id, _ in found.values()}))
    for key, (tmdb_id, media_type) in found.items():
        titles = [{**r, "key": title_key(r["title"])} for r in rows
                  if r["tmdb_id"] == tmdb_id and r["media_type"] == media_type]
        if titles:
            catalog.by_tvdb[key] = titles
    return rows


def _candidate(row: dict, score: float = 100) -> Candidate:
    return Candidate(row["media_id"], row["title"], row["release_year"], row["media_type"], round(score))


def _decide(rows: list[dict], how: str) -> Match:
    if len(rows) == 1:
        return Match("matched", how, rows[0]["media_id"], [_candidate(rows[0])])
    return Match("ambiguous", None, None, [_candidate(r) for r in rows[:MAX_CANDIDATES]])


def _of_type(rows: list[dict], media_type: str | None) -> list[dict]:
    return [r for r in rows if media_type is None or r["media_type"] == media_type]


def match_one(record: Record, catalog: Catalog) -> Match:
    found, how = _by_ids(record, catalog)
    if found:
        return _decide(found, how)
    key = title_key(record.title)
    if not key:
        return Match("unmatched")
    same = catalog.by_key.get(key, [])
    typed = _of_type(same, record.media_type)
    if record.year is None:
        if typed or same:
            return _decide(typed or same, "title")
    else:
        for window in ((record.year,), (record.year - 1, record.year + 1)):
            near = [r for r in typed if r["release_year"] in window]
            if near:
                return _decide(near, "title and year")
        other_type = [r for r in same if r["release_year"] is not None and abs(r["release_year"] - record.year) <= 1]
        if other_type:
            # The same title and year as a series when the file says film (or the other way): ask.
            return Match("ambiguous", None, None, [_candidate(r) for r in other_type[:MAX_CANDIDATES]])
    return _fuzzy(record, key, catalog)


def _fuzzy(record: Record, key: str, catalog: Catalog) -> Match:
    if record.year is None:
        pool = [r for rows in catalog.by_year.values() for r in rows]
    else:
        pool = [r for y in (record.year - 1, record.year, record.year + 1) for r in catalog.by_year.get(y, [])]
    pool = _of_type(pool, record.media_type) or pool
    if not pool:
        return Match("unmatched")
    found = process.extract(key, [r["key"] for r in pool], scorer=fuzz.ratio, score_cutoff=FUZZY_ASK,
                            limit=MAX_CANDIDATES)
    if not found:
        return Match("unmatched")
    best_score = found[0][1]
    rivals = [f for f in found[1:] if f[1] >= best_score - 4]
    if best_score >= FUZZY_SURE and not rivals:
        row = pool[found[0][2]]
        return Match("matched", "close title", row["media_id"], [_candidate(row, best_score)])
    return Match("ambiguous", None, None, [_candidate(pool[i], score) for _, score, i in found])


def match_all(records: list[Record], catalog: Catalog) -> dict[Identity, Match]:
    """{identity: Match} for every distinct title the records name."""
    matches: dict[Identity, Match] = {}
    for record in records:
        ident = identity(record)
        if ident not in matches:
            matches[ident] = match_one(record, catalog)
    return matches
