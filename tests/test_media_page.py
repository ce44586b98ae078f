"""Media details (`?id=`): facts and credits linking to Explore, episodes and progress, my playlists and
watchlist status, my rating and review (rules enforced on the page), community reviews (spoilers, hidden
text, reports, pages), bad ids, and the statement count of a render."""
import re

import pytest

from core import moderation, playlists, reviews
from db import engine
from tests.apptest import cards_shown, open_app, texts
from tests.viewer_helpers import (
    PAGE_BUDGET,
    a_series,
    button,
    make_busy_user,
    make_user,
    plain,
    rerun_statements,
    shown,
    some_titles,
)

pytestmark = pytest.mark.usefixtures("removed_after_test")



def a_credited_movie() -> dict:
    return engine.fetch_one("""SELECT m.media_id, m.title, m.release_year FROM media m
                              WHERE m.media_type = 'Movie'
                                AND EXISTS (SELECT 1 FROM media_cast c WHERE c.media_id = m.media_id
                                               AND c.character_name IS NOT NULL)
                                AND EXISTS (SELECT 1 FROM media_crew w WHERE w.media_id = m.media_id)
                              ORDER BY m.media_id LIMIT 1""")


REVIEWS, CREDITS = "Reviews", "Cast & crew"
EPISODES, FILM_WATCHES = "Episodes & progress", "My watches"


def open_title(username: str, media_id, tab: str | None = None):
    """The title page as username sees it, with the tab `tab` open (only the open tab is drawn)."""
    at = open_app(username, page="app_pages/media.py", query={"id": media_id} | ({"tab": tab} if tab else {}))
    assert not at.exception, at.exception
    return at


def my_review(username: str, media_id: int) -> dict | None:
    return engine.fetch_one("SELECT rating, review_text, contains_spoilers FROM reviews "
                          "WHERE username = :u AND media_id = :m", u=username, m=media_id)


def review_id(username: str, media_id: int) -> int:
    return engine.scalar("SELECT review_id FROM reviews WHERE username = :u AND media_id = :m", u=username, m=media_id)


def write_review(at, rating, text: str = "", spoilers: bool = False):
    at.number_input[0].set_value(rating)
    at.text_area[0].set_value(text)
    next(c for c in at.checkbox if c.key.startswith("spoilers_")).set_value(spoilers)
    next(b for b in at.button if b.key.startswith("review_save_")).click().run()
    assert not at.exception, at.exception
    return at


# --- what the page shows ------------------------------------------------------------------------------------
def test_a_movie_shows_its_facts_and_credits_that_link_to_explore(demo_db):
    movie = a_credited_movie()
    at = open_title(make_user(), movie["media_id"], CREDITS)
    assert at.title[0].value.replace("\\", "") == movie["title"]
    assert str(movie["release_year"]) in at.caption[0].value and "Movie" in at.caption[0].value
    assert {m.label for m in at.metric} >= {"Average rating", "Ratings", "My rating"}
    credited = engine.fetch_all("""SELECT person_id FROM media_cast WHERE media_id = :m
                                 UNION SELECT person_id FROM media_crew WHERE media_id = :m""", m=movie["media_id"])
    links = {link.proto.query_string for link in at.page_link if link.proto.query_string.startswith("person=")}
    assert links == {f"person={p['person_id']}" for p in credited}
    character = engine.scalar("SELECT character_name FROM media_cast "
                              "WHERE media_id = :m AND character_name IS NOT NULL "
                            "LIMIT 1", m=movie["media_id"])
    assert character in texts(at).replace("\\", "")
    genre = engine.scalar("SELECT g.name FROM media_genres mg JOIN genres g ON g.genre_id = mg.genre_id "
                        "WHERE mg.media_id = :m LIMIT 1", m=movie["media_id"])
    if genre:
        assert genre in texts(at).replace("\\", "")


def test_a_series_lists_its_episodes_and_marks_progress_up_to_any_episode(demo_db):
    me = make_user()
    series, episodes = a_series(me)
    at = open_title(me, series["media_id"], EPISODES)
    assert f"none of the {len(episodes)} episodes" in texts(at) or "not marked any" in texts(at)
    third = episodes[2]
    at.selectbox(key=f"progress_{series['media_id']}_None_1").set_value(third["episode_id"])
    button(at, "Mark watched").click().run()
    assert not at.exception
    assert engine.scalar("SELECT last_watched_episode_id FROM series_progress WHERE username = :u AND media_id = :m",
                       u=me, m=series["media_id"]) == third["episode_id"]
    assert f"You have watched up to **{third['code']}**" in texts(at)
    status = next(s for s in at.selectbox if s.key.startswith("watchlist_"))
    assert status.value == "watching"
    ticked = {box.label.split(" · ")[0]: box.value for box in at.checkbox if box.key.startswith("episode_")}
    assert ticked == {e["code"]: i <= 2 for i, e in enumerate(episodes) if e["season_number"] == third["season_number"]}


