"""The pages of the watch diary: the title page's "Log a watch" and episode ticks, Diary, Calendar with its
iCal feed (parsed with the icalendar library, served by the app's own route), and Feed with its blocking
rule. Each page stays within the statement budget."""
from datetime import date, timedelta

import anyio
import icalendar
import pytest
from starlette.applications import Starlette

from core import friends, ical, reviews, watching, watchlist
from db import calendar_feeds, engine, titles
from db import watch_events as events
from tests.apptest import open_app
from tests.viewer_helpers import (
    PAGE_BUDGET,
    make_user,
    plain,
    rerun_statements,
    shown,
)
from ui import ical_route

pytestmark = pytest.mark.usefixtures("removed_after_test")


def title_id(name: str) -> int:
    return engine.scalar("SELECT media_id FROM media WHERE title = :t", t=name)


def button(at, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r} in {[b.label for b in at.button]}"
    return found[0]


# --- the title page ----------------------------------------------------------------------------------------
def test_a_film_is_logged_from_its_page_with_a_date_and_shows_as_a_rewatch_the_second_time(demo_db):
    me = make_user()
    film = title_id("Sholay")
    at = open_app(me, page="app_pages/media.py", query={"id": film})
    button(at, "Log a watch").click().run()
    at.date_input(key=f"log_day_{film}").set_value(date.today() - timedelta(days=3))
    at.number_input(key=f"log_rating_{film}").set_value(9)
    at.text_area(key=f"log_review_{film}").input("[click](javascript:alert(1)) <script>x</script>")
    button(at, "Log it").click().run()
    assert not at.exception
    assert "Logged a watch of 'Sholay' in your diary. Your review was added." in shown(at)
    [entry] = events.mine_for_title(me, film)
    assert entry["watched_at"].date() == date.today() - timedelta(days=3)
    assert engine.scalar("SELECT review_text FROM reviews WHERE username = :u", u=me).startswith("[click]")
    assert rerun_statements(at) <= PAGE_BUDGET
    watching.log_film(me, film, date.today())
    at = open_app(me, page="app_pages/media.py", query={"id": film, "tab": "My watches"})
    text = shown(at)
    assert "You watched it 2 times." in text
    assert "rewatch" in text and "first watch" in text


def test_a_review_without_a_rating_is_logged_with_the_watch_and_moves_no_average(demo_db):
    me = make_user()
    film = title_id("Sholay")
    before = engine.fetch_one("SELECT average_rating, rating_count FROM media WHERE media_id = :m", m=film)
    at = open_app(me, page="app_pages/media.py", query={"id": film})
    button(at, "Log a watch").click().run()
    at.checkbox(key=f"log_unknown_{film}").check()
    at.text_area(key=f"log_review_{film}").input("A review without a rating")
    button(at, "Log it").click().run()
    assert "Logged a watch of 'Sholay' in your diary. Your review was added." in shown(at)
    assert len(events.mine_for_title(me, film)) == 1
    assert engine.fetch_one("SELECT rating, review_text FROM reviews WHERE username = :u AND media_id = :m",
                            u=me, m=film) == {"rating": None, "review_text": "A review without a rating"}
    assert engine.fetch_one("SELECT average_rating, rating_count FROM media WHERE media_id = :m", m=film) == before


def test_unticking_one_episode_on_the_title_page(demo_db):
    me = make_user()
    series = title_id("Delhi Crime")
    eps = titles.episodes(series)
    watching.mark_up_to(me, series, eps[3]["episode_id"])
    at = open_app(me, page="app_pages/media.py", query={"id": series, "tab": "Episodes & progress"})
    box = at.checkbox(key=f"episode_{eps[1]['episode_id']}_1_1")
    assert box.value
    box.uncheck().run()
    assert "Unmarked S1E2 · Episode 2 as watched." in shown(at)
    assert {e["episode_id"] for e in events.mine_for_title(me, series)} == {eps[i]["episode_id"] for i in (0, 2, 3)}
    assert "(3 of" in shown(at)
    assert rerun_statements(at) <= PAGE_BUDGET


