"""The real app opens in Chromium: the welcome page shows the name, the catalog and the way in, and a
demo account gets in through the login form (the `login` helper every browser test relies on)."""
from playwright.sync_api import expect

from tests.browser.helpers import login, open_page

DEMO_PASSWORD = "StreamSync!2024"


def test_welcome_page_loads_in_chromium(live_app, page):
    open_page(page, live_app)
    expect(page.get_by_role("heading", name="StreamSync")).to_be_visible()
    expect(page.get_by_text("Films", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    expect(page.get_by_role("button", name="Create an account")).to_be_visible()
    # Nobody is logged in, so no page of the library is routable.
    expect(page.get_by_role("link", name="Lists")).to_have_count(0)


def test_demo_user_logs_in_through_the_form(live_app, page):
    login(page, live_app, "user001", DEMO_PASSWORD)
    expect(page.get_by_text("Logged in as user001")).to_be_visible()
    expect(page.get_by_role("link", name="Lists")).to_be_visible()
