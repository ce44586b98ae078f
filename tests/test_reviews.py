"""A viewer's own rating and review (core.reviews): the rules, add / edit / delete, the averages the triggers
keep, and the community list (paged, own review left out, hidden text withheld, reports remembered)."""
import pytest

from core import moderation, reviews
from db import engine
from db.errors import DataRuleError
from tests.viewer_helpers import make_user, some_titles

pytestmark = pytest.mark.usefixtures("removed_after_test")


def stored(username: str, media_id: int) -> dict | None:
    return engine.fetch_one("SELECT rating, review_text, contains_spoilers FROM reviews "
                          "WHERE username = :u AND media_id = :m", u=username, m=media_id)


def rating_of(media_id: int) -> dict:
    return engine.fetch_one("SELECT average_rating, rating_count FROM media WHERE media_id = :m", m=media_id)


def exact_figures(media_id: int) -> dict:
    """The title's average and rating count over its rated reviews, and its count of every review."""
    return engine.fetch_one("""SELECT ROUND(AVG(rating), 1) AS average_rating, COUNT(rating) AS rating_count,
                                      COUNT(*) AS review_count FROM reviews WHERE media_id = :m""", m=media_id)


def stored_figures(media_id: int) -> dict:
    return engine.fetch_one("SELECT average_rating, rating_count, review_count FROM media WHERE media_id = :m",
                            m=media_id)


@pytest.mark.parametrize("rating, message", [
    (0, "not 0"), (11, "not 11"), (-3, "not -3"), (5.5, "whole number"), ("7", "whole number"),
    (True, "whole number"),
])
def test_ratings_outside_one_to_ten_are_refused_before_anything_is_written(demo_db, rating, message):
    me = make_user()
    title = some_titles(me, 1)[0]
    with pytest.raises(DataRuleError, match=message):
        reviews.save_review(me, title["media_id"], rating, "text")
    assert stored(me, title["media_id"]) is None


def test_the_database_itself_refuses_ratings_0_and_11(demo_db):
    """The CHECK holds even for a write that skips core.reviews (an importer, the table editor)."""
    me = make_user()
    media_id = some_titles(me, 1)[0]["media_id"]
    for rating in (0, 11):
        with pytest.raises(DataRuleError, match="whole number from 1 to 10"):
            with engine.transaction(me) as conn:
                engine.execute(conn, "INSERT INTO reviews (username, media_id, rating, review_text) "
                                   "VALUES (:u, :m, :r, '')", u=me, m=media_id, r=rating)
    assert stored(me, media_id) is None


def test_a_review_over_5000_characters_is_refused_and_5000_is_kept_whole(demo_db):
    me = make_user()
    media_id = some_titles(me, 1)[0]["media_id"]
    with pytest.raises(DataRuleError, match="at most 5,000 characters; this one has 5,001"):
        reviews.save_review(me, media_id, 7, "é" * 5001)
    assert stored(me, media_id) is None
    reviews.save_review(me, media_id, 7, "é" * 5000)
    assert stored(me, media_id)["review_text"] == "é" * 5000


def test_add_edit_and_delete_keep_one_review_and_the_average_exact(demo_db):
    me = make_user()
    title = some_titles(me, 1)[0]
    before = rating_of(title["media_id"])

    assert reviews.save_review(me, title["media_id"], 10, "  Loved it  ", spoilers=False) == "added"
    after_add = rating_of(title["media_id"])
    assert after_add["rating_count"] == before["rating_count"] + 1
    assert stored(me, title["media_id"]) == {"rating": 10, "review_text": "Loved it", "contains_spoilers": 0}

    assert reviews.save_review(me, title["media_id"], 2, "Changed my mind: the ending", spoilers=True) == "updated"
    assert stored(me, title["media_id"]) == {"rating": 2, "review_text": "Changed my mind: the ending",
                                             "contains_spoilers": 1}
    # saved again unchanged (a second click): still an update of the one review
    assert reviews.save_review(me, title["media_id"], 2, "Changed my mind: the ending", spoilers=True) == "updated"
    assert engine.fetch_one("SELECT COUNT(*) AS n FROM reviews WHERE username = :u", u=me)["n"] == 1
    exact = engine.fetch_one("SELECT ROUND(AVG(rating), 1) AS avg, COUNT(*) AS n FROM reviews WHERE media_id = :m",
                           m=title["media_id"])
    assert rating_of(title["media_id"]) == {"average_rating": exact["avg"], "rating_count": exact["n"]}

    assert reviews.delete_review(me, title["media_id"]) is True
    assert reviews.delete_review(me, title["media_id"]) is False
    assert stored(me, title["media_id"]) is None
    assert rating_of(title["media_id"]) == before