def test_rewatching_a_series_from_its_page(demo_db):
    me = make_user()
    series = title_id("Kota Factory")
    eps = titles.episodes(series)
    watching.mark_up_to(me, series, eps[-1]["episode_id"])
    at = open_app(me, page="app_pages/media.py", query={"id": series, "tab": "Episodes & progress"})
    button(at, "Rewatch this series").click().run()
    assert "Rewatch starts at the first episode" in shown(at)
    assert "Rewatch: you have not marked any" in shown(at)
    assert len(events.mine_for_title(me, series)) == len(eps)


# --- Diary -----------------------------------------------------------------------------------------------------
def test_an_empty_diary_says_what_to_do(demo_db):
    at = open_app(make_user(), page="app_pages/diary.py")
    assert "Your diary is empty" in shown(at)
    assert rerun_statements(at) <= PAGE_BUDGET


def test_the_diary_groups_a_days_episodes_filters_by_kind_and_deletes_in_place(demo_db):
    me = make_user()
    series, film = title_id("Delhi Crime"), title_id("Sholay")
    eps = titles.episodes(series)
    for episode in eps[:3]:
        watching.set_episode(me, series, episode["episode_id"])
    watching.log_film(me, film, date.today() - timedelta(days=40))
    again = watching.log_film(me, film, date.today())
    at = open_app(me, page="app_pages/diary.py")
    text = shown(at)
    assert "Watches 5" in text and "Films 2" in text and "Episodes 3" in text
    assert f"{date.today():%B %Y}" in text
    assert "S1E1–S1E3 · 3 episodes" in text
    assert "rewatch" in text
    statements = rerun_statements(at)
    assert statements <= PAGE_BUDGET

    at = open_app(me, page="app_pages/diary.py", query={"kind": "films"})
    assert "S1E1–S1E3" not in shown(at) and "rewatch" in shown(at)
    button(at, "Delete").click().run()  # the newest entry first: today's rewatch
    button(at, "Yes, delete it").click().run()
    assert "deleted from your diary" in shown(at)
    assert again["event_id"] not in {e["event_id"] for e in events.mine_for_title(me, film)}

    # a busier diary takes the same statements
    for episode in eps[3:]:
        watching.set_episode(me, series, episode["episode_id"], on=date.today() - timedelta(days=9))
    assert rerun_statements(open_app(me, page="app_pages/diary.py")) == statements


# --- Calendar and iCal -----------------------------------------------------------------------------------------
def follower_of_announced() -> tuple[str, list[dict]]:
    me = make_user()
    for name in ("Panchayat", "Mirzapur", "Paatal Lok"):
        watchlist.set_status(me, title_id(name), "plan_to_watch")
    upcoming = events.upcoming(me, date.today())
    assert len({r["media_id"] for r in upcoming}) == 3
    return me, upcoming


def test_the_calendar_lists_upcoming_episodes_of_followed_series(demo_db):
    me, upcoming = follower_of_announced()
    at = open_app(me, page="app_pages/calendar.py")
    links = [plain(link.proto.label) for link in at.get("page_link")]
    first = upcoming[0]
    assert any(f"{first['series']} · {first['code']} · {first['title']}" in label for label in links)
    assert sum(int(m.value) for m in at.metric) == len(upcoming)
    assert rerun_statements(at) <= PAGE_BUDGET
    dropped = make_user()
    watchlist.set_status(dropped, title_id("Panchayat"), "dropped")
    assert "None of the series you follow" in shown(open_app(dropped, page="app_pages/calendar.py"))


def fetch(path: str) -> tuple[int, str, str]:
    """GET path from the app's own iCal route (no cookie, no session): status, content type, body."""
    app = Starlette(routes=ical_route.routes())
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [], "root_path": "", "scheme": "http", "server": ("testserver", 80), "client": ("t", 1),
             "http_version": "1.1", "app": app}
    anyio.run(app, scope, receive, send)
    headers = dict(sent[0]["headers"])
    return sent[0]["status"], headers.get(b"content-type", b"").decode(), b"".join(
        m.get("body", b"") for m in sent[1:]).decode()


