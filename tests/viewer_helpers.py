"""Helpers for the viewer-page tests (Home, Lists, Progress, Friends, recommendations): fresh users (each
test makes its own, so tests never depend on each other's rows or on the demo users' data), a busy user
with many rows everywhere, demo titles to work with, and statement counting."""
from __future__ import annotations

import re
import uuid

from core import accounts, sample_library
from db import statement_counter
from tests.apptest import texts
from ui.cards import WORD_JOINER

# Every page render may issue at most 10 statements, the session check of streamlit_app.py included.
PAGE_BUDGET = 10

# bcrypt of the demo password (cost 4: these accounts only ever log in through a session row).
TEST_PASSWORD_HASH = "$2b$04$P336gfh85k8dTalde1DAVeZjY8QorbCESVFnCbHFf9kaDmUx6SIua"


_made: list[str] = []


def make_user(tag: str = "viewer", firstname: str = "Test", username: str | None = None) -> str:
    """Create a user named `username` or `<tag><random>` and return the username (removed_after_test
    deletes it)."""
    username = username or f"{tag}{uuid.uuid4().hex[:10]}"
    accounts.create_account(username, firstname=firstname, lastname="Viewer", email=f"{username}@example.test",
                      dob=None, password_hash=TEST_PASSWORD_HASH)
    _made.append(username)
    return username


def remove_made_users() -> None:
    """Delete the users make_user made (the removed_after_test fixture in conftest.py calls it after a test)."""
    while _made:
        accounts.delete_own_account(_made.pop())


a_series = sample_library.a_series
some_titles = sample_library.some_titles


def plain(text: str) -> str:
    """Markdown text as a person reads it: user text goes into Markdown escaped (ui.cards.md), and
    `Sholay \\(1975\\)` reads `Sholay (1975)`; the invisible word joiners md() puts into '://', after '@'
    and into 'www.' are not read either."""
    return re.sub(r"\\(.)", r"\1", text).replace(WORD_JOINER, "")


def shown(at) -> str:
    """Everything the page shows as text (tests.apptest.texts), as a person reads it."""
    return plain(texts(at))


def button(at, label: str):
    """The one button (or form submit button) labelled `label`."""
    matches = [b for b in at.button if b.label == label]
    assert len(matches) == 1, f"expected one button {label!r}, found {[b.label for b in at.button]}"
    return matches[0]


def rerun_statements(at) -> int:
    """How many SQL statements one more run of the open page issues (the session check included)."""
    with statement_counter.measure() as m:
        at.run()
    assert not at.exception, at.exception
    return m.statements


def make_busy_user(items: int = 30, username: str | None = None) -> str:
    """A user with many rows of every kind a viewer page reads (core.sample_library.make_busy_viewer), made
    with make_user so removed_after_test deletes them all."""
    return sample_library.make_busy_viewer(make_user, items, username)
