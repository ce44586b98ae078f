"""In Chromium: a moderator logs in, finds a title in the table editor, changes its year in the grid, checks
the preview and applies it; the title's details page shows the new year and the activity log shows the
change in the moderator's name."""
from __future__ import annotations

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from db.engine import fetch_one
from tests.browser.helpers import APP_IDLE, login, open_page, wait_for_app

DEMO_PASSWORD = "StreamSync!2024"
APP_RUNNING = APP_IDLE.replace("notRunning", "running")


def settle(page) -> None:
    """After an input: wait for the rerun it causes to start (unless it already came and went) and to end."""
    try:
        page.wait_for_selector(APP_RUNNING, timeout=2000)
    except PlaywrightTimeout:
        pass
    wait_for_app(page)


def attempts(action, tries: int = 3) -> None:
    """Run a grid or dropdown interaction again when the element was re-drawn under the pointer."""
    for attempt in range(tries):
        try:
            action()
            return
        except (AssertionError, PlaywrightTimeout):
            if attempt == tries - 1:
                raise


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the Streamlit selectbox labelled `label`."""
    def pick():
        page.keyboard.press("Escape")
        page.get_by_test_id("stSelectbox").filter(has_text=label).click()
        page.get_by_role("option", name=option, exact=True).click(timeout=5000)
    attempts(pick)
    settle(page)


def edit_cell(page, column_index: int, current: str, text: str) -> None:
    """Replace `current` by `text` in the grid's first row at `column_index`: select the first cell, move right
    with the arrow keys (the grid is a canvas; the keyboard is how a person without a mouse edits it), check
    that the selected cell holds `current` (the grid mirrors its cells in a hidden table for assistive
    technology, selection included), open the cell's editor with Enter, type, and Enter again."""
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()

    def open_editor():
        page.keyboard.press("Escape")
        box = grid.bounding_box()
        # The header row is 35 px high; the row-selection checkboxes take the first ~32 px: click the first cell.
        page.mouse.click(box["x"] + 60, box["y"] + 35 + 17)
        for _ in range(column_index):
            page.keyboard.press("ArrowRight")
        expect(page.locator("td[role='gridcell'][aria-selected='true']").first).to_have_text(current, timeout=3000)
        page.keyboard.press("Enter")  # opens the cell's editor (an input in the grid's overlay portal)
        expect(page.locator("#portal input, #portal textarea").first).to_be_visible(timeout=3000)
    attempts(open_editor)
    editor = page.locator("#portal input, #portal textarea").first
    editor.fill(text)
    editor.press("Enter")
    settle(page)


def test_a_moderator_changes_a_year_and_it_shows_everywhere(demo_db, live_app, page):
    title = fetch_one("SELECT media_id, title, release_year FROM media WHERE release_year IS NOT NULL "
                      "ORDER BY media_id LIMIT 1")
    new_year = str(title["release_year"] - 1 if title["release_year"] > 1950 else title["release_year"] + 1)

    login(page, live_app, "moderator", DEMO_PASSWORD)
    open_page(page, live_app, "table-editor")
    expect(page.get_by_role("heading", name="Table editor")).to_be_visible()
    choose(page, "Filter on", "media_id")
    choose(page, "Match", "equals")
    page.get_by_label("Value").fill(str(title["media_id"]))
    page.get_by_label("Value").press("Enter")
    settle(page)
    expect(page.get_by_text("1 row", exact=True)).to_be_visible()

    edit_cell(page, 3, str(title["release_year"]), new_year)  # media_id, title, description, release_year
    page.get_by_role("button", name="Save changes…").click()
    settle(page)
    expect(page.get_by_text("Check before saving")).to_be_visible()
    page.get_by_role("button", name="Apply 1 changed row in media").click()
    settle(page)
    expect(page.get_by_text("Saved: 1 changed row in media")).to_be_visible()
    assert str(fetch_one("SELECT release_year FROM media WHERE media_id = :m", m=title["media_id"])["release_year"]) \
        == new_year

    open_page(page, live_app, f"media?id={title['media_id']}")
    expect(page.get_by_text(new_year).first).to_be_visible()

    open_page(page, live_app, "activity")
    choose(page, "Table", "media")
    expect(page.get_by_text("by moderator at")).to_be_visible()
    expect(page.get_by_text(f"UPDATE on media · {title['title']}")).to_be_visible()
    # The side-by-side table (a grid: its cells are in the DOM for assistive technology) has both years.
    cells = page.locator("td[role='gridcell']")
    expect(cells.filter(has_text=re.compile(r"^release_year$")).first).to_be_attached()
    expect(cells.filter(has_text=re.compile(f"^{new_year}$")).first).to_be_attached()
    expect(cells.filter(has_text=re.compile(f"^{title['release_year']}$")).first).to_be_attached()
