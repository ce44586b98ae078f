"""My statistics: the figures db.my_stats aggregates, shaped for the page (whole numbers, hours, every
weekday and rating present, zeros included). Five statements on one read connection whatever the data."""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field

from db import my_stats as repo
from db.engine import read

WEEKDAYS = list(calendar.day_name)  # Monday first, as MySQL's WEEKDAY()


def _int(value) -> int:
    return int(value or 0)


@dataclass(slots=True)
class Stats:
    years: list[int]
    year: int | None
    totals: dict
    months: list[dict] = field(default_factory=list)     # {month, watches, films, episodes}
    weekdays: list[dict] = field(default_factory=list)   # {weekday, watches}
    genres: list[dict] = field(default_factory=list)     # {genre, titles}
    decades: list[dict] = field(default_factory=list)    # {decade, titles}
    ratings: list[dict] = field(default_factory=list)    # {rating, whose: Mine|Community, titles}
    actors: list[dict] = field(default_factory=list)
    directors: list[dict] = field(default_factory=list)
    review: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.totals["watches"]


def load(username: str, year: int | None = None, review_year: int | None = None) -> Stats:
    """All of `username`'s figures (for one year, or all time when year is None) and the year in review of
    review_year (the latest year with a dated watch when None)."""
    with read() as conn:
        years = [r["year"] for r in repo.years(conn, username)]
        raw = repo.totals(conn, username, year)
        buckets = repo.buckets(conn, username, year)
        people = repo.people(conn, username, year)
        review_year = review_year if review_year in years else (years[0] if years else None)
        review = repo.year_review(conn, username, review_year) if review_year else []
    totals = {k: _int(raw[k]) for k in ("watches", "films", "film_watches", "episodes", "series", "rewatches",
                                        "undated", "streak_days")}
    totals["hours"] = round(_int(raw["minutes"]) / 60, 1)
    totals["streak_from"], totals["streak_to"] = raw["streak_from"], raw["streak_to"]
    stats = Stats(years, year, totals)
    by_chart: dict[str, list[dict]] = {}
    for row in buckets:
        by_chart.setdefault(row["chart"], []).append(row)
    stats.months = sorted(({"month": r["label"], "watches": _int(r["n"]), "films": _int(r["films"]),
                            "episodes": _int(r["n"]) - _int(r["films"])} for r in by_chart.get("month", [])),
                          key=lambda r: r["month"])
    per_day = {_int(r["sort"]): _int(r["n"]) for r in by_chart.get("weekday", [])}
    stats.weekdays = [{"weekday": name, "watches": per_day.get(i, 0)} for i, name in enumerate(WEEKDAYS)]
    stats.genres = sorted(({"genre": r["label"], "titles": _int(r["n"])} for r in by_chart.get("genre", [])),
                          key=lambda r: (-r["titles"], r["genre"]))
    stats.decades = sorted(({"decade": r["label"], "titles": _int(r["n"]), "sort": _int(r["sort"])}
                            for r in by_chart.get("decade", [])), key=lambda r: r["sort"])
    for chart, whose in (("mine", "Mine"), ("community", "Community")):
        counts = {_int(r["sort"]): _int(r["n"]) for r in by_chart.get(chart, [])}
        stats.ratings += [{"rating": n, "whose": whose, "titles": counts.get(n, 0)} for n in range(1, 11)]
    stats.actors = [p for p in people if p["role"] == "actor"]
    stats.directors = [p for p in people if p["role"] == "director"]
    stats.review = {"year": review_year}
    for row in review:
        stats.review.setdefault(row["section"], []).append(row)
    return stats


def streak_text(totals: dict) -> str:
    days = totals["streak_days"]
    if not days:
        return "no dated watches yet"
    start, end = totals["streak_from"], totals["streak_to"]
    span = f"{start:%d %b %Y}" if start == end else f"{start:%d %b} – {end:%d %b %Y}"
    return f"{days} day{'s' if days != 1 else ''} ({span})"
