"""Keep running series in step with their provider (`manage.py refresh-catalog`): new episodes, changed
titles and air dates, a finished show marked ended. Series added from TVmaze refresh from TVmaze, those
from TMDb (or imported with a TMDb id) from TMDb. One transaction per series; one series that fails is
reported and the others go on."""
from __future__ import annotations

from dataclasses import dataclass, field

from core import catalog_rules as rules
from core import providers
from core.providers.base import Provider, ProviderError
from core.titles import clean_details
from db import titles as repo
from db.core import run_in_transaction, set_reason


@dataclass
class SeriesRefresh:
    media_id: int
    title: str
    added: int = 0
    changed: int = 0
    ended: bool = False
    error: str | None = None


@dataclass
class RefreshOutcome:
    series: list[SeriesRefresh] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(1 for s in self.series if s.error)


def refresh_one(row: dict, provider: Provider) -> SeriesRefresh:
    done = SeriesRefresh(row["media_id"], row["title"])
    provider_id = row["tvmaze_id"] if provider.name == "tvmaze" else row["tmdb_id"]
    details = clean_details(provider.details(provider_id, "Series"))

    def work(conn) -> None:
        set_reason(conn, f"refreshed from {provider.label}")
        old = repo.episode_keys(conn, row["media_id"])
        rows = []
        for e in details.episodes:
            new = (rules.cut(e.title, rules.TITLE_MAX) or f"Episode {e.number}", e.air_date,
                   rules.within(e.runtime_minutes, rules.RUNTIMES))
            before = old.get((e.season, e.number))
            if before is None:
                done.added += 1
            elif before != new:
                done.changed += 1
            else:
                continue
            rows.append((row["media_id"], e.season, e.number, *new))
        repo.upsert_episodes(conn, rows)
        repo.mark_refreshed(conn, row["media_id"], details.airing_status)
        done.ended = details.airing_status == "ended"

    run_in_transaction(None, work)
    return done


def refresh(limit: int = 100, older_than_hours: float = 12, provider_for=None) -> RefreshOutcome:
    """Refresh up to `limit` running series not refreshed in the last `older_than_hours`, oldest first.
    provider_for(name) gives the provider (default: from configuration)."""
    get = provider_for or providers.get
    outcome = RefreshOutcome()
    ready: dict[str, Provider | ProviderError] = {}
    for row in repo.series_to_refresh(limit, older_than_hours):
        name = "tvmaze" if row["tvmaze_id"] is not None else "tmdb"
        if name not in ready:
            try:
                ready[name] = get(name)
            except ProviderError as exc:
                ready[name] = exc
        provider = ready[name]
        if isinstance(provider, ProviderError):
            outcome.series.append(SeriesRefresh(row["media_id"], row["title"], error=str(provider)))
            continue
        try:
            outcome.series.append(refresh_one(row, provider))
        except ProviderError as exc:
            outcome.series.append(SeriesRefresh(row["media_id"], row["title"], error=str(exc)))
    return outcome
