"""Reading Letterboxd, IMDb and Trakt exports into records: no database needed."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from core.history_import import Refused, read_upload, source
from tests.unit.history_files import fixture, folder_zip, zipped


def by_kind(parsed, kind):
    return [r for r in parsed.records if r.kind == kind]


# -- Letterboxd -----------------------------------------------------------------------------------------

def test_letterboxd_zip_reads_every_part_of_the_real_export():
    parsed = read_upload("letterboxd-patrickmjones-2022.zip", folder_zip("letterboxd"))
    assert parsed.source == "letterboxd"
    assert parsed.problems == []
    counts = parsed.counts()
    # 30 diary rows; watched.csv adds its 10 films that are not in the diary, not the 10 that are
    assert counts["watch"] == 30 + 10
    assert counts["rating"] == 5 and counts["review"] == 8 and counts["watchlist"] == 11
    assert any("already in the diary" in note for note in parsed.notes)
    first = by_kind(parsed, "watch")[0]
    assert (first.title, first.year, first.when, first.media_type) == ("Soylent Green", 1973, date(1996, 8, 24),
                                                                        "Movie")
    undated = [r for r in by_kind(parsed, "watch") if r.file == "watched.csv"]
    assert undated and all(r.when is None for r in undated)


def test_letterboxd_stars_become_one_to_ten_and_rewatches_are_kept():
    parsed = read_upload("ratings.csv", fixture("letterboxd/ratings.csv"))
    assert {(r.title, r.rating) for r in parsed.records} >= {("The Shining", 10), ("Backcountry", 3)}
    diary = read_upload("diary.csv", fixture("letterboxd/diary.csv"))
    rewatched = [r for r in diary.records if r.rewatch]
    assert rewatched, "the excerpt holds rewatches"
    assert all(r.kind == "watch" for r in diary.records)


def test_letterboxd_multi_line_reviews_stay_whole():
    parsed = read_upload("reviews.csv", fixture("letterboxd/reviews.csv"))
    roma = next(r for r in parsed.records if r.title == "Roma")
    assert "crowning, delivery, placenta" in roma.review and "\n\nThat aside" in roma.review
    assert roma.review.endswith('Reminded me of "Oro, Plata, Mata."')
    assert roma.when == date(2018, 12, 30)


def test_letterboxd_lists_keep_order_name_and_description():
    parsed = read_upload("x.zip", folder_zip("letterboxd"))
    items = [r for r in by_kind(parsed, "list_item") if r.list_name == "All-Time Favorites"]
    assert [r.title for r in items][:3] == ["Sonatine", "2001: A Space Odyssey", "The Shining"]
    assert [r.position for r in items] == sorted(r.position for r in items)
    hong_kong = next(r for r in by_kind(parsed, "list_item") if r.list_name.startswith("Made in Hong Kong"))
    assert hong_kong.list_description.startswith("<b>Welcome to the 25th Annual")


def test_a_list_with_the_older_export_line_first_reads_the_same():
    text = fixture("letterboxd/lists/zatoichi.csv").decode()
    older = ("Letterboxd list export v7" + text).encode()
    assert [r.title for r in read_upload("l.csv", older).records] == \
        [r.title for r in read_upload("zatoichi.csv", text.encode()).records]


def test_letterboxd_import_format_reads_ids_and_ten_point_ratings():
    csv = ("Title,Year,imdbID,tmdbID,WatchedDate,Rating10,Review\n"
           "3 Idiots,2009,tt1187043,20453,2024-01-02,9,Great\n"
           "PK,2014,tt2338151,,,7,\n")
    parsed = read_upload("films.csv", csv.encode())
    assert [(r.kind, r.title, r.imdb_id, r.rating) for r in parsed.records] == [
        ("watch", "3 Idiots", "tt1187043", 9), ("review", "3 Idiots", "tt1187043", 9), ("rating", "PK", "tt2338151", 7)]


def test_stars_as_letterboxd_shows_them_and_an_export_inside_its_own_folder():
    csv = "Date,Name,Year,Letterboxd URI,Rating\n2020-01-01,Heat,1995,u,★★★★½\n"
    assert read_upload("ratings.csv", csv.encode()).records[0].rating == 9
    likes = "Date,Name,Year,Letterboxd URI\n2020-01-01,Heat,1995,https://boxd.it/x\n"
    parsed = read_upload("export.zip", zipped({"letterboxd-me-2024/likes/films.csv": likes,
                                               "letterboxd-me-2024/ratings.csv": csv}))
    assert parsed.counts()["watch"] == 0 and parsed.counts()["rating"] == 1


def test_profile_comments_and_likes_are_left_out_with_a_note():
    data = zipped({"profile.csv": "Date Joined,Username\n2019-01-01,someone\n",
                   "likes/films.csv": "Date,Name,Year,Letterboxd URI\n2020-01-01,Heat,1995,https://boxd.it/x\n",
                   "ratings.csv": fixture("letterboxd/ratings.csv")})
    parsed = read_upload("export.zip", data)
    assert parsed.counts()["rating"] == 5 and parsed.counts()["watch"] == 0
    assert any("profile.csv" in n for n in parsed.notes) and any("likes/" in n for n in parsed.notes)


# -- IMDb -------------------------------------------------------------------------------------------------

def test_imdb_ratings_export_skips_episodes_and_games_with_a_line_each():
    parsed = read_upload("ratings.csv", fixture("imdb/ratings.csv"))
    assert parsed.source == "imdb"
    assert [(r.imdb_id, r.rating, r.media_type) for r in parsed.records] == [
        ("tt1187043", 10, "Movie"), ("tt6077448", 9, "Series"), ("tt0133093", 8, "Movie")]
    assert parsed.records[0].when == date(2023, 5, 1)
    assert [str(p) for p in parsed.problems] == [
        "ratings.csv row 4: 'Mirzapur: Jhadap' is a TV episode; StreamSync tracks films and series, so it is skipped",
        ("ratings.csv row 5: 'Naruto Shippuden: Ultimate Ninja Storm' is a video game; StreamSync tracks films and "
        "series, so it is skipped")]


def test_imdb_oldest_layout_with_you_rated_and_long_dates():
    parsed = read_upload("ratings.csv", fixture("imdb/ratings_2017.csv"))
    assert [(r.imdb_id, r.rating, r.media_type) for r in parsed.records] == [
        ("tt5074352", 9, "Movie"), ("tt0169102", 8, "Movie"), ("tt6473300", 7, "Series")]
    assert parsed.records[0].when == datetime(2016, 11, 27)


def test_imdb_italian_site_export_reads_localised_title_types():
    parsed = read_upload("ratings.csv", fixture("imdb/ratings_it.csv"))
    assert [(r.title, r.media_type) for r in parsed.records] == [
        ("Tre idioti", "Movie"), ("Sacred Games", "Series"), ("Panchayat", "Series")]
    assert "is a TV episode" in str(parsed.problems[0])


def test_imdb_watchlist_and_list_exports():
    watchlist = read_upload("WATCHLIST.csv", fixture("imdb/WATCHLIST.csv"))
    assert [(r.kind, r.imdb_id, r.status) for r in watchlist.records] == [
        ("watchlist", "tt0986264", "plan_to_watch"), ("watchlist", "tt9544034", "plan_to_watch"),
        ("watchlist", "tt0111161", "plan_to_watch")]
    listed = read_upload("ls098765432.csv", fixture("imdb/ls098765432.csv"))
    assert [(r.kind, r.imdb_id, r.position) for r in listed.records] == [
        ("rating", "tt2338151", None), ("list_item", "tt2338151", 1), ("list_item", "tt0405508", 2)]


# -- Trakt ------------------------------------------------------------------------------------------------

def test_trakt_export_zip():
    parsed = read_upload("trakt-export.zip", folder_zip("trakt"))
    assert parsed.source == "trakt"
    watches = by_kind(parsed, "watch")
    assert len(watches) == 5
    assert watches[0].when == datetime(2024, 1, 3, 20, 15) and watches[0].tmdb_id == 20453
    episode = watches[3]
    assert (episode.title, episode.media_type, episode.season, episode.episode, episode.imdb_id) == \
        ("Sacred Games", "Series", 1, 1, "tt6077448")
    ratings = by_kind(parsed, "rating")
    assert [(r.title, r.rating) for r in ratings] == [("3 Idiots", 9), ("The Matrix", 7), ("Sacred Games", 10)]
    assert any("seasons or episodes are not imported" in n for n in parsed.notes)
    assert [(r.title, r.media_type) for r in by_kind(parsed, "watchlist")] == [("PK", "Movie"), ("Panchayat", "Series")]
    items = by_kind(parsed, "list_item")
    assert {(r.list_name, r.list_description) for r in items} == {("Hirani and friends", "Films I show people first")}
    assert sorted((r.position, r.title) for r in items) == [(1, "PK"), (2, "3 Idiots")]
    review = by_kind(parsed, "review")[0]
    assert review.spoilers and review.review.startswith("All is well")
    assert any("collection" in n for n in parsed.notes)


def test_lone_surrogates_in_json_become_replacement_characters():
    text = fixture("trakt/comments.json").decode().replace("All is well.", "All is well \\ud83d.")
    review = read_upload("comments.json", text.encode()).records[0].review
    assert review.startswith("All is well \ufffd.")
    review.encode("utf-8")  # storable


def test_one_trakt_file_alone_and_traktexport_bundle():
    alone = read_upload("watched-history.json", fixture("trakt/watched-history.json"))
    assert alone.counts()["watch"] == 5
    bundle = ('{"username": "me", "history": ' + fixture("trakt/watched-history.json").decode() +
              ', "ratings": ' + fixture("trakt/ratings-movies.json").decode() + "}")
    parsed = read_upload("trakt.json", bundle.encode())
    assert parsed.counts()["watch"] == 5 and parsed.counts()["rating"] == 2


# -- bad input: one clear line each ----------------------------------------------------------------------

DIARY = fixture("letterboxd/diary.csv").decode()


def test_bom_windows_1252_and_crlf_read_like_plain_utf8():
    plain = read_upload("diary.csv", DIARY.encode())
    for variant in (b"\xef\xbb\xbf" + DIARY.encode(), DIARY.replace("\n", "\r\n").encode(),
                    DIARY.encode("cp1252", errors="replace")):
        again = read_upload("diary.csv", variant)
        assert [(r.title, r.when) for r in again.records] == [(r.title, r.when) for r in plain.records]
    accented = "Date,Name,Year,Letterboxd URI,Rating\n2020-01-01,Amélie,2001,https://boxd.it/1,4\n"
    assert read_upload("ratings.csv", accented.encode("cp1252")).records[0].title == "Amélie"


@pytest.mark.parametrize("value, message", [
    ("11", "the rating '11' is not 0.5 to 5 stars in half steps"),
    ("abc", "the rating 'abc' is not a number of stars (0.5 to 5)"),
])
def test_a_bad_rating_is_one_line_and_the_rest_is_read(value, message):
    csv = f"Date,Name,Year,Letterboxd URI,Rating\n2020-01-01,Heat,1995,u,4\n2020-01-02,Ran,1985,u,{value}\n"
    parsed = read_upload("ratings.csv", csv.encode())
    assert [r.title for r in parsed.records] == ["Heat"]
    assert [str(p) for p in parsed.problems] == [f"ratings.csv row 2: {message}; the row is skipped"]


def test_imdb_rating_of_eleven_and_a_date_that_does_not_exist():
    csv = ("Const,Your Rating,Date Rated,Title,URL,Title Type,Year\n"
           "tt0000001,11,2020-01-01,A,u,Movie,2000\n"
           "tt0000002,7,31/02/2020,B,u,Movie,2000\n"
           "tt0000003,7,2020-02-29,C,u,Movie,2000\n")
    parsed = read_upload("ratings.csv", csv.encode())
    assert [r.title for r in parsed.records] == ["C"]
    assert [str(p) for p in parsed.problems] == [
        "ratings.csv row 1: the rating '11' is not a whole number from 1 to 10; the row is skipped",
        ("ratings.csv row 2: the date '31/02/2020' is not a real date (or not in a form StreamSync reads, such as "
        "2024-02-29); the row is skipped")]


def test_a_renamed_or_missing_column_refuses_the_file():
    renamed = DIARY.replace("Name,Year", "Film,Year", 1)
    with pytest.raises(Refused, match="has columns"):
        read_upload("diary.csv", renamed.encode())
    no_rating = "Date,Name,Year,Letterboxd URI,Stars\n2020-01-01,Heat,1995,u,4\n"
    parsed = read_upload("watched.csv", no_rating.encode())  # without Rating it reads as watched films
    assert parsed.counts()["watch"] == 1
    with pytest.raises(Refused, match=r"has no column 'Title' \(renamed or missing\?\)"):
        read_upload("ratings.csv", b"Const,Your Rating,Name\ntt0000001,5,x\n")


def test_uploads_over_the_limit_name_the_limit():
    with pytest.raises(Refused, match=r"uploads may be at most 10 MB \(STREAMSYNC_IMPORT_MAX_MB\)"):
        read_upload("big.csv", b"x" * (10 * 1024 * 1024 + 1))


def test_the_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setattr(source, "ENVIRON", {"STREAMSYNC_IMPORT_MAX_MB": "1"})
    with pytest.raises(Refused, match="at most 1 MB"):
        read_upload("big.csv", DIARY.encode() * 600)


def test_zip_bombs_and_climbing_paths_are_refused_before_reading():
    bomb = zipped({"diary.csv": "a" * (201 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    with pytest.raises(Refused, match="would expand to more than 200 MB"):
        read_upload("bomb.zip", bomb)
    for path in ("../diary.csv", "lists/../../etc/passwd", "/etc/passwd", "C:/x.csv"):
        with pytest.raises(Refused, match="unsafe path"):
            read_upload("evil.zip", zipped({path: DIARY}))


@pytest.mark.parametrize("data, message", [
    (b"%PDF-1.7 ...", "is a PDF document, not a CSV, JSON or ZIP export"),
    (b"\x00\x01binary\x00", "is not a text file"),
    (b"Title,Date\nThe Crown: Season 1,12/11/2021\n", "is a Netflix viewing-activity file: StreamSync imports"),
    (b"userId,movieId,rating,timestamp\n1,1,4.0,964982703\n", "is a MovieLens data file"),
    (b'[{"name": "x"}]', "is JSON but not a Trakt export"),
    (b"just some notes\nnothing more\n", "is not a CSV export"),
    (b"PK\x03\x04broken", "is not a readable ZIP"),
])
def test_other_files_are_refused_with_one_line(data, message):
    with pytest.raises(Refused, match=message) as refused:
        read_upload("upload.csv", data)
    assert "\n" not in str(refused.value)