def test_the_ical_feed_is_valid_and_matches_the_upcoming_episodes(demo_db):
    me, upcoming = follower_of_announced()
    secret = ical.regenerate(me)
    assert calendar_feeds.owner(ical.hash_secret(secret)) == me
    assert engine.scalar("SELECT COUNT(*) FROM calendar_feeds WHERE secret_hash = :s", s=secret) == 0  # only a hash
    status, kind, body = fetch(ical.feed_path(secret))
    assert status == 200 and kind.startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(body)
    found = [(e.decoded("DTSTART"), str(e["SUMMARY"])) for e in parsed.walk("VEVENT")]
    assert found == [(r["air_date"], f"{r['series']} · {r['code']} · {r['title']}") for r in upcoming]
    assert all(not isinstance(start, type(parsed)) and not hasattr(start, "hour") for start, _ in found)  # all-day
    assert all(line.endswith("\r") or not line for line in body.split("\n")[:-1])


def test_a_wrong_revoked_or_malformed_secret_answers_404_and_says_nothing_more(demo_db):
    me, _ = follower_of_announced()
    old = ical.regenerate(me)
    new = ical.regenerate(me)
    answers = {fetch(ical.feed_path(s))[::2] for s in (old, "x" * 43, "not a secret", "../../etc/passwd", "")}
    ical.revoke(me)
    answers.add(fetch(ical.feed_path(new))[::2])
    assert answers == {(404, "Not Found")}


def test_summaries_with_commas_and_long_titles_are_escaped_and_folded():
    row = {"episode_id": 1, "series": "Sacred Games, Part; One \\ " + "é" * 80, "code": "S1E1", "title": "Ashwathama",
           "air_date": date(2030, 1, 2)}
    body = ical.calendar([row])
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == ical.summary(row)


# --- Feed ------------------------------------------------------------------------------------------------------
def befriend(a: str, b: str) -> None:
    friends.send_request(a, b)
    friends.accept(b, a)


def test_the_feed_shows_friends_watches_and_reviews_with_spoilers_folded(demo_db):
    me, pal = make_user(), make_user("pal")
    befriend(me, pal)
    series, film = title_id("Delhi Crime"), title_id("Sholay")
    for episode in titles.episodes(series)[:2]:
        watching.set_episode(pal, series, episode["episode_id"])
    watching.log_film(pal, film, date.today(), 9, "The ending: Gabbar is caught.", True)
    reviews.save_review(pal, title_id("Delhi Crime"), None, "Tense, no stars from me yet.")
    at = open_app(me, page="app_pages/feed.py")
    text = shown(at)
    assert f"**{pal}** watched S1E1–S1E2 (2 episodes) of" in text
    assert f"**{pal}** rated ★ 9/10 and reviewed" in text
    assert f"**{pal}** reviewed" in text and "Tense, no stars from me yet." in text
    [spoiler] = [e for e in at.expander if e.label == "Contains spoilers: click to read"]
    assert "Gabbar is caught" in spoiler.text[0].value
    assert rerun_statements(at) <= PAGE_BUDGET
    home = open_app(me, page="app_pages/home.py", query={"chart": "Friends' activity"})
    assert f"**{pal}** watched" in shown(home)
    assert rerun_statements(home) <= PAGE_BUDGET


def test_a_blocked_user_never_appears_in_the_feed_either_way(demo_db):
    me, other = make_user(), make_user("blocked")
    befriend(me, other)
    film = title_id("Sholay")
    for who in (me, other):
        watching.log_film(who, film, date.today())
        reviews.save_review(who, film, 7, "Fine.")
    assert {r["username"] for r in events.friends_activity(me, 20, 0)} == {other}
    friends.block(me, other)
    assert events.friends_activity(me, 20, 0) == []
    assert events.friends_activity(other, 20, 0) == []
    assert other not in shown(open_app(me, page="app_pages/feed.py"))
    assert me not in shown(open_app(other, page="app_pages/feed.py")).replace(f"Logged in as {other}", "")


def test_an_empty_feed_says_what_to_do(demo_db):
    at = open_app(make_user(), page="app_pages/feed.py")
    assert "Nothing from friends yet" in shown(at)
