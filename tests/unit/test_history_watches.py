"""Which watch events an import adds (core.history_import.watches): pure rules, no database."""
from __future__ import annotations

from datetime import date, datetime

from core.history_import.records import Record
from core.history_import.watches import plan
from db.errors import DataRuleError

FILM, SERIES, EPISODE = 1, 2, 20


def stamp(value):
    """The diary's rule as issue 9 writes it: a date is noon of that day; the future is refused."""
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime) else value
    if day > date(2026, 1, 1):
        raise DataRuleError(f"{day:%d %b %Y} is in the future: log a watch once it has happened.")
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day, 12)


def watch(when=None, rewatch=False, row=1):
    return Record(kind="watch", source="t", file="diary.csv", row=row, title="x", when=when, rewatch=rewatch)


def test_dated_watches_count_viewings_in_date_order():
    rows, already, problems = plan([(watch(date(2020, 5, 1), row=2), FILM, None),
                                    (watch(date(2019, 1, 1), row=1), FILM, None)], [], stamp)
    assert [(r["watched_at"].date(), r["viewing"]) for r in rows] == [(date(2019, 1, 1), 1), (date(2020, 5, 1), 2)]
    assert (already, problems) == (0, [])


def test_the_same_file_twice_adds_nothing():
    first, _, _ = plan([(watch(date(2020, 5, 1)), FILM, None), (watch(), FILM + 1, None),
                        (watch(datetime(2024, 3, 1, 18, 0)), SERIES, EPISODE)], [], stamp)
    existing = [dict(r) for r in first]
    again, already, _ = plan([(watch(date(2020, 5, 1)), FILM, None), (watch(), FILM + 1, None),
                              (watch(datetime(2024, 3, 1, 18, 0)), SERIES, EPISODE)], existing, stamp)
    assert again == [] and already == 3


def test_an_undated_watch_only_where_nothing_says_when():
    existing = [{"media_id": FILM, "episode_id": None, "viewing": 1, "watched_at": datetime(2018, 1, 1, 12)}]
    rows, already, _ = plan([(watch(), FILM, None), (watch(), FILM + 1, None),
                             (watch(), FILM + 2, None), (watch(date(2020, 1, 1)), FILM + 2, None)], existing, stamp)
    assert [(r["media_id"], r["watched_at"], r["viewing"]) for r in rows] == [
        (FILM + 1, None, 1), (FILM + 2, datetime(2020, 1, 1, 12), 1)]
    assert already == 2


def test_a_first_logged_rewatch_means_an_earlier_undated_viewing():
    rows, _, _ = plan([(watch(date(2021, 6, 13), rewatch=True), FILM, None)], [], stamp)
    assert [(r["watched_at"], r["viewing"]) for r in rows] == [(None, 1), (datetime(2021, 6, 13, 12), 2)]
    existing = [{"media_id": FILM, "episode_id": None, "viewing": 1, "watched_at": None}]
    rows, _, _ = plan([(watch(date(2021, 6, 13), rewatch=True), FILM, None)], existing, stamp)
    assert [(r["watched_at"], r["viewing"]) for r in rows] == [(datetime(2021, 6, 13, 12), 2)]


def test_new_watches_count_on_from_the_diary_and_the_future_is_one_line():
    existing = [{"media_id": SERIES, "episode_id": EPISODE, "viewing": 1, "watched_at": datetime(2023, 1, 1, 20)}]
    rows, _, problems = plan([(watch(datetime(2024, 1, 1, 20)), SERIES, EPISODE),
                              (watch(date(2030, 1, 1), row=7), FILM, None)], existing, stamp)
    assert [(r["episode_id"], r["viewing"]) for r in rows] == [(EPISODE, 2)]
    assert [str(p) for p in problems] == [
        "diary.csv row 7: 01 Jan 2030 is in the future: log a watch once it has happened. The watch is skipped."]
