"""Matching imported titles to the catalog: pure Python over a catalog handed to it."""
from __future__ import annotations

import pytest

from core.history_import.matching import Catalog, match_all, match_one
from core.history_import.records import Record
from core.history_import.titles import title_key

CATALOG = Catalog.of([
    {"media_id": 1, "title": "Matrix, The", "release_year": 1999, "media_type": "Movie", "imdb_id": "tt0133093",
     "tmdb_id": 603},
    {"media_id": 2, "title": "Amélie", "release_year": 2001, "media_type": "Movie", "imdb_id": None, "tmdb_id": None},
    {"media_id": 3, "title": "Dune", "release_year": 1984, "media_type": "Movie", "imdb_id": None, "tmdb_id": None},
    {"media_id": 4, "title": "Dune", "release_year": 2021, "media_type": "Movie", "imdb_id": None, "tmdb_id": None},
    {"media_id": 5, "title": "Crash", "release_year": 2004, "media_type": "Movie", "imdb_id": None, "tmdb_id": None},
    {"media_id": 6, "title": "Crash", "release_year": 2004, "media_type": "Series", "imdb_id": None,
     "tmdb_id": 603},
    {"media_id": 7, "title": "Parasite", "release_year": 2019, "media_type": "Movie", "imdb_id": None,
     "tmdb_id": None},
    {"media_id": 8, "title": "Spider-Man: Into the Spider-Verse", "release_year": 2018, "media_type": "Movie",
     "imdb_id": None, "tmdb_id": None},
    {"media_id": 9, "title": "Spirited Away", "original_title": "Sen to Chihiro no kamikakushi", "release_year": 2001,
     "media_type": "Movie", "imdb_id": None, "tmdb_id": None},
])


def record(title, year=None, **extra):
    return Record(kind="watch", source="test", file="f.csv", row=1, title=title, year=year, **extra)


@pytest.mark.parametrize("title, expected", [
    ("The Matrix", "matrix"), ("Matrix, The", "matrix"), ("MATRIX", "matrix"), ("Amélie", "amelie"),
    ("L'Avventura", "avventura"), ("Avventura, L'", "avventura"), ("Don’t Look Up", "dont look up"),
    ("Fast & Furious", "fast and furious"), ("The", "the"),
])
def test_title_keys(title, expected):
    assert title_key(title) == expected


def test_ids_come_first_even_when_the_title_differs():
    found = match_one(record("Matrice", 1990, imdb_id="tt0133093"), CATALOG)
    assert (found.status, found.how, found.media_id) == ("matched", "imdb id", 1)
    # TMDb numbers films and series apart: 603 is the film here and the series there
    assert match_one(record("x", tmdb_id=603, media_type="Movie"), CATALOG).media_id == 1
    assert match_one(record("x", tmdb_id=603, media_type="Series"), CATALOG).media_id == 6


@pytest.mark.parametrize("title, year, media_id", [
    ("The Matrix", 1999, 1), ("the matrix", 2000, 1), ("Amelie", 2001, 2), ("Dune", 2021, 4), ("Dune", 1985, 3),
    ("Spider-Man: Into the Spider-Verse", 2018, 8), ("Spiderman Into the Spider Verse", 2018, 8),
    ("Sen to Chihiro no Kamikakushi", 2001, 9),
])
def test_title_and_year_with_a_year_either_side(title, year, media_id):
    found = match_one(record(title, year, media_type="Movie"), CATALOG)
    assert (found.status, found.media_id) == ("matched", media_id)


def test_without_a_year_two_dunes_are_asked():
    found = match_one(record("Dune"), CATALOG)
    assert found.status == "ambiguous" and {c.media_id for c in found.candidates} == {3, 4}


def test_the_type_decides_between_a_film_and_a_series_of_one_title():
    assert match_one(record("Crash", 2004, media_type="Movie"), CATALOG).media_id == 5
    assert match_one(record("Crash", 2004, media_type="Series"), CATALOG).media_id == 6
    assert match_one(record("Crash", 2004), CATALOG).status == "ambiguous"


def test_a_close_spelling_is_offered_not_taken_and_another_year_is_no_match():
    close = match_one(record("Parasyte", 2019, media_type="Movie"), CATALOG)
    assert close.status == "ambiguous" and close.candidates[0].media_id == 7
    assert match_one(record("Parasite", 2012, media_type="Movie"), CATALOG).status == "unmatched"
    assert match_one(record("Heat", 1995), CATALOG).status == "unmatched"


def test_records_of_one_title_are_matched_once():
    records = [record("The Matrix", 1999), record("Matrix, The", 1999), record("Dune", 2021)]
    assert len(match_all(records, CATALOG)) == 2
