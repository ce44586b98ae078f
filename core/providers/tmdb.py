"""The Movie Database (TMDb), API v3: films and series. Needs an API key (v3) or a read-access token (v4);
see core/providers/__init__.py for where configuration comes from.

Calls: /search/multi (films and series in one list), /movie/{id} and /tv/{id} with
append_to_response=credits,external_ids, /tv/{id}/season/{n} for each season's episodes,
/find/{imdb_id}?external_source=imdb_id, and /find/{tvdb_id}?external_source=tvdb_id (TheTVDB's ids, which
Trakt exports carry: TMDb is the only configured provider that maps them).
"""
from __future__ import annotations

from core.providers.base import (
    BadResponse,
    CastCredit,
    CrewCredit,
    EpisodeInfo,
    NotConfigured,
    PersonRef,
    Provider,
    SearchHit,
    TitleDetails,
    imdb_or_none,
    int_or_none,
    parse_date,
    year_of,
)
from core.providers.http import HttpClient

NAME = "tmdb"
LABEL = "TMDb"
DEFAULT_URL = "https://api.themoviedb.org/3"
IMAGE_BASE = "https://image.tmdb.org/t/p/"
# TMDb's documented ceiling is about 50 requests a second per IP; stay well under it.
MIN_INTERVAL = 0.025
SETUP_HINT = ("Set STREAMSYNC_TMDB_API_KEY (v3 key) or STREAMSYNC_TMDB_READ_TOKEN (v4 read access token), or "
              "api_key / read_access_token under [providers.tmdb] in .streamlit/secrets.toml.")
# TMDb crew jobs -> media_crew roles; other jobs are not kept.
CREW_JOBS = {
    "Director": "Director", "Screenplay": "Writer", "Writer": "Writer", "Story": "Writer", "Novel": "Writer",
    "Teleplay": "Writer", "Producer": "Producer", "Original Music Composer": "Music", "Music": "Music",
    "Director of Photography": "Cinematography", "Editor": "Editor",
}
RUNNING = {"Returning Series", "In Production", "Planned", "Pilot"}
ENDED = {"Ended", "Canceled", "Cancelled"}
MAX_CAST = 30  # TMDb lists every extra; the first 30 billed are the cast a title page shows


def from_settings(settings: dict) -> TmdbProvider:
    key, token = settings.get("api_key"), settings.get("read_access_token")
    if not key and not token:
        raise NotConfigured(LABEL, f"TMDb is not configured: no API key. {SETUP_HINT}")
    return TmdbProvider(api_key=key, read_token=token, base_url=settings.get("base_url") or DEFAULT_URL,
                        min_interval=float(settings.get("min_interval", MIN_INTERVAL)),
                        read_timeout=float(settings.get("timeout", 10)), sleep=settings.get("sleep"))


def image_url(path: str | None, size: str = "w500") -> str | None:
    return f"{IMAGE_BASE}{size}{path}" if isinstance(path, str) and path.startswith("/") else None


class TmdbProvider(Provider):
    name, label = NAME, LABEL

    def __init__(self, api_key: str | None = None, read_token: str | None = None, base_url: str = DEFAULT_URL,
                 min_interval: float = MIN_INTERVAL, read_timeout: float = 10.0, sleep=None):
        headers = {"Authorization": f"Bearer {read_token}"} if read_token else {}
        params = {} if read_token else {"api_key": api_key}
        extra = {"sleep": sleep} if sleep is not None else {}
        self.http = HttpClient(LABEL, base_url, headers=headers, params=params, min_interval=min_interval,
                               read_timeout=read_timeout, auth_hint=SETUP_HINT, **extra)

    def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        body = self.http.get_json("/search/multi", f"results for “{query}”", query=query, include_adult="false")
        try:
            return [hit for item in body["results"] if (hit := _hit(item))][:limit]
        except (KeyError, TypeError) as exc:
            raise BadResponse(LABEL, "TMDb sent search results StreamSync cannot read.") from exc

    def find_by_imdb(self, imdb_id: str) -> SearchHit | None:
        return self._find(imdb_id, "imdb_id", f"title {imdb_id}", ("movie_results", "tv_results"))

    def find_by_tvdb(self, tvdb_id: int, media_type: str | None = None) -> SearchHit | None:
        """TMDb's film or series for a TheTVDB id, or None. TheTVDB numbers series and films apart, so one
        number can be both: with media_type ('Movie' or 'Series') only a title of that type is taken."""
        kinds = {"Movie": ("movie_results",), "Series": ("tv_results",)}.get(media_type,
                                                                          ("tv_results", "movie_results"))
        return self._find(str(tvdb_id), "tvdb_id", f"TVDB id {tvdb_id}", kinds)

    def _find(self, external_id: str, source: str, what: str, kinds: tuple[str, ...]) -> SearchHit | None:
        body = self.http.get_json(f"/find/{external_id}", what, external_source=source)
        try:
            for kind in kinds:
                for item in body.get(kind, []):
                    hit = _hit({**item, "media_type": "movie" if kind == "movie_results" else "tv"})
                    if hit:
                        return hit
        except (AttributeError, TypeError) as exc:
            raise BadResponse(LABEL, "TMDb sent a find result StreamSync cannot read.") from exc
        return None

    def details(self, provider_id: int, media_type: str) -> TitleDetails:
        kind = "movie" if media_type == "Movie" else "tv"
        what = f"{'film' if kind == 'movie' else 'series'} {provider_id}"
        body = self.http.get_json(f"/{kind}/{provider_id}", what, append_to_response="credits,external_ids")
        try:
            details = _movie(body) if kind == "movie" else _series(body)
            if kind == "tv":
                for season in body.get("seasons") or []:
                    number = int_or_none(season.get("season_number"))
                    if number is None or not season.get("episode_count"):
                        continue
                    season_body = self.http.get_json(f"/tv/{provider_id}/season/{number}",
                                                     f"season {number} of series {provider_id}")
                    details.episodes.extend(_episodes(season_body))
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise BadResponse(LABEL, f"TMDb sent details of {what} that StreamSync cannot read.") from exc
        return details


