"""The watch diary in a real browser: log a film with a date, untick one episode, rewatch a series, and a
calendar app's fetch of the iCal URL, without any cookie."""
import re
import urllib.error
import urllib.request
from datetime import date, timedelta

import icalendar
import pytest
from playwright.sync_api import expect

from core import ical, watching, watchlist
from db import engine, titles
from db import watch_events as events
from tests.browser.helpers import login, open_page, wait_for_app
from tests.viewer_helpers import make_user

pytestmark = pytest.mark.usefixtures("removed_after_test")
DEMO_PASSWORD = "StreamSync!2024"


def title_id(name: str) -> int:
    return engine.scalar("SELECT media_id FROM media WHERE title = :t", t=name)


def test_log_a_film_with_a_date_and_find_it_in_the_diary(demo_db, live_app, page):
    me = make_user("browser")
    film = title_id("Sholay")
    login(page, live_app, me, DEMO_PASSWORD)
    open_page(page, live_app, f"media?id={film}")
    page.get_by_role("button", name="Log a watch").first.click()
    dialog = page.get_by_role("dialog")
    day = date.today() - timedelta(days=12)
    for part, value in (("day", f"{day.day:02d}"), ("month", f"{day.month:02d}"), ("year", str(day.year))):
        dialog.get_by_role("spinbutton", name=f"{part}, Watched on").click()  # a segmented date field
        page.keyboard.type(value)
    dialog.get_by_role("button", name="Log it").click()
    wait_for_app(page)
    expect(page.get_by_text("Logged a watch of 'Sholay' in your diary.")).to_be_visible()
    [entry] = events.mine_for_title(me, film)
    assert entry["watched_at"].date() == day
    open_page(page, live_app, f"diary?year={day.year}")
    expect(page.get_by_role("link", name="Sholay (1975)")).to_be_visible()


def test_untick_one_episode_and_rewatch_a_series(demo_db, live_app, page):
    me = make_user("browser")
    series = title_id("Kota Factory")
    eps = titles.episodes(series)
    watching.mark_up_to(me, series, eps[-1]["episode_id"])
    login(page, live_app, me, DEMO_PASSWORD)
    open_page(page, live_app, f"media?id={series}")
    page.get_by_role("tab", name="Episodes & progress").click()
    expect(page.get_by_text("Watched up to").first).to_be_visible()
    episode_box = page.get_by_role("checkbox", name=f"{eps[1]['code']} · {eps[1]['title']}")
    # Chromium never finishes scrolling this far down the tab for Playwright's click: a real click event instead
    episode_box.dispatch_event("click")
    wait_for_app(page)
    expect(page.get_by_text(f"Unmarked {eps[1]['code']}")).to_be_visible()
    assert eps[1]["episode_id"] not in {e["episode_id"] for e in events.mine_for_title(me, series)}
    assert watchlist.items_for_user(me)[0]["status"] == "watching"

    expect(page.get_by_role("tab", selected=True)).to_have_text("Episodes & progress")  # the rerun kept the tab
    episode_box.dispatch_event("click")  # tick it again
    wait_for_app(page)
    page.get_by_role("button", name="Rewatch this series").click()
    wait_for_app(page)
    expect(page.get_by_text("Rewatch: you have not marked any")).to_be_visible()
    assert len(events.mine_for_title(me, series)) == len(eps)  # the first watch stays in the diary


def test_the_ical_url_answers_without_a_cookie(demo_db, live_app):
    me = make_user("browser")
    watchlist.set_status(me, title_id("Panchayat"), "plan_to_watch")
    secret = ical.regenerate(me)
    with urllib.request.urlopen(live_app.rstrip("/") + ical.feed_path(secret), timeout=20) as answer:
        assert answer.headers["Content-Type"].startswith("text/calendar")
        parsed = icalendar.Calendar.from_ical(answer.read())
    summaries = [str(e["SUMMARY"]) for e in parsed.walk("VEVENT")]
    assert summaries and all(s.startswith("Panchayat · S4E") for s in summaries)
    ical.revoke(me)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(live_app.rstrip("/") + ical.feed_path(secret), timeout=20)
    assert refused.value.code == 404


def test_a_card_opens_its_title_and_logs_its_film(demo_db, live_app, page):
    """Explore's cards (one element, ui.card_grid): a click on a card's title opens the title page; "Log" on a
    film's card opens that film's dialog, which writes the watch."""
    me = make_user("browser")
    film = title_id("Sholay")
    login(page, live_app, me, DEMO_PASSWORD)
    open_page(page, live_app, "explore?q=Sholay")
    card = page.locator(".ss-card").filter(has=page.get_by_role("link", name="Sholay", exact=True))
    expect(card.get_by_text("1975 · Movie")).to_be_visible()
    card.get_by_role("button", name="Log").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Sholay")).to_be_visible()
    dialog.get_by_role("button", name="Log it").click()
    wait_for_app(page)
    expect(page.get_by_text("Logged a watch of 'Sholay' in your diary.")).to_be_visible()
    assert len(events.mine_for_title(me, film)) == 1
    card.get_by_role("link", name="Sholay", exact=True).click()
    expect(page).to_have_url(re.compile(rf"media\?id={film}$"))
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Sholay")).to_be_visible()
