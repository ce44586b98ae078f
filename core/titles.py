"""Adding a title from a provider, and refreshing running series from theirs.

add_from_provider: fetch the title (network, outside any transaction), then in one transaction either find it
already in the catalog (same IMDb id, then same provider id, then the same normalised title and year) or add
the title, its genres, people, cast and crew, seasons and episodes, in a fixed number of statements.
"""
from __future__ import annotations

from dataclasses import dataclass

from core import catalog_rules as rules
from core import providers
from core.providers.base import Provider, TitleDetails
from db import titles as repo
from db.core import run_in_transaction, set_reason
from db.errors import DataRuleError, PermissionDenied

HOW = {1: "the same IMDb id", 2: "the same provider id", 3: "the same title and year"}


@dataclass(frozen=True)
class AddResult:
    media_id: int
    title: str
    created: bool
    matched_by: str = ""  # for an existing title: which rule found it
    episodes: int = 0


def clean_details(details: TitleDetails) -> TitleDetails:
    """The provider's title within the schema's limits: long text cut, implausible numbers unknown,
    episodes outside the numbering rules and repeated (season, number) pairs left out."""
    title = rules.cut(details.title, rules.TITLE_MAX)
    if title is None:
        raise DataRuleError(f"{details.provider} sent a title without a name; it cannot be added.")
    details.title = title
    details.original_title = rules.cut(details.original_title, rules.TITLE_MAX)
    if details.original_title == title:
        details.original_title = None
    details.original_language = rules.cut(details.original_language, rules.LANGUAGE_MAX)
    details.description = rules.cut(details.description, rules.DESCRIPTION_MAX)
    details.year = rules.within(details.year, rules.YEARS)
    details.runtime_minutes = rules.within(details.runtime_minutes, rules.RUNTIMES)
    details.poster_url = rules.web_url(details.poster_url)
    details.genres = list(dict.fromkeys(g for g in (rules.cut(g, rules.GENRE_MAX) for g in details.genres) if g))
    seen, episodes = set(), []
    for e in details.episodes:
        key = (e.season, e.number)
        if rules.within(e.season, rules.SEASONS) is None or rules.within(e.number, rules.EPISODE_NUMBERS) is None \
                or key in seen:
            continue
        seen.add(key)
        episodes.append(e)
    details.episodes = episodes if details.media_type == "Series" else []
    return details


def _find(conn, d: TitleDetails) -> dict | None:
    return repo.find_existing(conn, imdb_id=d.imdb_id, tmdb_id=d.tmdb_id, tvmaze_id=d.tvmaze_id,
                              media_type=d.media_type, key=rules.title_key(d.title), year=d.year,
                              ignored=rules.SQL_IGNORED)


def _people(d: TitleDetails) -> list[tuple]:
    people = {}
    for credit in [*d.cast, *d.crew]:
        p = credit.person
        name = rules.cut(p.name, rules.NAME_MAX)
        if name and (p.tmdb_id is not None or p.tvmaze_id is not None):
            people[(p.tmdb_id, p.tvmaze_id)] = (name, p.tmdb_id, p.tvmaze_id, rules.web_url(p.photo_url))
    return list(people.values())


def _person_id(ids: dict, person) -> int | None:
    if person.tmdb_id is not None:
        return ids.get(("tmdb", person.tmdb_id))
    return ids.get(("tvmaze", person.tvmaze_id))


def insert_details(conn, d: TitleDetails) -> int:
    """The title and everything it has, in nine statements whatever its size. Returns its media_id."""
    media_id = repo.insert_media(conn, {
        "title": d.title, "original_title": d.original_title, "original_language": d.original_language,
        "description": d.description, "release_year": d.year, "media_type": d.media_type,
        "airing_status": d.airing_status, "runtime_minutes": d.runtime_minutes, "poster_image_url": d.poster_url,
        "imdb_id": d.imdb_id, "tmdb_id": d.tmdb_id, "tvmaze_id": d.tvmaze_id})
    repo.link_genres(conn, media_id, d.genres)
    ids = repo.upsert_people(conn, _people(d))
    cast, seen = [], set()
    for c in d.cast:
        person_id = _person_id(ids, c.person)
        if person_id is not None and person_id not in seen:
            seen.add(person_id)
            cast.append((media_id, person_id, rules.cut(c.character, rules.CHARACTER_MAX),
                         min(max(c.order, 0), rules.CAST_ORDER_MAX)))
    repo.insert_cast(conn, cast)
    crew = {(media_id, pid, c.role) for c in d.crew if (pid := _person_id(ids, c.person)) is not None}
    repo.insert_crew(conn, sorted(crew))
    repo.insert_episodes(conn, [
        (media_id, e.season, e.number, rules.cut(e.title, rules.TITLE_MAX) or f"Episode {e.number}", e.air_date,
         rules.within(e.runtime_minutes, rules.RUNTIMES)) for e in d.episodes])
    return media_id


def add_details(actor: str | None, details: TitleDetails) -> AddResult:
    """Add a title the provider described, unless the catalog has it already (then that one is returned)."""
    if not actor:
        raise PermissionDenied("Log in to add a title.")
    d = clean_details(details)

    def work(conn) -> AddResult:
        found = _find(conn, d)
        if found:
            return AddResult(found["media_id"], found["title"], False, HOW[found["how"]])
        set_reason(conn, f"added from {providers.label(d.provider)}")
        return AddResult(insert_details(conn, d), d.title, True, episodes=len(d.episodes))

    try:
        return run_in_transaction(actor, work)
    except DataRuleError as exc:
        if exc.errno != 1062:
            raise
        # Someone added the same title between our look and our insert: theirs is the one.
        return run_in_transaction(actor, work)


def add_from_provider(actor: str | None, provider_name: str, provider_id: int, media_type: str,
                      provider: Provider | None = None) -> AddResult:
    """Fetch the title from the provider and add it (ProviderError when the provider cannot answer)."""
    if not actor:
        raise PermissionDenied("Log in to add a title.")
    source = provider or providers.get(provider_name)
    return add_details(actor, source.details(provider_id, media_type))
