"""Where a person is stays where they are, in a real browser: the open tab and the chosen playlist after a full
load and a click, a logged-out link to a page after logging in, and an Explore search after Back."""
import re

import pytest
from playwright.sync_api import expect

from core import playlists, watchlist
from db import engine, titles
from tests.browser.helpers import login, open_page, wait_for_app
from tests.viewer_helpers import make_user

pytestmark = pytest.mark.usefixtures("removed_after_test")
DEMO_PASSWORD = "StreamSync!2024"


def title_id(name: str) -> int:
    return engine.scalar("SELECT media_id FROM media WHERE title = :t", t=name)


def open_tab(page):
    return page.get_by_role("tab", selected=True)


def test_the_open_tab_and_playlist_stay_after_a_full_load_and_a_click(demo_db, live_app, page):
    me = make_user("browser")
    series = title_id("Kota Factory")
    first = titles.episodes(series)[0]
    login(page, live_app, me, DEMO_PASSWORD)

    open_page(page, live_app, f"media?id={series}")  # a full load, as a shared link or a refresh
    page.get_by_role("tab", name="Episodes & progress").click()
    wait_for_app(page)
    # Chromium never finishes scrolling down the tab for Playwright's click: a real click event instead
    page.get_by_role("checkbox", name=f"{first['code']} · {first['title']}").dispatch_event("click")
    wait_for_app(page)
    expect(page.get_by_text(f"Marked {first['code']}")).to_be_visible()
    expect(open_tab(page)).to_have_text("Episodes & progress")  # it was "My rating & review" after this click
    page.reload()
    wait_for_app(page)
    expect(open_tab(page)).to_have_text("Episodes & progress")

    film = title_id("Sholay")
    watchlist.set_status(me, film, "plan_to_watch")
    playlists.create_playlist(me, "First list")
    playlists.create_playlist(me, "Second list")
    open_page(page, live_app, "lists")
    page.get_by_test_id("stSelectbox").filter(has_text="Playlist").click()
    page.get_by_role("option", name=re.compile("^Second list")).click()
    wait_for_app(page)
    page.get_by_role("tab", name="Watchlist").click()
    wait_for_app(page)
    page.get_by_role("combobox", name="Move to").click()
    page.get_by_role("option", name="Completed", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("Moved 'Sholay' to Completed.")).to_be_visible()
    expect(open_tab(page)).to_have_text("Watchlist")
    assert watchlist.items_for_user(me)[0]["status"] == "completed"
    page.reload()
    wait_for_app(page)
    expect(open_tab(page)).to_have_text("Watchlist")
    page.get_by_role("tab", name="Playlists").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Second list")).to_be_visible()  # the chosen playlist, not the first


def test_a_logged_out_link_to_a_page_lands_there_after_logging_in(demo_db, live_app, page):
    me = make_user("browser")
    film = title_id("Sholay")
    open_page(page, live_app, f"media?id={film}&tab=Reviews")
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_text("Log in to open Title details")).to_be_visible()
    page.get_by_label("Username").fill(me)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Sholay")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/media\?id={film}&tab=Reviews$"))
    expect(open_tab(page)).to_have_text("Reviews")


def test_back_from_a_title_restores_the_search(demo_db, live_app, page):
    login(page, live_app, make_user("browser"), DEMO_PASSWORD)
    open_page(page, live_app, "explore")
    expect(page.get_by_text(re.compile(r"titles · sorted by number of ratings"))).to_be_visible()
    search = page.get_by_label("Search")
    search.fill("khan")
    search.press("Enter")
    wait_for_app(page)
    found = page.get_by_text(re.compile(r"^\d+ titles · sorted by relevance$"))
    expect(found).to_be_visible()
    count = found.inner_text()
    page.locator("[data-testid='stMain'] a[href*='media?id=']").first.click()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"/media\?id=\d+$"))

    page.go_back()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"/explore\?q=khan$"))
    expect(page.get_by_label("Search")).to_have_value("khan")
    expect(page.get_by_text(count, exact=True)).to_be_visible()
