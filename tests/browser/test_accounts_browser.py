"""Accounts in a real browser: register, log out, log in, reload (still logged in: the HttpOnly cookie),
log out, reload (logged out); the cookie is invisible to page scripts; another role's page has no URL."""
import secrets

from playwright.sync_api import expect

from tests.browser.helpers import login, open_page, wait_for_app

PASSWORD = "Monsoon-Reels-2024"
DEMO_PASSWORD = "StreamSync!2024"


def session_cookie(page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == "streamsync_session"), None)


def wait_for_cookie(page, present: bool) -> None:
    """The cookie is set (or cleared) by a fetch the page makes right after the login (logout) rerun."""
    for _ in range(50):
        if (session_cookie(page) is not None) == present:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the session cookie is {'missing' if present else 'still there'}")


def register(page, base_url: str, username: str) -> None:
    open_page(page, base_url, "register")
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="First name").fill("Browser")
    page.get_by_role("textbox", name="Last name").fill("<script>alert('x')</script>")
    page.get_by_role("textbox", name="Email").fill(f"{username}@example.com")
    for part, digits in (("year", "1991"), ("month", "02"), ("day", "17")):
        page.get_by_role("spinbutton", name=f"{part}, Date of birth").click()
        page.keyboard.type(digits)
    page.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
    page.get_by_role("textbox", name="Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    wait_for_app(page)


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Create an account")).to_be_visible()
    wait_for_app(page)


def test_register_logout_login_reload_logout_reload(live_app, page):
    username = f"br_{secrets.token_hex(4)}"
    register(page, live_app, username)
    expect(page.get_by_text(f"Logged in as {username}")).to_be_visible()
    wait_for_cookie(page, present=True)

    log_out(page)
    wait_for_cookie(page, present=False)

    login(page, live_app, username, PASSWORD)
    wait_for_cookie(page, present=True)
    cookie = session_cookie(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert "streamsync_session" not in page.evaluate("document.cookie")  # page scripts cannot read it
    assert cookie["value"] not in page.content()  # nor is the token anywhere in the page

    page.reload()
    wait_for_app(page)
    expect(page.get_by_text(f"Logged in as {username}")).to_be_visible()
    expect(page.get_by_role("link", name="Profile")).to_be_visible()

    log_out(page)
    wait_for_cookie(page, present=False)
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Create an account")).to_be_visible()
    expect(page.get_by_text("Logged in as")).to_have_count(0)
    expect(page.get_by_role("link", name="Profile")).to_have_count(0)


def test_a_new_tab_shares_the_login(live_app, page):
    login(page, live_app, "user002", DEMO_PASSWORD)
    wait_for_cookie(page, present=True)
    second = page.context.new_page()
    open_page(second, live_app, "lists")
    expect(second.get_by_text("Logged in as user002")).to_be_visible()


def test_a_user_typing_an_admin_url_gets_the_home_page(live_app, page):
    login(page, live_app, "user003", DEMO_PASSWORD)
    wait_for_cookie(page, present=True)
    for path in ("users", "admin_users", "table-editor", "dashboard"):
        open_page(page, live_app, path)
        expect(page.get_by_text("Logged in as user003")).to_be_visible()
        expect(page.get_by_role("link", name="Users")).to_have_count(0)
        expect(page.get_by_role("link", name="Dashboard")).to_have_count(0)
        expect(page.get_by_role("heading", name="Users")).to_have_count(0)
        expect(page.get_by_role("heading", name="Dashboard")).to_have_count(0)
