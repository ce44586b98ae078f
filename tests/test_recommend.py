"""Recommended for you: never what I already listed, rated or started; each with a true reason; top rated
titles for someone with no ratings yet."""
import pytest

from core import recommend
from core import watching
from db import catalog, playlists, reviews, watchlist
from tests.viewer_fixtures import a_series, make_user, removed_after_test  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("removed_after_test")


def test_reason_wording():
    assert recommend.reason("Drama", "Nawazuddin Siddiqui") == \
        "Because you rated Drama and Nawazuddin Siddiqui highly"
    assert recommend.reason("Drama", None) == "Because you rated Drama highly"
    assert recommend.reason(None, "Pankaj Tripathi") == "Because you rated Pankaj Tripathi highly"
    assert recommend.reason(None, None) == "Popular on StreamSync"


def test_someone_without_ratings_gets_the_best_rated_titles(demo_db):
    picks = recommend.for_user(make_user())
    assert picks, "the demo data has titles with enough ratings"
    assert {p["reason"] for p in picks} == {"Popular on StreamSync"}
    assert all(p["rating_count"] >= recommend.MIN_RATINGS for p in picks)
    ratings = [p["average_rating"] for p in picks]
    assert ratings == sorted(ratings, reverse=True)


def test_never_recommends_what_i_listed_rated_or_started(demo_db):
    me = make_user()
    popular = [p["media_id"] for p in recommend.for_user(me)]
    series, episodes = a_series(me)
    rated, watched, listed = popular[:3], popular[3:5], popular[5:7]
    for media_id in rated:
        reviews.save_review(me, media_id, 9, "")
    for media_id in watched:
        watchlist.set_status(me, media_id, "plan_to_watch")
    pid = playlists.create_playlist(me, "Later")
    for media_id in listed:
        playlists.add_item(me, pid, media_id)
    watching.mark_up_to(me, series["media_id"], episodes[0]["episode_id"])
    mine = set(rated) | set(watched) | set(listed) | {series["media_id"]}
    picks = recommend.for_user(me, limit=50)
    assert picks and not mine & {p["media_id"] for p in picks}


def test_each_reason_names_a_genre_or_person_i_rated_highly(demo_db):
    me = make_user()
    liked = [p["media_id"] for p in recommend.for_user(me)][:3]
    disliked = [p["media_id"] for p in recommend.for_user(me)][3]
    for media_id in liked:
        reviews.save_review(me, media_id, 9, "")
    reviews.save_review(me, disliked, 2, "")
    liked_genres = {g for m in liked for g in catalog.title_for_viewer(m, me)["genres"]}
    liked_people = {c["name"] for m in liked for c in catalog.credits(m)}

    picks = recommend.for_user(me)
    explained = [p for p in picks if p["reason"] != recommend.POPULAR_REASON]
    assert explained, "a user who rated three titles 9/10 gets reasons"
    for pick in explained:
        assert pick["because_genre"] is None or pick["because_genre"] in liked_genres
        assert pick["because_person"] is None or pick["because_person"] in liked_people
        assert pick["because_genre"] is None or pick["because_genre"] in catalog.title_for_viewer(
            pick["media_id"], me)["genres"]
        credited = {c["name"] for c in catalog.credits(pick["media_id"])}
        assert pick["because_person"] is None or pick["because_person"] in credited
    # Explained picks come before popular ones, best rated first within the same kind of reason.
    kinds = [(p["because_genre"] is not None) + (p["because_person"] is not None) for p in picks]
    assert kinds == sorted(kinds, reverse=True)