def _hit(item: dict) -> SearchHit | None:
    kind = item.get("media_type")
    if kind not in ("movie", "tv") or not isinstance(item.get("id"), int):
        return None
    title = item.get("title") if kind == "movie" else item.get("name")
    if not title:
        return None
    return SearchHit(provider=NAME, provider_id=item["id"], media_type="Movie" if kind == "movie" else "Series",
                     title=title, year=year_of(item.get("release_date") if kind == "movie"
                                               else item.get("first_air_date")),
                     poster_url=image_url(item.get("poster_path"), "w185"), overview=item.get("overview") or "")


def _person(item: dict) -> PersonRef:
    return PersonRef(name=item["name"], tmdb_id=item["id"], photo_url=image_url(item.get("profile_path"), "w185"))


def _credits(body: dict) -> tuple[list[CastCredit], list[CrewCredit]]:
    credits = body.get("credits") or {}
    cast = [CastCredit(_person(c), c.get("character") or None, int_or_none(c.get("order")) or i)
            for i, c in enumerate(credits.get("cast") or []) if c.get("name")][:MAX_CAST]
    crew, seen = [], set()
    for c in credits.get("crew") or []:
        role = CREW_JOBS.get(c.get("job"))
        if role and c.get("name") and (c["id"], role) not in seen:
            seen.add((c["id"], role))
            crew.append(CrewCredit(_person(c), role))
    for c in body.get("created_by") or []:
        if c.get("name") and (c["id"], "Creator") not in seen:
            seen.add((c["id"], "Creator"))
            crew.append(CrewCredit(_person(c), "Creator"))
    return cast, crew


def _common(body: dict, media_type: str, title: str, original: str | None, first_date) -> TitleDetails:
    cast, crew = _credits(body)
    external = body.get("external_ids") or {}
    return TitleDetails(
        provider=NAME, provider_id=body["id"], media_type=media_type, title=title, original_title=original,
        original_language=body.get("original_language") or None, year=year_of(first_date),
        description=body.get("overview") or None, poster_url=image_url(body.get("poster_path")),
        imdb_id=imdb_or_none(body.get("imdb_id")) or imdb_or_none(external.get("imdb_id")), tmdb_id=body["id"],
        tvmaze_id=None, genres=[g["name"] for g in body.get("genres") or [] if g.get("name")],
        cast=cast, crew=crew)


def _movie(body: dict) -> TitleDetails:
    details = _common(body, "Movie", body["title"], body.get("original_title"), body.get("release_date"))
    details.runtime_minutes = int_or_none(body.get("runtime")) or None
    return details


def _series(body: dict) -> TitleDetails:
    details = _common(body, "Series", body["name"], body.get("original_name"), body.get("first_air_date"))
    runtimes = [r for r in body.get("episode_run_time") or [] if isinstance(r, int) and r > 0]
    details.runtime_minutes = runtimes[0] if runtimes else None
    status = body.get("status")
    details.airing_status = "ended" if status in ENDED else "running" if status in RUNNING else None
    return details


def _episodes(season: dict) -> list[EpisodeInfo]:
    found = []
    for e in season.get("episodes") or []:
        number, season_number = int_or_none(e.get("episode_number")), int_or_none(e.get("season_number"))
        if number is None or season_number is None:
            continue
        found.append(EpisodeInfo(season=season_number, number=number, title=e.get("name") or f"Episode {number}",
                                 air_date=parse_date(e.get("air_date")),
                                 runtime_minutes=int_or_none(e.get("runtime"))))
    return found
