"""What every metadata provider gives StreamSync, and the errors it may raise (one clear sentence each).

A provider (TMDb, TVmaze, ...) is one module of core/providers/ with a class implementing Provider and a
`from_settings(settings)` that builds it from configuration (core/providers/__init__.py lists the modules).
Everything here is plain data: the add-title service and refresh-catalog turn it into rows.
"""
from __future__ import annotations

import html
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date


class ProviderError(Exception):
    """A provider could not answer. str(error) is one sentence a page or the CLI shows as it is."""

    def __init__(self, provider: str, message: str):
        self.provider = provider
        super().__init__(message)


class NotConfigured(ProviderError):
    """The provider needs configuration (an API key) that is missing."""


class ProviderOffline(ProviderError):
    """No answer: no network, the service is down, or it did not answer in time."""


class NotFound(ProviderError):
    """The provider does not know this title or show."""


class AuthFailed(ProviderError):
    """The provider refused the configured key."""


class RateLimited(ProviderError):
    """The provider kept answering 429 after the retries."""


class BadResponse(ProviderError):
    """The provider answered something StreamSync cannot read."""


@dataclass(frozen=True)
class SearchHit:
    provider: str            # the provider's name ("tmdb", "tvmaze")
    provider_id: int
    media_type: str          # 'Movie' or 'Series'
    title: str
    year: int | None
    poster_url: str | None
    overview: str = ""


@dataclass(frozen=True)
class PersonRef:
    name: str
    tmdb_id: int | None = None
    tvmaze_id: int | None = None
    imdb_id: str | None = None
    photo_url: str | None = None


@dataclass(frozen=True)
class CastCredit:
    person: PersonRef
    character: str | None
    order: int


@dataclass(frozen=True)
class CrewCredit:
    person: PersonRef
    role: str  # one of CREW_ROLES


@dataclass(frozen=True)
class EpisodeInfo:
    season: int
    number: int
    title: str
    air_date: date | None
    runtime_minutes: int | None


@dataclass
class TitleDetails:
    provider: str
    provider_id: int
    media_type: str
    title: str
    original_title: str | None = None
    original_language: str | None = None
    year: int | None = None
    description: str | None = None
    runtime_minutes: int | None = None
    poster_url: str | None = None
    imdb_id: str | None = None
    tmdb_id: int | None = None
    tvmaze_id: int | None = None
    airing_status: str | None = None  # 'running' / 'ended' for series, None for films
    genres: list[str] = field(default_factory=list)
    cast: list[CastCredit] = field(default_factory=list)
    crew: list[CrewCredit] = field(default_factory=list)
    episodes: list[EpisodeInfo] = field(default_factory=list)


# media_crew.role's ENUM: provider jobs outside it are not kept.
CREW_ROLES = ("Director", "Writer", "Producer", "Music", "Cinematography", "Editor", "Creator")


class Provider(ABC):
    name: str   # key in configuration and in SearchHit.provider
    label: str  # shown to people

    @abstractmethod
    def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """Films and series whose title matches query, best first."""

    @abstractmethod
    def details(self, provider_id: int, media_type: str) -> TitleDetails:
        """One title with genres, cast, crew and (series) every episode. Raises NotFound."""

    @abstractmethod
    def find_by_imdb(self, imdb_id: str) -> SearchHit | None:
        """The provider's title for an IMDb id, or None."""


# --- small parsing helpers the providers share -------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")
IMDB_TITLE = re.compile(r"^tt[0-9]{5,10}$")


def plain_text(markup: str | None) -> str | None:
    """Provider summaries carry HTML (<p>, <b>): the text only, entities decoded."""
    if not markup:
        return None
    text = html.unescape(_TAG.sub("", markup)).strip()
    return text or None


def parse_date(value) -> date | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def year_of(value) -> int | None:
    found = parse_date(value)
    return found.year if found else None


def imdb_or_none(value) -> str | None:
    return value if isinstance(value, str) and IMDB_TITLE.match(value) else None


def int_or_none(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
