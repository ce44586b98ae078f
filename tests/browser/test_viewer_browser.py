"""A viewer's round trip in a real browser: search, open a title, add it to a new playlist, rate it, see the
rating on the details page and the playlist on Lists, and take the title off the playlist there."""
import re
import uuid

from playwright.sync_api import expect

from core import friends, playlists
from db import engine
from tests.browser.helpers import login, open_page, wait_for_app
from tests.viewer_helpers import make_user

DEMO_PASSWORD = "StreamSync!2024"  # make_user's accounts carry the demo password's hash


def a_plain_title() -> dict:
    """A well-known film whose title is plain words, so it reads the same in a link and a heading."""
    return engine.fetch_one("""SELECT media_id, title FROM media
                              WHERE media_type = 'Movie' AND title REGEXP '^[A-Za-z ]{4,30}$'
                              ORDER BY rating_count DESC, media_id LIMIT 1""")


def test_search_open_add_to_a_new_playlist_rate_and_see_both(demo_db, live_app, page):
    me = make_user("browser")
    title = a_plain_title()
    playlist = f"Road trip {uuid.uuid4().hex[:6]}"
    login(page, live_app, me, DEMO_PASSWORD)

    open_page(page, live_app, "explore")
    search = page.get_by_label("Search")
    search.fill(max(title["title"].split(), key=len))
    search.press("Enter")
    wait_for_app(page)
    page.get_by_role("link", name=title["title"], exact=True).first.click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=title["title"])).to_be_visible()
    expect(page).to_have_url(re.compile(rf"media\?id={title['media_id']}$"))

    page.get_by_role("button", name="Add to a playlist").click()
    page.get_by_label("New playlist").fill(playlist)
    page.get_by_role("button", name="Create and add").click()
    wait_for_app(page)
    expect(page.get_by_text(f"In: {playlist}")).to_be_visible()

    page.get_by_label("My rating (1-10, optional)", exact=True).fill("9")
    page.get_by_role("button", name="Add my review").click()
    wait_for_app(page)
    expect(page.get_by_test_id("stMetric").filter(has_text="My rating")).to_contain_text("9/10")

    open_page(page, live_app, f"media?id={title['media_id']}")  # a fresh load of the shareable URL
    expect(page.get_by_test_id("stMetric").filter(has_text="My rating")).to_contain_text("9/10")

    open_page(page, live_app, "lists")
    expect(page.get_by_text(playlist).first).to_be_visible()
    entry = page.get_by_role("link", name=re.compile(rf"^1\. {re.escape(title['title'])} \("))
    expect(entry).to_be_visible()
    [pid] = [p["playlist_id"] for p in playlists.list_for_user(me) if p["name"] == playlist]
    remove = page.locator(f".st-key-remove_{pid}_{title['media_id']} button")
    expect(remove).to_have_count(0)  # read as a list until asked to edit
    page.get_by_text("Reorder or remove").click()
    expect(remove.filter(visible=True)).to_have_count(1)  # a flex row also holds a hidden copy of it
    remove.filter(visible=True).click()
    wait_for_app(page)
    expect(page.get_by_text("This playlist is empty")).to_be_visible()
    expect(entry).to_have_count(0)


def test_the_menu_has_no_title_details_entry_that_would_open_no_title(demo_db, live_app, page):
    login(page, live_app, make_user("menu"), DEMO_PASSWORD)
    menu = page.locator("[data-testid='stSidebarNav']")
    expect(menu.get_by_role("link", name="Explore")).to_be_visible()
    expect(menu.get_by_text("Title details")).to_have_count(0)
    title = a_plain_title()
    open_page(page, live_app, f"media?id={title['media_id']}")  # reached by its link, it still opens
    expect(page.get_by_role("heading", name=title["title"])).to_be_visible()


def test_a_friend_on_friends_opens_their_profile(demo_db, live_app, page):
    me, pal = make_user("browser"), make_user("pal", firstname="Meera")
    friends.send_request(me, pal)
    friends.accept(pal, me)
    login(page, live_app, me, DEMO_PASSWORD)
    open_page(page, live_app, "friends")
    page.get_by_role("button", name=re.compile(rf"{pal} · Meera Viewer")).click()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(rf"friends\?user={pal}$"))
    expect(page.get_by_role("heading", name=f"Meera Viewer ({pal})")).to_be_visible()
    expect(page.get_by_role("button", name="Remove friend…")).to_be_visible()
