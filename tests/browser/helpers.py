"""Helpers for the browser tests: load a page and wait for its script run, wait after a click, log in."""
from __future__ import annotations

import pytest

PAGE_TIMEOUT = 30_000  # milliseconds for a page or a rerun to finish
# The stApp element carries the script state; "notRunning" means the run (and its rerun) is over.
APP_IDLE = "[data-testid='stApp'][data-test-connection-state='CONNECTED'][data-test-script-state='notRunning']"
# Widgets whose code is still loading are drawn as grey skeletons first (selectbox, slider, ...).
SKELETONS = "[data-testid='stSkeleton'], [data-testid='stSkeletonElement'], [data-testid='stAppSkeleton']"


def wait_for_app(page) -> None:
    """Wait until Streamlit is connected, no script run is in progress (after a load or a click) and every
    widget is drawn. Playwright's actions and expect() wait by themselves too; count() does not."""
    page.wait_for_selector(APP_IDLE, timeout=PAGE_TIMEOUT)
    page.wait_for_function(f"!document.querySelector({SKELETONS!r})", timeout=PAGE_TIMEOUT)


def open_page(page, base_url: str, path: str = "") -> None:
    """Load base_url/path (e.g. "media?id=5") and wait for the page's script run to finish."""
    page.goto(f"{base_url}/{path.lstrip('/')}")
    wait_for_app(page)


def login(page, base_url: str, username: str, password: str) -> None:
    """Log in through the form on /login, as a person would, and wait for the signed-in app."""
    open_page(page, base_url, "login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    # Signed in, the sidebar names the account and offers "Log out" (ui/session.py account_sidebar);
    # refused, the form shows why. Wait for whichever comes first.
    logged_in = page.get_by_role("button", name="Log out")
    refused = page.locator("[data-testid='stMain'] [data-testid='stAlert']")
    logged_in.or_(refused).first.wait_for(state="visible", timeout=PAGE_TIMEOUT)
    if not logged_in.is_visible():
        pytest.fail(f"Logging in as {username!r} did not work; the page says: {refused.all_inner_texts()}")
    wait_for_app(page)
