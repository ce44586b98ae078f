"""Friends: requests with a clear word for every refusal, answering them, removing, blocking (which hides
each from the other), suggestions, and a friend's profile."""
import pytest

from core import friends, playlists, reviews
from db.errors import DataRuleError, PermissionDenied
from tests.apptest import open_app
from tests.viewer_helpers import (
    PAGE_BUDGET,
    button,
    make_busy_user,
    make_user,
    plain,
    rerun_statements,
    shown,
    some_titles,
)
from ui.cards import md

pytestmark = pytest.mark.usefixtures("removed_after_test")

PAGE = "app_pages/friends.py"


def befriend(a: str, b: str) -> None:
    friends.send_request(a, b)
    friends.accept(b, a)


def status_between(a: str, b: str) -> str | None:
    return next((r["status"] for r in friends.overview(a) if r["other"] == b), None)


def errors(at) -> str:
    return plain(" ".join(e.value for e in at.error))


def test_new_user_sees_what_to_do(demo_db):
    at = open_app(make_user(), page=PAGE)
    assert not at.exception
    text = shown(at)
    assert "No friends yet" in text and "No one is waiting for an answer." in text
    assert rerun_statements(at) <= PAGE_BUDGET


def test_send_a_request_by_username_and_the_other_accepts(demo_db):
    me, other = make_user(), make_user()
    at = open_app(me, page=PAGE)
    at.text_input(key="friend_username").input(f"  {other.upper()} ")
    button(at, "Send request").click().run()
    assert f"Friend request sent to {other}." in shown(at)
    assert "Sent requests (1)" in shown(at)

    theirs = open_app(other, page=PAGE)
    assert "Incoming requests (1)" in shown(theirs)
    theirs.button(key=f"accept_{me}").click().run()
    assert f"You and {me} are friends now." in shown(theirs)
    assert status_between(me, other) == "accepted"


@pytest.mark.parametrize("case, message", [
    ("unknown", "There is no user called"),
    ("empty", "Type the username"),
    ("self", "That is you"),
    ("pending", "You already asked"),
    ("they_asked", "already asked you"),
    ("friends", "already friends"),
    ("i_blocked", "Unblock them first"),
    ("they_blocked", "You cannot send a friend request"),
])
def test_every_refused_request_says_why(demo_db, case, message):
    me, other = make_user(), make_user()
    target = {"unknown": "nobody-" + other, "empty": "   ", "self": me}.get(case, other)
    if case == "pending":
        friends.send_request(me, other)
    elif case == "they_asked":
        friends.send_request(other, me)
    elif case == "friends":
        befriend(me, other)
    elif case == "i_blocked":
        friends.block(me, other)
    elif case == "they_blocked":
        friends.block(other, me)
    before = friends.overview(me)
    at = open_app(me, page=PAGE)
    at.text_input(key="friend_username").input(target)
    button(at, "Send request").click().run()
    assert not at.exception
    assert message in errors(at)
    assert friends.overview(me) == before  # nothing written


def test_decline_cancel_and_remove(demo_db):
    me, asker, asked, friend = make_user(), make_user(), make_user(), make_user()
    friends.send_request(asker, me)
    friends.send_request(me, asked)
    befriend(me, friend)
    at = open_app(me, page=PAGE)
    at.button(key=f"decline_{asker}").click().run()
    at.button(key=f"cancel_{asked}").click().run()
    assert f"unfriend_{friend}" not in [b.key for b in at.button]  # removing is on the friend's profile
    at.button(key=f"view_{friend}").click().run()
    at.button(key=f"unfriend_{friend}").click().run()
    assert f"Remove **{friend}** from your friends?" in shown(at).replace("\\", "")
    at.button(key=f"unfriend_{friend}__yes").click().run()
    assert friends.overview(me) == []
    assert f"Removed {friend} from your friends." in shown(at)
    assert "user" not in at.query_params and "Friends (0)" in shown(at)  # the profile closed with the friendship
    with pytest.raises(DataRuleError, match="no pending request"):
        friends.accept(me, asker)


def test_block_replaces_the_friendship_and_hides_both_profiles(demo_db):
    me, pal = make_user(), make_user()
    befriend(me, pal)
    at = open_app(me, page=PAGE, query={"user": pal})
    at.button(key=f"block_{pal}").click().run()
    at.button(key=f"block_{pal}__yes").click().run()
    assert f"Blocked {pal}." in shown(at)
    rows = friends.overview(me)
    assert [(r["other"], r["status"], r["outgoing"]) for r in rows] == [(pal, "blocked", 1)]
    assert "Blocked (1)" in shown(at)

    for viewer, profile in ((pal, me), (me, pal)):  # whoever blocked, neither sees the other
        view = open_app(viewer, page=PAGE, query={"user": profile})
        assert not view.exception
        assert f"You cannot see {profile}'s profile." in errors(view)
        with pytest.raises(PermissionDenied):
            friends.profile(viewer, profile)
    with pytest.raises(DataRuleError, match="already a block"):
        friends.block(pal, me)  # one row per pair holds one blocker

    at.button(key=f"unblock_{pal}").click().run()
    assert status_between(me, pal) is None
    friends.send_request(pal, me)  # requests work again


