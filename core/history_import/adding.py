"""Titles of an import the catalog does not have, added at the user's request: from a provider (TMDb, TVmaze;
issue 10's core.provider_titles, which also finds a title already there by IMDb id, provider id or title and year)
when one is configured, else as a minimal title (name, year, type and the file's ids) whose description
and activity-log reason tell moderators it needs completing."""
from __future__ import annotations

from dataclasses import dataclass, field

from core import catalog_rules, provider_titles, providers
from core.history_import.preview import TitleLine
from core.providers.base import Provider, ProviderError, SearchHit
from db import provider_titles as catalog
from db.engine import run_in_transaction, set_reason
from db.errors import DataRuleError, PermissionDenied

PROVIDER_LIMIT = 25     # network look-ups per request: a provider allows some 40 requests in 10 seconds
MINIMAL_LIMIT = 500     # titles added at once without a provider
MINIMAL_NOTE = "Added by a history import ({source}) with its title and year only; a moderator will complete it."


@dataclass(slots=True)
class Added:
    from_provider: list[str] = field(default_factory=list)
    minimal: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)       # found in the catalog after all (another rule)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        if self.from_provider:
            out.append(f"{len(self.from_provider):,} titles added from a provider.")
        if self.minimal:
            out.append(f"{len(self.minimal):,} titles added with their title and year only (moderators are asked "
                       "to complete them).")
        if self.already:
            out.append(f"{len(self.already):,} titles were in the catalog already.")
        return out + self.notes


def _lookup(ready: list[Provider], line: TitleLine) -> tuple[Provider, SearchHit] | None:
    imdb_id = line.identity[0]
    for provider in ready:
        if imdb_id:
            hit = provider.find_by_imdb(imdb_id)
            if hit:
                return provider, hit
            continue
        for hit in provider.search(line.title, limit=10):
            same_type = line.media_type is None or hit.media_type == line.media_type
            near = line.year is None or (hit.year is not None and abs(hit.year - line.year) <= 1)
            if same_type and near and catalog_rules.title_key(hit.title) == catalog_rules.title_key(line.title):
                return provider, hit
    return None


def _minimal(actor: str, lines: list[TitleLine], source: str, added: Added) -> None:
    def work(conn) -> None:
        set_reason(conn, f"minimal title from a history import ({source}): to be completed by a moderator")
        for line in lines:
            imdb_id, tmdb_id, media_type = line.identity[0], line.identity[1], line.media_type or "Movie"
            title = catalog_rules.cut(line.title, catalog_rules.TITLE_MAX)
            year = catalog_rules.within(line.year, catalog_rules.YEARS)
            found = catalog.find_existing(conn, imdb_id=imdb_id, tmdb_id=tmdb_id, tvmaze_id=None,
                                          media_type=media_type, key=catalog_rules.title_key(title), year=year,
                                          ignored=catalog_rules.SQL_IGNORED)
            if found:
                added.already.append(line.title)
                continue
            catalog.insert_media(conn, {"title": title, "release_year": year, "media_type": media_type,
                                        "imdb_id": imdb_id, "tmdb_id": tmdb_id,
                                        "description": MINIMAL_NOTE.format(source=source)})
            added.minimal.append(line.title)

    run_in_transaction(actor, work)


def add_titles(actor: str | None, lines: list[TitleLine], source: str,
               ready: list[Provider] | None = None) -> Added:
    """Add these unmatched titles. `ready`: the providers to ask (default: those configured)."""
    if not actor:
        raise PermissionDenied("Log in to add titles.")
    if ready is None:
        ready, _ = providers.configured()
    added, rest = Added(), []
    if ready and len(lines) > PROVIDER_LIMIT:
        added.notes.append(f"{len(lines) - PROVIDER_LIMIT:,} more titles were not added: at most {PROVIDER_LIMIT} "
                           "at once are looked up at a provider. Add them in another round.")
        lines = lines[:PROVIDER_LIMIT]
    for line in lines:
        found = None
        if ready:
            try:
                found = _lookup(ready, line)
            except ProviderError as exc:
                added.notes.append(f"{line.title}: {exc} It is added with its title and year only.")
        if found is None:
            rest.append(line)
            continue
        provider, hit = found
        try:
            result = provider_titles.add_from_provider(actor, hit.provider, hit.provider_id, hit.media_type, provider)
        except (ProviderError, DataRuleError) as exc:
            added.notes.append(f"{line.title}: {exc} It is added with its title and year only.")
            rest.append(line)
            continue
        (added.from_provider if result.created else added.already).append(line.title)
    if len(rest) > MINIMAL_LIMIT:
        added.notes.append(f"{len(rest) - MINIMAL_LIMIT:,} more titles were not added: at most {MINIMAL_LIMIT} "
                           "at once.")
        rest = rest[:MINIMAL_LIMIT]
    if rest:
        _minimal(actor, rest, source, added)
    return added
