"""Home on a 390 px phone (posters side by side, the page short enough to scroll through) and the dark theme a
browser asks for, in Chromium."""
import pytest

from tests.browser.helpers import PAGE_TIMEOUT, login
from tests.viewer_helpers import make_busy_user

pytestmark = pytest.mark.usefixtures("removed_after_test")

DEMO_PASSWORD = "StreamSync!2024"  # make_busy_user's accounts carry the demo password's hash
PHONE = {"width": 390, "height": 844}


def signed_in_tab(browser, live_app, username: str, **options):
    context = browser.new_context(locale="en-GB", **options)
    context.set_default_timeout(PAGE_TIMEOUT)
    tab = context.new_page()
    login(tab, live_app, username, DEMO_PASSWORD)
    return context, tab


def test_home_on_a_phone_keeps_posters_side_by_side_and_stays_under_3000_px(demo_db, live_app, browser):
    context, tab = signed_in_tab(browser, live_app, make_busy_user(), viewport=PHONE)
    try:
        height = tab.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        assert height < 3000, f"Home is {height} px tall on a 390 px phone"
        cards = tab.locator(".ss-shelf .ss-card")  # the For-you shelf (ui.card_grid)
        first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
        assert abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"]  # beside it, not under it
        assert first["width"] < PHONE["width"] / 2
    finally:
        context.close()


def test_a_browser_that_prefers_dark_gets_the_dark_theme(demo_db, live_app, browser):
    colours = {}
    for scheme in ("light", "dark"):
        context, tab = signed_in_tab(browser, live_app, make_busy_user(), color_scheme=scheme)
        try:
            colours[scheme] = tab.evaluate(
                "getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor")
        finally:
            context.close()
    assert colours == {"light": "rgb(255, 255, 255)", "dark": "rgb(23, 20, 26)"}