def test_block_someone_by_username(demo_db):
    me, stranger = make_user(), make_user()
    at = open_app(me, page=PAGE)
    at.text_input(key="block_username").input(stranger)
    button(at, "Block").click().run()
    assert status_between(me, stranger) == "blocked"
    with pytest.raises(DataRuleError, match="You cannot send a friend request"):
        friends.send_request(stranger, me)


def test_a_friends_profile_shows_lists_ratings_titles_in_common_and_mutual_friends(demo_db):
    me, pal, both = make_user(), make_user(), make_user()
    shared, theirs_only = some_titles(me, 2)
    befriend(me, pal)
    befriend(me, both)
    befriend(pal, both)
    playlists.create_playlist(pal, "Pal's <b>picks</b>")
    reviews.save_review(pal, shared["media_id"], 9, "")
    reviews.save_review(pal, theirs_only["media_id"], 4, "")
    reviews.save_review(me, shared["media_id"], 8, "")

    at = open_app(me, page=PAGE, query={"user": pal})
    assert not at.exception
    name = "Pal's <b>picks</b>"
    assert f"- {md(name)} · 0 titles" in [m.value for m in at.markdown]  # escaped: the tags show as typed
    assert md(both) in [c.value for c in at.caption]  # the mutual-friends line names exactly them
    links = [plain(link.proto.label) for link in at.get("page_link")]
    assert f"★ 4 · {theirs_only['title']} ({theirs_only['release_year']})" in links  # their recent rating
    assert f"{shared['title']}: you ★ 8, them ★ 9" in links  # rated by both
    assert rerun_statements(at) <= PAGE_BUDGET


def test_a_non_friend_profile_shows_no_lists_and_no_real_name(demo_db):
    me, stranger = make_user(), make_user(firstname="Zarina")
    playlists.create_playlist(stranger, "Secret list")
    at = open_app(me, page=PAGE, query={"user": stranger})
    assert "You are not friends yet" in shown(at)
    assert "Secret list" not in shown(at)
    assert "Zarina" not in shown(at) and "Viewer" not in shown(at)  # the username only, as a stranger
    assert [s.value for s in at.subheader if stranger in s.value] == [md(stranger)]
    button(at, f"Send {stranger} a friend request").click().run()
    assert status_between(me, stranger) == "pending"


def test_suggestions_are_friends_of_friends_and_similar_raters(demo_db):
    me, pal, their_friend, like_minded = make_user(), make_user(), make_user(), make_user()
    befriend(me, pal)
    befriend(pal, their_friend)
    [title] = some_titles(me, 1)
    reviews.save_review(me, title["media_id"], 7, "")
    reviews.save_review(like_minded, title["media_id"], 8, "")
    suggested = {s["username"]: s for s in friends.suggestions(me, limit=50)}
    assert suggested[their_friend]["mutual_friends"] == 1
    assert suggested[like_minded]["similar_ratings"] == 1
    assert pal not in suggested and me not in suggested
    at = open_app(me, page=PAGE)
    at.button(key=f"suggest_{their_friend}").click().run()
    assert status_between(me, their_friend) == "pending"


def test_statement_count_does_not_grow_with_friends(demo_db):
    fresh = open_app(make_user(), page=PAGE)
    busy = open_app(make_busy_user(), page=PAGE)
    assert "Friends (4)" in shown(busy)
    assert rerun_statements(busy) == rerun_statements(fresh) <= PAGE_BUDGET


# --- hostile input and stale pages (viewer QA pass) --------------------
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


def test_a_non_friend_never_shows_with_a_real_name_in_requests_or_suggestions(demo_db):
    """Issue 14, part 7: sending a request to anyone, or being asked by anyone, showed their first and last
    name under Sent or Incoming requests; people you may know showed theirs too. Names are for friends."""
    me, asked, asker = make_user(firstname="Zarina"), make_user(firstname="Yusuf"), make_user(firstname="Xenia")
    pal, their_friend = make_user(), make_user(firstname="Wilhelmina")
    befriend(me, pal)
    befriend(pal, their_friend)
    friends.send_request(me, asked)
    friends.send_request(asker, me)
    at = open_app(me, page=PAGE)
    assert not at.exception
    text = shown(at)
    assert asked in text and asker in text and their_friend in text  # listed, by username
    assert "Yusuf" not in text and "Xenia" not in text and "Wilhelmina" not in text
    assert all(r["firstname"] is None for r in friends.overview(me) if r["status"] != "accepted")
    assert all(s["firstname"] is None and s["lastname"] is None for s in friends.suggestions(me, limit=50))
    assert "Zarina" not in shown(open_app(asked, page=PAGE))  # nor mine in theirs


def test_a_strangers_lists_ratings_and_friends_are_not_given_out_by_core(demo_db):
    me, stranger, common = make_user(), make_user(), make_user()
    befriend(me, common)
    befriend(stranger, common)
    playlists.create_playlist(stranger, "Secret list")
    [title] = some_titles(stranger, 1)
    reviews.save_review(stranger, title["media_id"], 9, "")
    reviews.save_review(me, title["media_id"], 3, "")
    seen = friends.friend_profile(me, stranger)
    assert (seen["firstname"], seen["lists"], seen["ratings"], seen["both"], seen["mutual"]) == (None, [], [], [], [])
    befriend(me, stranger)
    seen = friends.friend_profile(me, stranger)
    assert [p["name"] for p in seen["lists"]] == ["Secret list"] and [m["username"] for m in seen["mutual"]] == [common]