def test_a_review_without_a_rating_counts_as_a_review_but_not_in_the_average(demo_db):
    me, other = make_user(), make_user("reader")
    media_id = some_titles(me, 1)[0]["media_id"]
    before = stored_figures(media_id)
    others_before = reviews.community_reviews(media_id, other)[1]

    assert reviews.save_review(me, media_id, None, "  Beautiful, but I can't score it.  ") == "added"
    assert stored(me, media_id) == {"rating": None, "review_text": "Beautiful, but I can't score it.",
                                    "contains_spoilers": 0}
    after = stored_figures(media_id)
    assert (after["average_rating"], after["rating_count"]) == (before["average_rating"], before["rating_count"])
    assert after["review_count"] == before["review_count"] + 1 and after == exact_figures(media_id)
    rows, total = reviews.community_reviews(media_id, other)
    assert total == others_before + 1
    assert next(r for r in rows if r["username"] == me)["rating"] is None

    # Giving it stars later, and taking them away again, moves the average each time.
    reviews.save_review(me, media_id, 2, "Beautiful, but I can't score it.")
    assert stored_figures(media_id) == exact_figures(media_id)
    assert stored_figures(media_id)["rating_count"] == before["rating_count"] + 1
    reviews.save_review(me, media_id, None, "Beautiful, but I can't score it.")
    assert stored_figures(media_id) == after


def test_a_review_needs_a_rating_or_text_here_and_in_the_database(demo_db):
    me = make_user()
    media_id = some_titles(me, 1)[0]["media_id"]
    with pytest.raises(DataRuleError, match="Choose a rating from 1 to 10, write a review, or both"):
        reviews.save_review(me, media_id, None, "   ")
    with pytest.raises(DataRuleError, match="A review needs a rating or some text"):
        with engine.transaction(me) as conn:
            engine.execute(conn, "INSERT INTO reviews (username, media_id, rating, review_text) "
                                 "VALUES (:u, :m, NULL, '')", u=me, m=media_id)
    assert stored(me, media_id) is None


def test_a_bare_rating_is_a_review_without_text(demo_db):
    me = make_user()
    media_id = some_titles(me, 1)[0]["media_id"]
    reviews.save_review(me, media_id, 6, None)
    assert stored(me, media_id) == {"rating": 6, "review_text": "", "contains_spoilers": 0}


def test_a_review_of_an_unknown_title_is_refused_in_words(demo_db):
    me = make_user()
    with pytest.raises(DataRuleError, match="does not exist"):
        reviews.save_review(me, 987654321, 5, "")


def test_community_reviews_are_paged_put_mine_first_and_withhold_hidden_text(demo_db):
    me = make_user()
    media_id = some_titles(me, 1)[0]["media_id"]
    others_before = reviews.community_reviews(media_id, me)[1]
    authors = [make_user("critic") for _ in range(reviews.REVIEWS_PER_PAGE + 2)]
    for i, author in enumerate(authors):
        reviews.save_review(author, media_id, 1 + i % 10, f"Review number {i}")
    reviews.save_review(me, media_id, 9, "My own words")
    moderation.hide_review("moderator", engine.scalar(
        "SELECT review_id FROM reviews WHERE username = :u AND media_id = :m", u=authors[0], m=media_id),
        "Insults another reviewer")

    first, total = reviews.community_reviews(media_id, me, page=1)
    second, total_again = reviews.community_reviews(media_id, me, page=2)
    assert total == total_again == others_before + len(authors) + 1
    assert len(first) == reviews.REVIEWS_PER_PAGE
    assert (first[0]["username"], first[0]["is_mine"]) == (me, True)
    assert not any(r["is_mine"] for r in first[1:] + second)
    everyone = {r["username"]: r for page in range(1, total // reviews.REVIEWS_PER_PAGE + 2)
                for r in reviews.community_reviews(media_id, me, page=page)[0]}
    assert len(everyone) == total and everyone[me]["review_text"] == "My own words"
    assert not {r["review_id"] for r in first} & {r["review_id"] for r in second}
    hidden = everyone[authors[0]]
    assert hidden["hidden"] is True and hidden["review_text"] is None
    assert everyone[authors[1]]["review_text"] == "Review number 1"


def test_community_reviews_remember_what_i_reported(demo_db):
    me, author = make_user(), make_user("critic")
    media_id = some_titles(me, 1)[0]["media_id"]
    reviews.save_review(author, media_id, 3, "Spam spam spam")
    review_id = engine.scalar("SELECT review_id FROM reviews WHERE username = :u AND media_id = :m",
                            u=author, m=media_id)
    def mine():
        return {r["review_id"]: r for p in (1, 2, 3) for r in reviews.community_reviews(media_id, me, p)[0]}
    assert mine()[review_id]["reported_by_me"] is False
    moderation.report_review(me, review_id, "Spam")
    assert mine()[review_id]["reported_by_me"] is True
