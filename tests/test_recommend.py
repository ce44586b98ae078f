"""Recommendations: learned neighbours served from SQL, never what I already rated, listed or watched, each
with the titles behind it; the damped average before training and for newcomers; similar titles that make
sense on the demo; training's bad inputs; the evaluation protocol on a hand-computed example."""
import numpy as np
import pandas as pd
import pytest

from core import playlists, rec_evaluation, recommend, recommend_model, reviews, titles, watching, watchlist
from db import recommend as recommend_sql
from db.engine import fetch_all
from tests.recommend_helpers import train_recommender
from tests.viewer_helpers import a_series, make_user

pytestmark = pytest.mark.usefixtures("removed_after_test")


def test_reason_wording():
    assert recommend.reason("Sholay", "Deewaar") == "Because you liked Sholay and Deewaar"
    assert recommend.reason("Sholay", None) == "Because you liked Sholay"
    assert recommend.reason(None, None) == recommend.POPULAR_REASON


def test_someone_without_signals_gets_the_damped_average(demo_db):
    picks = recommend.for_user(make_user())
    assert picks and all(p["popular"] and p["reason"] == recommend.POPULAR_REASON for p in picks)
    scores = [float(p["score"]) for p in picks]
    assert scores == sorted(scores, reverse=True)
    [pool] = fetch_all("SELECT SUM(average_rating * rating_count) / SUM(rating_count) AS mean FROM media "
                       "WHERE rating_count > 0")
    mean = float(pool["mean"])
    for p in picks:  # pulled from the title's own average toward the mean: between the two
        own = float(p["average_rating"])
        assert min(own, mean) - 1e-6 <= float(p["score"]) <= max(own, mean) + 1e-6


def test_never_recommends_what_i_listed_rated_or_started_and_says_why(demo_db):
    train_recommender()
    me = make_user()
    popular = [p["media_id"] for p in recommend.for_user(me, limit=20)]
    series, episodes = a_series(me)
    rated, watched, listed = popular[:3], popular[3:5], popular[5:7]
    for media_id in rated:
        reviews.save_review(me, media_id, 9, "")
    for media_id in watched:
        watchlist.set_status(me, media_id, "completed")
    pid = playlists.create_playlist(me, "Later")
    for media_id in listed:
        playlists.add_item(me, pid, media_id)
    watching.mark_up_to(me, series["media_id"], episodes[0]["episode_id"])
    mine = set(rated) | set(watched) | set(listed) | {series["media_id"]}
    picks = recommend.for_user(me, limit=50)
    assert picks and not mine & {p["media_id"] for p in picks}
    learned = [p for p in picks if not p["popular"]]
    assert learned, "signals reach the neighbours table"
    my_titles = {titles.title_for_viewer(m, me)["title"] for m in mine}
    for pick in learned:
        assert pick["reason"].startswith("Because you liked ")
        assert pick["because_1"] in my_titles and pick["because_2"] in my_titles | {None}
    # Learned picks come first, best score first.
    assert [p["popular"] for p in picks] == sorted(p["popular"] for p in picks)


def test_a_review_without_stars_is_no_rating_signal_and_is_not_recommended_back(demo_db):
    """It says I know the title, not whether I liked it: no "because you liked", nothing learned from it."""
    train_recommender()
    me = make_user()
    cold = [p["media_id"] for p in recommend.for_user(me, limit=20)]
    reviews.save_review(me, cold[0], None, "Seen it; no verdict yet.")
    picks = recommend.for_user(me, limit=20)
    assert all(p["popular"] and p["reason"] == recommend.POPULAR_REASON for p in picks)
    assert [p["media_id"] for p in picks][:19] == cold[1:]


def test_similar_titles_on_the_demo_are_films_for_a_film(demo_db):
    train_recommender()
    [sholay] = fetch_all("SELECT media_id, media_type FROM media WHERE title = 'Sholay'")
    similar = recommend.similar(sholay["media_id"])
    assert len(similar) >= 6
    assert sholay["media_id"] not in {s["media_id"] for s in similar}
    films = sum(s["media_type"] == "Movie" for s in similar)
    assert films >= 0.8 * len(similar), [(s["title"], s["media_type"]) for s in similar]
    # Symmetric enough: most of Sholay's neighbours list Sholay among theirs.
    back = sum(sholay["media_id"] in {t["media_id"] for t in recommend.similar(s["media_id"], 30)} for s in similar)
    assert back >= len(similar) / 2