def test_someone_with_several_crew_roles_is_listed_once_with_all_of_them(demo_db):
    both = engine.fetch_one("""SELECT media_id, person_id FROM media_crew GROUP BY media_id, person_id
                              HAVING COUNT(*) > 1 LIMIT 1""")
    roles = [r["role"] for r in engine.fetch_all("SELECT CAST(role AS CHAR) AS role FROM media_crew "
                                              "WHERE media_id = :m AND person_id = :p ORDER BY role",
                                              m=both["media_id"], p=both["person_id"])]
    at = open_title(make_user(), both["media_id"], CREDITS)
    assert ", ".join(roles) in [c.value for c in at.caption]
    links = [link for link in at.page_link if link.proto.query_string == f"person={both['person_id']}"]
    in_cast = engine.scalar("SELECT COUNT(*) FROM media_cast WHERE media_id = :m AND person_id = :p",
                          m=both["media_id"], p=both["person_id"])
    assert len(links) == 1 + in_cast


@pytest.mark.parametrize("raw", ["abc", "", "-1", "1 OR 1=1", "²", "12345678901234", "987654321"])
def test_a_bad_or_unknown_id_explains_and_links_to_explore(demo_db, raw):
    at = open_title(make_user(), raw)
    shown = texts(at)
    assert "Explore" in shown
    assert "not a title id" in shown or "No title was chosen" in shown or "There is no title with id" in shown
    assert any(link.proto.page == "explore" for link in at.page_link)


def test_no_id_at_all_says_to_choose_a_title(demo_db):
    at = open_app(make_user(), page="app_pages/media.py")
    assert not at.exception
    assert "No title was chosen" in texts(at)


# --- my rating and review -----------------------------------------------------------------------------------
def test_add_edit_and_delete_my_review_with_confirmation(demo_db):
    me = make_user()
    title = some_titles(me, 1)[0]
    count = title["rating_count"]
    at = open_title(me, title["media_id"])
    write_review(at, 8, "Great songs")
    assert my_review(me, title["media_id"]) == {"rating": 8, "review_text": "Great songs", "contains_spoilers": 0}
    assert next(m for m in at.metric if m.label == "My rating").value == "8/10"
    assert next(m for m in at.metric if m.label == "Ratings").value == f"{count + 1:,}"

    assert at.number_input[0].value == 8 and at.text_area[0].value == "Great songs"
    write_review(at, 3, "The ending ruins it", spoilers=True)
    assert my_review(me, title["media_id"]) == {"rating": 3, "review_text": "The ending ruins it",
                                                 "contains_spoilers": 1}

    button(at, "Delete my review").click().run()
    assert "cannot be undone" in texts(at)
    assert my_review(me, title["media_id"]) is not None  # asking is not deleting
    button(at, "Yes, delete it").click().run()
    assert not at.exception
    assert my_review(me, title["media_id"]) is None
    assert next(m for m in at.metric if m.label == "My rating").value == "–"


@pytest.mark.parametrize("rating", [0, 11])
def test_the_rating_widget_refuses_0_and_11(demo_db, rating):
    me = make_user()
    media_id = some_titles(me, 1)[0]["media_id"]
    at = write_review(open_title(me, media_id), rating, "")
    assert "Choose a rating from 1 to 10, write a review, or both" in texts(at)
    assert my_review(me, media_id) is None


def test_a_review_without_stars_is_saved_and_others_see_no_rating(demo_db):
    me, other = make_user(), make_user("reader")
    title = some_titles(me, 1)[0]
    at = write_review(open_title(me, title["media_id"]), None, "Loved the music, can't rate the rest.")
    assert "Your review was added." in shown(at)
    assert my_review(me, title["media_id"]) == {"rating": None, "review_text": "Loved the music, can't rate the rest.",
                                                "contains_spoilers": 0}
    assert next(m for m in at.metric if m.label == "My rating").value == "–"
    assert next(m for m in at.metric if m.label == "Ratings").value == f"{title['rating_count']:,}"
    theirs = shown(open_title(other, title["media_id"], REVIEWS))
    assert f"**{me}** · no rating ·" in theirs and "Loved the music, can't rate the rest." in theirs


def test_a_review_over_5000_characters_is_refused_and_kept_in_the_box(demo_db):
    me = make_user()
    media_id = some_titles(me, 1)[0]["media_id"]
    long_text = "word " * 1000 + "x"
    at = write_review(open_title(me, media_id), 7, long_text)
    assert "at most 5,000 characters; this one has 5,001" in texts(at)
    assert my_review(me, media_id) is None
    assert at.text_area[0].value == long_text


