"""Hostile-input pass over the viewer pages: each test pins a bug that was found and fixed (or a stale-page
case that must keep its clear message), so it cannot come back."""
import pytest

from core import watching
from db import core, friends, playlists, reviews
from db.errors import DataRuleError
from tests.apptest import open_app
from tests.viewer_fixtures import button, make_user, removed_after_test, shown  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("removed_after_test")


@pytest.fixture
def own_movie():
    """A film made for one test, so its reviews are exactly the test's; removed afterwards."""
    with core.transaction("admin") as conn:
        media_id = core.execute(conn, """INSERT INTO media (title, media_type, release_year, age_rating)
                                         VALUES ('QA Reviewed Film', 'Movie', 2021, 'U')""").lastrowid
    yield media_id
    with core.transaction("admin") as conn:
        core.execute(conn, "DELETE FROM media WHERE media_id = :m", m=media_id)


@pytest.fixture
def own_series():
    """A series of three episodes made for one test (its episodes get deleted), removed afterwards with
    everything that points to it."""
    with core.transaction("admin") as conn:
        media_id = core.execute(conn, """INSERT INTO media (title, media_type, release_year, age_rating)
                                         VALUES ('QA Vanishing Series', 'Series', 2021, 'U')""").lastrowid
        for number in (1, 2, 3):
            core.execute(conn, """INSERT INTO episodes (media_id, season_number, episode_number, title)
                                  VALUES (:m, 1, :n, :t)""", m=media_id, n=number, t=f"Part {number}")
    yield media_id
    with core.transaction("admin") as conn:
        core.execute(conn, "DELETE FROM media WHERE media_id = :m", m=media_id)


# --- Media details: ?id= --------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["2147483648", "99999999999999999999", "1" * 5000])
def test_a_huge_title_id_says_there_is_no_such_title_not_that_it_is_no_number(demo_db, raw):
    # It used to say '"99999999999" is not a title id (it should be a number)' about a number.
    at = open_app(make_user(), page="app_pages/media.py", query={"id": raw})
    assert not at.exception
    text = shown(at)
    assert "There is no title with id" in text
    assert "not a title id" not in text
    assert any(link.proto.page == "explore" for link in at.page_link)


@pytest.mark.parametrize("raw", ["-1", "1 OR 1=1", "5.0"])
def test_an_id_that_is_no_whole_number_says_what_an_id_looks_like(demo_db, raw):
    at = open_app(make_user(), page="app_pages/media.py", query={"id": raw})
    assert not at.exception
    assert f"“{raw}” is not a title id (it should be a whole number, such as 42)" in shown(at)


@pytest.mark.parametrize("raw", ["2147483648", "99999999999999999999", "7" * 5000])
def test_a_huge_person_id_in_an_explore_link_names_no_such_person(demo_db, raw):
    # It said "The person link is not valid" about a plain number.
    at = open_app(make_user(), page="app_pages/explore.py", query={"person": raw})
    assert not at.exception
    text = shown(at)
    assert f"There is no person with id {raw[:20]} (maybe removed): showing all titles instead." in text
    assert "not valid" not in text


def test_reviews_page_2_emptied_meanwhile_goes_back_to_page_1(demo_db, own_movie):
    # With the last review of page 2 deleted (by its author or a moderator), the page said "Nobody else has
    # rated this title yet." with no pager left to go back.
    critics = [make_user("critic") for _ in range(reviews.REVIEWS_PER_PAGE + 1)]
    for i, critic in enumerate(critics):
        reviews.save_review(critic, own_movie, 6, f"Opinion {i}")
    at = open_app(make_user(), page="app_pages/media.py", query={"id": own_movie})
    button(at, "Next ›").click().run()
    assert "Page 2 of 2" in shown(at)
    reviews.delete_review(critics[0], own_movie)
    at.run()
    assert not at.exception
    text = shown(at)
    assert "Nobody else has rated this title yet." not in text
    assert f"{reviews.REVIEWS_PER_PAGE} reviews" in text
    assert sum(t.value.startswith("Opinion ") for t in at.text) == reviews.REVIEWS_PER_PAGE