def test_training_on_an_empty_database_says_so_and_changes_nothing(empty_db):
    with pytest.raises(recommend.TrainingRefused, match="Nothing to learn from yet: 0 users"):
        train_recommender()
    assert recommend_sql.neighbour_count() == 0


def test_training_on_one_user_says_so(empty_db):
    from db.engine import transaction
    with transaction(None) as conn:
        conn.exec_driver_sql("INSERT INTO media (media_id, title, media_type) VALUES (1, 'A', 'Movie'), "
                             "(2, 'B', 'Movie')")
    me = make_user()
    reviews.save_review(me, 1, 8, "")
    reviews.save_review(me, 2, 6, "")
    with pytest.raises(recommend.TrainingRefused, match="1 user with ratings"):
        train_recommender()


def test_rows_of_a_title_deleted_during_training_are_left_out(demo_db, monkeypatch):
    from db.engine import transaction
    with transaction(None) as conn:
        doomed = conn.exec_driver_sql("INSERT INTO media (title, media_type) VALUES ('Doomed', 'Movie')").lastrowid
    popular = [p["media_id"] for p in recommend.for_user(make_user(), limit=3)]
    for _ in range(3):
        fan = make_user()
        for media_id in (doomed, *popular):
            reviews.save_review(fan, media_id, 9, "")
    real_learn = recommend_model.learn

    def learn_then_delete(*args, **kwargs):
        model = real_learn(*args, **kwargs)
        assert doomed in set(model.sources.tolist()) | set(model.targets.tolist())
        with transaction(None) as conn:  # the title goes after the model learned it, before the swap
            conn.exec_driver_sql(f"DELETE FROM media WHERE media_id = {int(doomed)}")
        return model

    monkeypatch.setattr(recommend_model, "learn", learn_then_delete)
    outcome = train_recommender()
    assert outcome.vanished_rows > 0
    [left] = fetch_all("SELECT COUNT(*) AS n FROM media_neighbours WHERE media_id = :d OR neighbour_id = :d",
                       d=doomed)
    assert left["n"] == 0 and recommend_sql.neighbour_count() == outcome.neighbour_rows
    assert not fetch_all("SHOW TABLES LIKE 'media\\_neighbours\\_%'")


# --- the evaluation protocol, against a hand-computed example --------------------------------------------
def test_split_follows_the_protocol_exactly():
    ratings = pd.DataFrame({"userId": [1, 1, 1, 1, 1, 2, 2], "movieId": [10, 11, 12, 13, 14, 10, 11],
                            "rating": [5.0, 4.0, 3.0, 4.5, 2.0, 4.0, 1.0]})
    draw = np.random.default_rng(0).random(7)
    # user 1's five draws ranked: the largest (percentile 1.0 > 0.8) is their only test row
    user1 = draw[:5]
    expected_test_1 = {10 + int(np.argmax(user1))}
    # user 2's two draws: percentiles 0.5 and 1.0, so the larger one is test
    expected_test_2 = {10 + int(np.argmax(draw[5:]))}
    train, test = rec_evaluation.split(ratings, seed=0)
    assert set(test[test.userId == 1].movieId) == expected_test_1
    assert set(test[test.userId == 2].movieId) == expected_test_2
    assert len(train) + len(test) == 7


def test_metrics_on_a_hand_computed_example():
    relevant = {1: {10, 11}, 2: {20}, 3: {30, 31, 32, 33}}
    picks = {1: [10, 99, 11], 2: [21, 22], 3: [30] + list(range(100, 120)) + [31]}
    scores = rec_evaluation.evaluate(relevant, lambda u: picks[u], k=10)
    # user 1: 2/2, user 2: 0/1, user 3: 1/4 (31 is beyond the top 10)
    assert scores.recall == pytest.approx((1 + 0 + 0.25) / 3)
    assert scores.precision == pytest.approx((0.2 + 0 + 0.1) / 3)
    assert scores.hit_rate == pytest.approx(2 / 3)
    assert rec_evaluation.relevant_by_user(pd.DataFrame(
        {"userId": [1, 1, 2], "movieId": [5, 6, 7], "rating": [4.0, 3.5, 5.0]})) == {1: {5}, 2: {7}}