# --- community reviews --------------------------------------------------------------------------------------
def test_a_script_in_a_review_is_shown_as_text(demo_db):
    me, author = make_user(), make_user("critic")
    media_id = some_titles(me, 1)[0]["media_id"]
    reviews.save_review(author, media_id, 4, "<script>alert(1)</script>")
    at = open_title(me, media_id, REVIEWS)
    assert "<script>alert(1)</script>" in [t.value for t in at.text]
    assert not any("<script>" in m.value for m in at.markdown if m.allow_html)


def test_spoilers_stay_folded_until_clicked(demo_db):
    me, author = make_user(), make_user("critic")
    media_id = some_titles(me, 1)[0]["media_id"]
    reviews.save_review(author, media_id, 9, "The butler did it", spoilers=True)
    at = open_title(me, media_id, REVIEWS)
    folded = [e for e in at.expander if e.label.startswith("Contains spoilers")]
    assert any("The butler did it" in [t.value for t in e.text] for e in folded)
    outside = [t.value for t in at.text if not any(t in e.text for e in folded)]
    assert "The butler did it" not in outside


def test_hidden_review_text_is_withheld_from_others_and_its_author_sees_why(demo_db):
    me, author = make_user(), make_user("critic")
    media_id = some_titles(me, 1)[0]["media_id"]
    reviews.save_review(author, media_id, 2, "Something rude")
    moderation.hide_review("moderator", review_id(author, media_id), "Personal attack")

    at = open_title(me, media_id, REVIEWS)
    assert "Something rude" not in texts(at)
    assert "A moderator hid this review's text." in texts(at)

    at = open_title(author, media_id)  # in "My rating & review"
    assert "Personal attack" in texts(at)
    assert at.text_area[0].value == "Something rude"


def test_reporting_a_review_reaches_the_moderators(demo_db):
    me, author = make_user(), make_user("critic")
    media_id = some_titles(me, 1)[0]["media_id"]
    reviews.save_review(author, media_id, 1, "Buy cheap watches at example.test")
    rid = review_id(author, media_id)
    at = open_title(me, media_id, REVIEWS)
    at.text_input(key=f"report_reason_{rid}").set_value("Spam")
    at.button(key=f"report_submit_{rid}").click().run()
    assert not at.exception
    assert engine.scalar("SELECT reason FROM review_reports WHERE review_id = :r AND reported_by = :u",
                       r=rid, u=me) == "Spam"
    assert "You reported this review." in texts(at)