# --- Progress: a series whose episodes were deleted ----------------------------------------------------------
def test_a_series_whose_episodes_were_all_deleted_is_not_called_finished(demo_db, own_series):
    me = make_user()
    first = core.scalar("SELECT MIN(episode_id) FROM episodes WHERE media_id = :m", m=own_series)
    watching.mark_up_to(me, own_series, first)
    at = open_app(me, page="app_pages/progress.py")
    with core.transaction("admin") as conn:
        core.execute(conn, "DELETE FROM episodes WHERE media_id = :m", m=own_series)

    # The page was open on "Mark S1E2 watched": the click is refused with the reason.
    button(at, "Mark S1E2 watched").click().run()
    text = shown(at)
    assert "That episode does not belong to this title (it may have been deleted)." in text
    # It used to move to "Finished (1)" under "You have watched every episode of the series you follow."
    # Deleting the episodes deletes the watches of them (they are diary events), so nothing is left to follow.
    assert "Finished" not in text
    assert "You have watched every episode" not in text
    assert "You are not following any series yet" in text


# --- Playlists: names ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["\u200b", " \u200b\u200e ", "\u2060"])
def test_a_playlist_name_of_only_invisible_characters_is_refused(demo_db, name):
    me = make_user()
    with pytest.raises(DataRuleError, match="needs a name"):
        playlists.create_playlist(me, name)
    keep = playlists.create_playlist(me, "Keep")
    with pytest.raises(DataRuleError, match="needs a name"):
        playlists.rename_playlist(me, keep, name)
    assert [p["name"] for p in playlists.list_for_user(me)] == ["Keep"]


@pytest.mark.parametrize("first, second", [("🎬 Films", "🍿 Films"), ("Café", "cafe")])
def test_a_name_the_database_counts_as_the_same_says_so_on_the_page(demo_db, first, second):
    # The column's collation equates accents and all emoji; the message said "You already have a playlist
    # called '🎬 Films'" to someone who typed '🍿 Films'.
    me = make_user()
    playlists.create_playlist(me, first)
    at = open_app(me, page="app_pages/lists.py")
    at.text_input(key="new_playlist_name").input(second)
    button(at, "Create playlist").click().run()
    assert f"'{second}' counts as the same name as your playlist '{first}'" in shown(at)
    assert [p["name"] for p in playlists.list_for_user(me)] == [first]


# --- Friends: stale pages and double clicks --------------------------------------------------------------------
def test_accepting_twice_says_you_are_already_friends(demo_db):
    me, asker = make_user(), make_user()
    friends.send_request(asker, me)
    at = open_app(me, page="app_pages/friends.py")
    friends.accept(me, asker)  # accepted in another tab meanwhile
    at.button(key=f"accept_{asker}").click().run()
    assert f"You and {asker} are already friends." in shown(at)
    assert "Friends (1)" in shown(at)


def test_accepting_a_request_cancelled_meanwhile_says_so(demo_db):
    me, asker = make_user(), make_user()
    friends.send_request(asker, me)
    at = open_app(me, page="app_pages/friends.py")
    friends.cancel(asker, me)
    at.button(key=f"accept_{asker}").click().run()
    assert f"There is no pending request from {asker} (it may have been cancelled)." in shown(at)
    assert friends.overview(me) == []


@pytest.mark.parametrize("typed, message", [("   ", "Type the username of the person you want to block."),
                                             ("me", "That is you: you cannot block yourself.")])
def test_the_block_form_refuses_in_its_own_words(demo_db, typed, message):
    # Both used to speak of adding a friend ("... you want to add", "send a request to someone else").
    me = make_user()
    at = open_app(me, page="app_pages/friends.py")
    at.text_input(key="block_username").input(me if typed == "me" else typed)
    button(at, "Block").click().run()
    assert message in shown(at)
    assert friends.overview(me) == []


# --- Explore: the pager after a filter change ------------------------------------------------------------------
def test_changing_a_filter_on_page_2_starts_again_on_page_1(demo_db):
    at = open_app(make_user(), page="app_pages/explore.py")
    at.button(key="explore_page_next").click().run()
    assert any(c.value.startswith("Page 2 of") for c in at.caption)
    at.selectbox(key="explore_type").select("Movie").run()
    assert at.session_state["explore_page"] == 1
    assert any(c.value.startswith("Page 1 of") for c in at.caption)
