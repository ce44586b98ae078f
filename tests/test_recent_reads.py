"""A user's costly reads (Home's picks) are kept a few minutes, and not past the user's next write."""
import pytest

from core import friends, recent_reads, recommend, reviews, watchlist
from core.errors import DataRuleError
from tests.recommend_helpers import train_recommender
from tests.viewer_helpers import make_user, some_titles

pytestmark = pytest.mark.usefixtures("removed_after_test")


class CountingRead:
    """A read that says how often it ran and answers with that count."""

    def __init__(self):
        self.runs = 0

    def __call__(self, username: str) -> int:
        self.runs += 1
        return self.runs


def test_an_answer_is_kept_until_the_user_writes_and_not_past_the_window(demo_db, monkeypatch):
    me, other = make_user(), make_user()
    read = CountingRead()
    assert recent_reads.kept(me, read) == 1
    assert recent_reads.kept(me, read) == 1  # kept
    assert recent_reads.kept(other, read) == 2  # each user has their own answer
    first = some_titles(me, 1)[0]
    watchlist.set_status(other, first["media_id"], "plan_to_watch")
    assert recent_reads.kept(me, read) == 1  # someone else's write leaves mine alone
    watchlist.set_status(me, first["media_id"], "plan_to_watch")
    assert recent_reads.kept(me, read) == 3  # my write makes it old at once
    assert recent_reads.kept(me, read) == 3
    later = recent_reads.clock() + recent_reads.KEEP_SECONDS + 1
    monkeypatch.setattr(recent_reads, "clock", lambda: later)
    assert recent_reads.kept(me, read) == 4  # past the window it is read again
    assert recent_reads.kept(me, read) == 4


def test_a_refused_write_is_no_write_but_costs_only_a_read(demo_db):
    me = make_user()
    read = CountingRead()
    recent_reads.kept(me, read)
    with pytest.raises(DataRuleError):
        reviews.save_review(me, 2**31 - 1, 8, "")  # no such title: refused, nothing committed
    assert recent_reads.kept(me, read) == 1


def test_my_picks_follow_my_rating_at_once(demo_db):
    train_recommender()
    me = make_user()
    before = recommend.kept_for_user(me)
    assert all(pick["popular"] for pick in before)
    liked = next(t for t in some_titles(me, 40) if t["rating_count"] >= 3)
    reviews.save_review(me, liked["media_id"], 10, "")
    after = recommend.kept_for_user(me)
    assert liked["media_id"] not in {pick["media_id"] for pick in after}
    assert after == recommend.for_user(me)  # the kept answer is the live one


def test_someone_who_asks_me_meanwhile_is_no_longer_suggested(demo_db):
    me, pal, their_friend = make_user(), make_user(), make_user()
    friends.send_request(pal, me)
    friends.accept(me, pal)
    friends.send_request(their_friend, pal)
    friends.accept(pal, their_friend)

    def suggested() -> set[str]:
        return {s["username"] for s in friends.kept_suggestions(me, friends.overview(me))}

    assert their_friend in suggested()
    friends.send_request(their_friend, me)  # their write, not mine: the kept list is filtered by the live rows
    assert their_friend not in suggested()