def test_community_reviews_come_in_pages(demo_db):
    me = make_user()
    media_id = some_titles(me, 1)[0]["media_id"]
    for i in range(reviews.REVIEWS_PER_PAGE + 1):
        reviews.save_review(make_user("critic"), media_id, 5, f"Opinion {i}")
    total = reviews.community_reviews(media_id, me)[1]
    at = open_title(me, media_id, REVIEWS)
    pages = -(-total // reviews.REVIEWS_PER_PAGE)
    assert f"Page 1 of {pages} · {total} reviews" in texts(at)
    first = {t.value for t in at.text}
    button(at, "Next ›").click().run()
    assert f"Page 2 of {pages}" in texts(at)
    assert not ({t.value for t in at.text} & first) - {""}


# --- my playlists and watchlist -----------------------------------------------------------------------------
def test_create_a_playlist_inline_refuse_a_duplicate_and_take_the_title_out_again(demo_db):
    me = make_user()
    media_id = some_titles(me, 1)[0]["media_id"]
    at = open_title(me, media_id)
    at.text_input(key=f"new_playlist_{media_id}").set_value("Road trips")
    at.button(key=f"new_playlist_submit_{media_id}").click().run()
    mine = playlists.list_for_user(me)
    assert [(p["name"], p["item_count"]) for p in mine] == [("Road trips", 1)]
    assert "In: Road trips" in texts(at)

    at.text_input(key=f"new_playlist_{media_id}").set_value("road TRIPS")
    at.button(key=f"new_playlist_submit_{media_id}").click().run()
    assert "already have a playlist called 'Road trips'" in texts(at)
    assert len(playlists.list_for_user(me)) == 1

    box = next(c for c in at.checkbox if c.key.startswith(f"playlist_{media_id}_"))
    assert box.value is True
    box.uncheck().run()
    assert playlists.list_for_user(me)[0]["item_count"] == 0
    assert "In: Road trips" not in texts(at)


def test_watchlist_status_is_set_changed_and_removed(demo_db):
    me = make_user()
    media_id = some_titles(me, 1)[0]["media_id"]
    at = open_title(me, media_id)

    def status_box():
        return next(s for s in at.selectbox if s.key.startswith("watchlist_"))

    def stored():
        return engine.scalar("SELECT status FROM watchlist_items WHERE username = :u AND media_id = :m",
                           u=me, m=media_id)

    status_box().set_value("plan_to_watch").run()
    assert stored() == "plan_to_watch"
    status_box().set_value("completed").run()
    assert stored() == "completed" and status_box().value == "completed"
    status_box().set_value("none").run()
    assert stored() is None


# --- statement count ----------------------------------------------------------------------------------------
def test_a_render_stays_within_budget_however_much_is_there(demo_db):
    """A busy viewer (playlists, watchlist, ratings, progress) on a series with a full page of reviews
    costs the same statements as a new viewer on it."""
    busy, fresh = make_busy_user(), make_user()
    series, _ = a_series(fresh)
    for i in range(reviews.REVIEWS_PER_PAGE + 2):
        reviews.save_review(make_user("critic"), series["media_id"], 1 + i % 10, f"Take {i}", spoilers=bool(i % 2))
    for tab in (None, EPISODES, CREDITS, REVIEWS):
        counts = {who: rerun_statements(open_title(who, series["media_id"], tab)) for who in (busy, fresh)}
        assert counts[busy] == counts[fresh] <= PAGE_BUDGET, tab
    movie = a_credited_movie()
    for tab in (None, FILM_WATCHES, CREDITS, REVIEWS):
        assert rerun_statements(open_title(busy, movie["media_id"], tab)) <= PAGE_BUDGET, tab


def test_catalog_text_with_markup_is_shown_as_typed(empty_db):
    """A title or description holding HTML or Markdown (typed by a moderator, or imported) never becomes a
    tag, a link or formatting: the header and the poster's HTML escape it, and the Explore card is given it
    as plain text."""
    me = make_user()
    raw = "<img src=x onerror=alert(1)> *Star* [x](javascript:alert(1))"
    with engine.transaction(me) as conn:
        media_id = engine.execute(conn, "INSERT INTO media (title, description, media_type) VALUES (:t, :t, 'Movie')",
                                t=raw).lastrowid
    at = open_title(me, media_id)
    drawn = [at.title[0].value] + [m.value for m in at.markdown if not m.allow_html and "Star" in m.value]
    assert len(drawn) == 2  # the header and the description
    for text in drawn:
        assert plain(text) == raw
        assert not re.search(r"(?<!\\)[<>*\[\]()]", text), "every markup character is escaped"
    poster = next(m.value for m in at.markdown if m.allow_html)
    assert "&lt;img src=x" in poster

    # The Explore card gets it as data, which the browser puts in as text (the browser tests look at it there).
    at = open_app(me, page="app_pages/explore.py")
    assert [card["title"] for card in cards_shown(at) if card["id"] == media_id] == [raw]


# --- hostile input and stale pages (viewer QA pass) --------------------
@pytest.fixture
def own_movie():
    """A film made for one test, so its reviews are exactly the test's; removed afterwards."""
    with engine.transaction("admin") as conn:
        media_id = engine.execute(conn, """INSERT INTO media (title, media_type, release_year, age_rating)
                                         VALUES ('QA Reviewed Film', 'Movie', 2021, 'U')""").lastrowid
    yield media_id
    with engine.transaction("admin") as conn:
        engine.execute(conn, "DELETE FROM media WHERE media_id = :m", m=media_id)


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


def test_reviews_page_2_emptied_meanwhile_goes_back_to_page_1(demo_db, own_movie):
    # With the last review of page 2 deleted (by its author or a moderator), the page said nobody had
    # reviewed the title, with no pager left to go back.
    critics = [make_user("critic") for _ in range(reviews.REVIEWS_PER_PAGE + 1)]
    for i, critic in enumerate(critics):
        reviews.save_review(critic, own_movie, 6, f"Opinion {i}")
    at = open_title(make_user(), own_movie, REVIEWS)
    button(at, "Next ›").click().run()
    assert "Page 2 of 2" in shown(at)
    reviews.delete_review(critics[0], own_movie)
    at.run()
    assert not at.exception
    text = shown(at)
    assert "Nobody has reviewed this title yet" not in text
    assert f"{reviews.REVIEWS_PER_PAGE} reviews" in text
    assert sum(t.value.startswith("Opinion ") for t in at.text) == reviews.REVIEWS_PER_PAGE


def test_my_own_review_leads_the_reviews_tab_marked_as_mine(demo_db, own_movie):
    me, critic = make_user(), make_user("critic")
    reviews.save_review(critic, own_movie, 6, "Fine.")
    reviews.save_review(me, own_movie, 9, "Loved the songs.")
    at = open_title(me, own_movie, REVIEWS)
    text = shown(at)
    assert f"**{me}** (you) · ★ 9/10" in text and "Your review, as others see it" in text
    assert text.index(f"**{me}** (you)") < text.index(f"**{critic}** · ★ 6/10")
    assert "2 reviews" in text
