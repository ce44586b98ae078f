"""The table editor: grid edits become checked inserts, updates and deletes on every catalog table, bad values
and broken rules name their row and write nothing, deletes say what cascades, names outside the whitelist are
refused, and the activity log names the editor."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from core import moderation, reviews, tables
from core import table_editor as te
from core.permissions import CATALOG_TABLES
from db import statement_counter
from db.engine import execute, fetch_all, scalar, transaction
from db.errors import DataRuleError, PermissionDenied
from db.whitelist import NotInWhitelist, catalog
from tests.accounts_helpers import make_user
from tests.apptest import open_app, texts
from tests.catalog_helpers import add_genre, add_person, add_title, edit, insert, name, rows
from ui.cards import md
from ui.session import SESSION_ENDED


@pytest.fixture
def moderator(empty_db):
    return make_user(name("mod"), role="moderator")


@pytest.fixture
def admin(empty_db):
    return make_user(name("adm"), role="admin")


def catalog_case(actor: str, table: str) -> tuple[dict, dict, dict]:
    """(row to insert, filter that finds it, change to make) for each catalog table, parents made first."""
    if table == "media":
        return {"title": "Lagaan", "media_type": "Movie", "release_year": 2001.0}, {"title": "Lagaan"}, \
            {"release_year": 2002}
    if table == "genres":
        return {"name": "Sports drama"}, {"name": "Sports drama"}, {"name": "Sports"}
    if table == "people":
        return {"name": "Aamir Khan", "birthdate": "1965-03-14"}, {"name": "Aamir Khan"}, {"name": "Aamir"}
    if table == "episodes":
        series = add_title(actor, "Panchayat", "Series")
        return ({"media_id": series, "season_number": 1, "episode_number": 1, "title": "Gram Panchayat"},
                {"media_id": series}, {"title": "Pilot"})
    movie = add_title(actor, "Dangal")
    person = add_person(actor, "Nitesh Tiwari")
    if table == "media_genres":
        first, second = add_genre(actor, "Drama"), add_genre(actor, "Biography")
        return {"media_id": movie, "genre_id": first}, {"media_id": movie}, {"genre_id": second}
    if table == "media_cast":
        return ({"media_id": movie, "person_id": person, "character_name": "Mahavir"}, {"media_id": movie},
                {"character_name": "Mahavir Singh Phogat"})
    return {"media_id": movie, "person_id": person, "role": "Director"}, {"media_id": movie}, {"role": "Writer"}


@pytest.mark.parametrize("table", sorted(CATALOG_TABLES))
def test_insert_update_delete_on_each_catalog_table(moderator, table):
    new_row, finder, change = catalog_case(moderator, table)
    edit(moderator, table, {"added_rows": [new_row]})
    found = rows(table, "moderator", **finder)
    assert len(found) == 1
    key = catalog().table(table).primary_key
    if len(key) == 1:  # from now on find the row by its id: the change may alter what found it
        finder = {key[0]: found[0][key[0]]}

    edit(moderator, table, {"edited_rows": {0: change}}, found)
    changed = rows(table, "moderator", **finder)
    assert len(changed) == 1
    for column, value in change.items():
        assert str(changed[0][column]) == str(value)

    edit(moderator, table, {"deleted_rows": [0]}, changed)
    assert rows(table, "moderator", **finder) == []
    logged = fetch_all("SELECT DISTINCT username, operation FROM activity_log WHERE table_name = :t", t=table)
    assert {(r["username"], r["operation"]) for r in logged} == {
        (moderator, "INSERT"), (moderator, "UPDATE"), (moderator, "DELETE")}


def test_foreign_keys_are_picked_by_label_and_saved_as_ids(moderator):
    series = add_title(moderator, "Kota Factory", "Series")
    choices = tables.fk_choices("episodes", [], {"media_id": "kota"})
    assert choices == {"media_id": {series: "Kota Factory"}}
    options = te.picker_options(choices["media_id"])
    assert list(options) == [f"Kota Factory · #{series}"]
    edit(moderator, "episodes", {"added_rows": [{"media_id": f"Kota Factory · #{series}", "season_number": 1,
                                                 "episode_number": 1, "title": "Inventory"}]},
         decoder=te.Decoder({"media_id": options}))
    episode = rows("episodes", media_id=series)[0]
    assert episode["media_id"] == series
    assert tables.fk_choices("episodes", [episode]) == {"media_id": {series: "Kota Factory"}}
    with pytest.raises(te.InvalidChanges, match="pick one of the offered choices"):
        te.diff(catalog().table("episodes"), [], {"added_rows": [{"media_id": "Something else"}]},
                te.Decoder({"media_id": options}))


def assert_refused(actor, table, state, original, message, count_sql):
    before = scalar(count_sql)
    with pytest.raises(te.InvalidChanges) as refused:
        edit(actor, table, state, original)
    assert message in str(refused.value)
    assert scalar(count_sql) == before


def test_a_bad_email_names_its_row_and_writes_nothing(admin):
    victim = make_user(name("usr"))
    original = rows("users", username=victim)
    with pytest.raises(te.InvalidChanges) as refused:
        edit(admin, "users", {"edited_rows": {0: {"email": "not-an-email", "firstname": "Changed"}}}, original)
    assert refused.value.problems == [te.RowProblem(f"row username {victim}", "That is not a valid email address.")]
    assert rows("users", username=victim)[0]["firstname"] == "Test"


def test_a_bad_rating_is_refused_and_nothing_of_the_batch_is_kept(admin):
    viewer, other = make_user(name("usr")), make_user(name("usr"))
    movie = add_title(admin, "Sholay")
    insert(admin, "reviews", username=viewer, media_id=movie, review_text="Classic", rating=9)
    review = rows("reviews", media_id=movie)
    state = {"edited_rows": {0: {"review_text": "Still a classic"}},
             "added_rows": [{"username": other, "media_id": movie, "review_text": "Too long", "rating": 11}]}
    with pytest.raises(te.InvalidChanges) as refused:
        edit(admin, "reviews", state, review)
    assert refused.value.problems == [te.RowProblem("new row 1", "A rating is a whole number from 1 to 10.")]
    assert [(r["review_text"], r["rating"]) for r in rows("reviews", media_id=movie)] == [("Classic", 9)]
    assert scalar("SELECT average_rating FROM media WHERE media_id = :m", m=movie) == 9


def test_an_enum_value_outside_its_list_is_refused_before_the_database(moderator):
    movie = add_title(moderator, "Andhadhun")
    original = rows("media", media_id=movie)
    assert_refused(moderator, "media", {"edited_rows": {0: {"age_rating": "X-rated"}}}, original,
                   "age_rating must be one of: G, PG", "SELECT COUNT(*) FROM activity_log")
    person = add_person(moderator, "Sriram Raghavan")
    assert_refused(moderator, "media_crew", {"added_rows": [{"media_id": movie, "person_id": person,
                                                             "role": "Dancer"}]}, [],
                   "role must be one of: Director", "SELECT COUNT(*) FROM media_crew")


def test_a_duplicate_key_names_the_new_row_and_keeps_the_whole_batch_out(moderator):
    add_genre(moderator, "Thriller")
    state = {"added_rows": [{"name": "Romance"}, {"name": "Thriller"}]}
    with pytest.raises(te.InvalidChanges) as refused:
        edit(moderator, "genres", state)
    assert refused.value.problems[0].row == "new row 2"
    assert "'Thriller' is already taken" in refused.value.problems[0].message
    assert rows("genres", name="Romance") == []


def test_a_dangling_foreign_key_is_refused(moderator):
    genre = add_genre(moderator, "Comedy")
    assert_refused(moderator, "media_genres", {"added_rows": [{"media_id": 987654, "genre_id": genre}]}, [],
                   "refers to a row that does not exist", "SELECT COUNT(*) FROM media_genres")


def test_missing_required_values_and_wrong_types_name_their_rows(moderator):
    with pytest.raises(te.InvalidChanges) as refused:
        te.diff(catalog().table("media"), [], {"added_rows": [{"title": "No type"},
                                                              {"title": "Year", "media_type": "Movie",
                                                               "release_year": "two thousand"}]})
    assert refused.value.problems == [
        te.RowProblem("new row 1", "fill in media_type."),
        te.RowProblem("new row 2", "release_year must be a whole number, not 'two thousand'."),
    ]


def test_a_trigger_rule_is_shown_in_plain_words(moderator):
    movie = add_title(moderator, "Swades")
    assert_refused(moderator, "episodes", {"added_rows": [{"media_id": movie, "season_number": 1,
                                                           "episode_number": 1, "title": "Nope"}]}, [],
                   "Episodes can only belong to a Series, not to a Movie.", "SELECT COUNT(*) FROM episodes")


def test_the_cascade_summary_equals_what_a_delete_removes(admin):
    viewer, other = make_user(name("usr")), make_user(name("usr"))
    series = add_title(admin, "Sacred Games", "Series")
    for number in (1, 2, 3):
        insert(admin, "episodes", media_id=series, season_number=1, episode_number=number, title=f"Episode {number}")
    person, genre = add_person(admin, "Saif Ali Khan"), add_genre(admin, "Crime")
    insert(admin, "media_cast", media_id=series, person_id=person, character_name="Sartaj")
    insert(admin, "media_genres", media_id=series, genre_id=genre)
    for who in (viewer, other):
        insert(admin, "reviews", username=who, media_id=series, review_text="Gripping", rating=8)
        insert(admin, "watchlist_items", username=who, media_id=series, status="watching")
    episode = rows("episodes", media_id=series)[1]["episode_id"]
    insert(admin, "series_progress", username=viewer, media_id=series, last_watched_episode_id=episode)
    counted = ["episodes", "media_cast", "media_genres", "reviews", "watchlist_items", "series_progress",
              "people", "genres", "users"]
    before = {t: scalar(f"SELECT COUNT(*) FROM {t}") for t in counted}

    summary = tables.cascade_summary("media", [{"media_id": series}])
    said = {t: n for verb, t, n in summary if verb == "deletes" and n}
    assert said == {"episodes": 3, "media_cast": 1, "media_genres": 1, "reviews": 2, "watchlist_items": 2,
                    "series_progress": 1}
    assert te.describe_cascade(summary).startswith("also deletes 3 episodes")

    edit(admin, "media", {"deleted_rows": [0]}, rows("media", media_id=series))
    removed = {t: before[t] - scalar(f"SELECT COUNT(*) FROM {t}") for t in counted}
    assert {t: n for t, n in removed.items() if n} == said


def test_a_deleted_episode_clears_progress_pointers_and_the_summary_says_so(moderator, admin):
    viewer = make_user(name("usr"))
    series = add_title(moderator, "Aspirants", "Series")
    insert(moderator, "episodes", media_id=series, season_number=1, episode_number=1, title="Pilot")
    episode = rows("episodes", media_id=series)
    insert(admin, "series_progress", username=viewer, media_id=series, last_watched_episode_id=episode[0]["episode_id"])
    summary = tables.cascade_summary("episodes", [{"episode_id": episode[0]["episode_id"]}])
    assert te.describe_cascade(summary) == "clears the reference in 1 series progress record"
    edit(moderator, "episodes", {"deleted_rows": [0]}, episode)
    assert scalar("SELECT last_watched_episode_id FROM series_progress WHERE username = :u", u=viewer) is None


@pytest.mark.parametrize("call, error", [
    (lambda: tables.browse("admin", "no_such_table"), NotInWhitelist),
    (lambda: tables.browse("admin", "media; DROP TABLE media"), NotInWhitelist),
    (lambda: tables.browse("admin", "media", sort="title DESC; DROP TABLE media"), NotInWhitelist),
    (lambda: tables.browse("admin", "media", filter_column="1=1 OR title", filter_value="x"), NotInWhitelist),
    (lambda: tables.browse("admin", "media", filter_column="title", filter_op="REGEXP", filter_value="x"),
     NotInWhitelist),
    (lambda: tables.browse("admin", "users", sort="password_hash"), NotInWhitelist),
    (lambda: tables.browse("admin", "media", sort="description"), NotInWhitelist),  # no index: a full sort
    (lambda: tables.browse("admin", "users", filter_column="password_hash", filter_value="$2b"), NotInWhitelist),
    (lambda: te.diff(catalog().table("users"), [{"username": "someone"}],
                     {"edited_rows": {0: {"password_hash": "x"}}}), NotInWhitelist),
    (lambda: tables.browse("admin", "user_sessions"), PermissionDenied),
    (lambda: tables.browse("moderator", "users"), PermissionDenied),
])
def test_names_outside_the_whitelist_are_refused(empty_db, call, error):
    with pytest.raises(error):
        call()


def test_the_whitelist_never_holds_a_password_hash(admin):
    assert "password_hash" not in catalog().table("users").columns
    assert "password_hash" not in rows("users", username=admin)[0]


def test_read_only_columns_cannot_be_written(moderator):
    movie = add_title(moderator, "Taare Zameen Par")
    with pytest.raises(te.InvalidChanges, match="average_rating is kept by the server"):
        te.diff(catalog().table("media"), rows("media", media_id=movie), {"edited_rows": {0: {"average_rating": 10}}})


def test_sorting_is_offered_on_indexed_columns(empty_db):
    assert catalog().table("reviews").sortable == ("review_id", "username", "media_id", "hidden_by", "created_at")
    assert {"title", "release_year", "media_type", "average_rating"} <= set(catalog().table("media").sortable)


def test_browse_filters_sorts_and_pages_in_sql(moderator):
    for year in range(2000, 2012):
        insert(moderator, "media", title=f"Film {year}", media_type="Movie", release_year=year)
    page = tables.browse("moderator", "media", filter_column="title", filter_op="contains", filter_value="Film 20",
                         sort="release_year", descending=True, page=2, page_size=5)
    assert page.total == 12 and page.pages == 3 and not page.capped
    assert [r["release_year"] for r in page.rows] == [2006, 2005, 2004, 2003, 2002]
    literal = tables.browse("moderator", "media", filter_column="title", filter_value="100%")
    assert literal.total == 0  # % is matched literally, not as a wildcard


def test_a_moderator_may_not_save_to_user_tables_and_an_admin_may(moderator, admin):
    viewer = make_user(name("usr"))
    original = rows("users", username=viewer)
    with pytest.raises(PermissionDenied):
        edit(moderator, "users", {"edited_rows": {0: {"firstname": "Hacked"}}}, original)
    edit(admin, "users", {"edited_rows": {0: {"firstname": "Renamed"}}}, original)
    assert rows("users", username=viewer)[0]["firstname"] == "Renamed"
    assert scalar("SELECT username FROM activity_log WHERE table_name = 'users' AND record_id = :u "
                  "AND operation = 'UPDATE'", u=viewer) == admin


def test_new_accounts_are_not_made_in_the_grid(admin):
    with pytest.raises(te.InvalidChanges, match="created by registering"):
        te.diff(catalog().table("users"), [], {"added_rows": [{"username": "newbie"}]})


def test_the_grid_cannot_remove_the_last_admin(admin):
    original = rows("users", username=admin)
    with pytest.raises(DataRuleError, match="no admin"):
        edit(admin, "users", {"edited_rows": {0: {"role": "user"}}}, original)
    assert rows("users", username=admin)[0]["role"] == "admin"


def test_the_editor_page_shows_a_table_in_a_fixed_number_of_statements(moderator):
    series = add_title(moderator, "Scam 1992", "Series")
    for number in range(1, 4):
        insert(moderator, "episodes", media_id=series, season_number=1, episode_number=number, title=f"Part {number}")
    at = open_app(moderator, "app_pages/moderation_editor.py")
    assert not at.exception
    assert at.selectbox(key="ed_table").options == sorted(CATALOG_TABLES)
    at.selectbox(key="ed_table").set_value("episodes").run()
    assert not at.exception
    assert "3 rows" in texts(at)
    assert at.text_input(key="ed_find_episodes_media_id").label == "Find a media row for media_id"
    grid = at.dataframe[0].value
    assert list(grid["media_id"]) == [f"Scam 1992 · #{series}"] * 3  # the foreign key shows its title
    with statement_counter.measure() as m:
        at.run()
    assert m.statements <= 4  # session check, capped count, one page, the labels of its foreign keys


def test_an_admin_sees_user_tables_but_never_a_password_hash(admin):
    at = open_app(admin, "app_pages/moderation_editor.py")
    assert "users" in at.selectbox(key="ed_table").options
    at.selectbox(key="ed_table").set_value("users").run()
    assert not at.exception
    grid = at.dataframe[0].value
    assert admin in list(grid["username"]) and "password_hash" not in grid.columns


# --- hostile input and stale state (moderation QA pass) --------------------
def test_every_row_the_database_refuses_is_named_and_nothing_is_kept(moderator):
    movie = add_title(moderator, "Kahaani")
    state = {"edited_rows": {0: {"runtime_minutes": 5000}},
             "added_rows": [{"title": "Early", "media_type": "Movie", "release_year": 1500},
                            {"title": "Fine", "media_type": "Movie", "release_year": 2012}]}
    with pytest.raises(te.InvalidChanges) as refused:
        edit(moderator, "media", state, rows("media", media_id=movie))
    assert refused.value.problems == [
        te.RowProblem(f"row media_id {movie}", "The runtime must be between 1 and 1000 minutes."),
        te.RowProblem("new row 1", "The release year must be between 1888 and 2100."),
    ]
    assert scalar("SELECT COUNT(*) FROM media") == 1  # "Fine" was not kept either
    assert rows("media", media_id=movie)[0]["runtime_minutes"] is None


@pytest.mark.parametrize("table, column", [("people", "birthdate"), ("users", "dob")])
def test_a_birth_date_in_the_future_is_refused(moderator, table, column):
    admin = make_user(name("adm"), role="admin")
    original = rows("people", person_id=add_person(admin, "Vidya Balan")) if table == "people" \
        else rows("users", username=moderator)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    with pytest.raises(te.InvalidChanges, match=f"{column} cannot be in the future"):
        edit(admin, table, {"edited_rows": {0: {column: tomorrow}}}, original)


def test_deleting_a_moderator_in_the_grid_keeps_their_hidings_hidden(moderator):
    admin, author = make_user(name("adm"), role="admin"), make_user(name("usr"))
    reviews.save_review(author, add_title(admin, "Queen"), 7, "Rani rocks", False)
    review = scalar("SELECT review_id FROM reviews WHERE username = :u", u=author)
    moderation.hide_review(moderator, review, "Spoilers")
    key = [{"username": moderator}]
    assert "clears" not in te.describe_cascade(tables.cascade_summary("users", key))  # the preview tells no tale
    edit(admin, "users", {"deleted_rows": [0]}, rows("users", username=moderator))
    assert scalar("SELECT hidden_by FROM reviews WHERE review_id = :r", r=review) == admin


def test_a_filter_value_that_does_not_fit_is_named_as_typed(moderator):
    at = open_app(moderator, "app_pages/moderation_editor.py")
    at.selectbox(key="ed_fcol_media").set_value("release_year")
    at.selectbox(key="ed_fop_media").set_value("equals")
    at.text_input(key="ed_fval_media").set_value("**1999**").run()
    assert not at.exception
    assert r"not '\*\*1999\*\*'" in at.error[0].value
    at.text_input(key="ed_fval_media").set_value("100%_'\"").run()  # text filters take anything literally
    at.selectbox(key="ed_fcol_media").set_value("title").run()
    assert not at.exception and "No rows match" in texts(at)


def test_the_grid_cannot_lock_out_the_last_admin_who_can_log_in(empty_db):
    admin = make_user(name("adm"), role="admin")
    with pytest.raises(DataRuleError, match="no admin who can log in"):
        edit(admin, "users", {"edited_rows": {0: {"locked_until": "2999-01-01 00:00"}}}, rows("users", username=admin))
    assert rows("users", username=admin)[0]["locked_until"] is None


def test_the_preview_of_a_delete_says_which_row_goes_and_what_cascades(moderator):
    genre = add_genre(moderator, "Musical")
    movie = add_title(moderator, "Rockstar")
    edit(moderator, "media_genres", {"added_rows": [{"media_id": movie, "genre_id": genre}]})
    changes = te.diff(catalog().table("genres"), rows("genres", genre_id=genre), {"deleted_rows": [0]})
    assert te.preview_rows(changes) == [{"change": "delete", "row": f"row genre_id {genre}", "values": "name: Musical"}]
    assert te.describe_cascade(tables.cascade_summary("genres", changes.deletes)) == "also deletes 1 genre link"


def test_a_lock_set_in_the_table_editor_ends_the_users_sessions_at_once(admin):
    viewer = make_user(name("usr"))
    at = open_app(viewer, "app_pages/lists.py")
    assert f"Logged in as **{viewer}** (user)" in [c.value for c in at.sidebar.caption]
    edit(admin, "users", {"edited_rows": {0: {"locked_until": "2099-01-01 00:00:00"}}}, rows("users", username=viewer))
    at.run()  # the viewer's next click
    assert not at.sidebar.caption and "session_token" not in at.session_state
    assert [t.value for t in at.toast] == [md(SESSION_ENDED)]


def test_the_apply_button_counts_only_the_kinds_of_change_there_are_in_words():
    changes = te.ChangeSet("media", updates=[object()])
    assert changes.summary() == "1 changed row in media"
    changes = te.ChangeSet("genres", inserts=[{}, {}], deletes=[{}])
    assert changes.summary() == "2 new rows, 1 deleted row in genres"


@pytest.mark.parametrize("change", ["locked_until = '9999-12-31 23:59:59'", "role = 'user'"])
def test_a_moderator_locked_or_demoted_after_the_preview_saves_nothing(moderator, change):
    """The preview was drawn while they could edit; Apply comes after the lock or the demotion: the save asks
    the database for the role, and a locked account has none."""
    media = add_title(moderator, "Before the lock")
    original = rows("media", media_id=media)
    with transaction(None) as conn:
        execute(conn, f"UPDATE users SET {change} WHERE username = :u", u=moderator)
    with pytest.raises(PermissionDenied):
        edit(moderator, "media", {"edited_rows": {0: {"title": "After the lock"}}}, original)
    assert rows("media", media_id=media)[0]["title"] == "Before the lock"
