"""TVmaze: series only, no key. Calls: /search/shows?q=, /shows/{id}?embed[]=episodes&embed[]=cast&embed[]=crew
and /lookup/shows?imdb= (which answers with a redirect to the show). TVmaze's data is CC BY-SA 4.0: the
Add-title page credits it."""
from __future__ import annotations

from core.providers.base import (
    BadResponse,
    CastCredit,
    CrewCredit,
    EpisodeInfo,
    NotFound,
    PersonRef,
    Provider,
    SearchHit,
    TitleDetails,
    imdb_or_none,
    int_or_none,
    parse_date,
    plain_text,
    year_of,
)
from core.providers.http import HttpClient

NAME = "tvmaze"
LABEL = "TVmaze"
DEFAULT_URL = "https://api.tvmaze.com"
# TVmaze allows at least 20 calls every 10 seconds per IP address.
MIN_INTERVAL = 0.5
ENDED = {"Ended"}
RUNNING = {"Running", "To Be Determined", "In Development"}
CREW_TYPES = {"Creator": "Creator", "Developer": "Creator", "Executive Producer": "Producer",
              "Producer": "Producer", "Director": "Director", "Writer": "Writer", "Composer": "Music",
              "Director of Photography": "Cinematography", "Editor": "Editor"}


def from_settings(settings: dict) -> TvmazeProvider:
    return TvmazeProvider(base_url=settings.get("base_url") or DEFAULT_URL,
                          min_interval=float(settings.get("min_interval", MIN_INTERVAL)),
                          read_timeout=float(settings.get("timeout", 10)))


def _image(item: dict | None) -> str | None:
    if not isinstance(item, dict):
        return None
    return item.get("original") or item.get("medium") or None


class TvmazeProvider(Provider):
    name, label = NAME, LABEL

    def __init__(self, base_url: str = DEFAULT_URL, min_interval: float = MIN_INTERVAL, read_timeout: float = 10.0,
                 sleep=None):
        extra = {"sleep": sleep} if sleep is not None else {}
        self.http = HttpClient(LABEL, base_url, min_interval=min_interval, read_timeout=read_timeout, **extra)

    def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        body = self.http.get_json("/search/shows", f"shows matching “{query}”", q=query)
        try:
            return [_hit(item["show"]) for item in body][:limit]
        except (KeyError, TypeError) as exc:
            raise BadResponse(LABEL, "TVmaze sent search results StreamSync cannot read.") from exc

    def find_by_imdb(self, imdb_id: str) -> SearchHit | None:
        try:
            body = self.http.get_json("/lookup/shows", f"show with IMDb id {imdb_id}", imdb=imdb_id)
        except NotFound:
            return None
        try:
            return _hit(body)
        except (KeyError, TypeError) as exc:
            raise BadResponse(LABEL, "TVmaze sent a show StreamSync cannot read.") from exc

    def details(self, provider_id: int, media_type: str = "Series") -> TitleDetails:
        what = f"show {provider_id}"
        body = self.http.get_json(f"/shows/{provider_id}", what, **{"embed[]": ["episodes", "cast", "crew"]})
        try:
            return _details(body)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise BadResponse(LABEL, f"TVmaze sent a {what} that StreamSync cannot read.") from exc


def _hit(show: dict) -> SearchHit:
    return SearchHit(provider=NAME, provider_id=int(show["id"]), media_type="Series", title=show["name"],
                     year=year_of(show.get("premiered")), poster_url=_image(show.get("image")),
                     overview=plain_text(show.get("summary")) or "")


def _person(person: dict) -> PersonRef:
    return PersonRef(name=person["name"], tvmaze_id=int(person["id"]), photo_url=_image(person.get("image")))


def _details(show: dict) -> TitleDetails:
    embedded = show.get("_embedded") or {}
    externals = show.get("externals") or {}
    status = show.get("status")
    cast = [CastCredit(_person(c["person"]), (c.get("character") or {}).get("name") or None, i)
            for i, c in enumerate(embedded.get("cast") or []) if (c.get("person") or {}).get("name")]
    crew, seen = [], set()
    for c in embedded.get("crew") or []:
        role, person = CREW_TYPES.get(c.get("type")), c.get("person") or {}
        if role and person.get("name") and (person["id"], role) not in seen:
            seen.add((person["id"], role))
            crew.append(CrewCredit(_person(person), role))
    episodes = []
    for e in embedded.get("episodes") or []:
        season, number = int_or_none(e.get("season")), int_or_none(e.get("number"))
        if season is None or number is None:  # TVmaze's specials have no number
            continue
        episodes.append(EpisodeInfo(season=season, number=number, title=e.get("name") or f"Episode {number}",
                                    air_date=parse_date(e.get("airdate")),
                                    runtime_minutes=int_or_none(e.get("runtime"))))
    return TitleDetails(
        provider=NAME, provider_id=int(show["id"]), media_type="Series", title=show["name"],
        original_title=None, original_language=show.get("language") or None, year=year_of(show.get("premiered")),
        description=plain_text(show.get("summary")),
        runtime_minutes=int_or_none(show.get("runtime")) or int_or_none(show.get("averageRuntime")),
        poster_url=_image(show.get("image")), imdb_id=imdb_or_none(externals.get("imdb")), tmdb_id=None,
        tvmaze_id=int(show["id"]),
        airing_status="ended" if status in ENDED else "running" if status in RUNNING else None,
        genres=[g for g in show.get("genres") or [] if isinstance(g, str) and g.strip()],
        cast=cast, crew=crew, episodes=episodes)
