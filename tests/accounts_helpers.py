"""Shared helpers for the accounts tests: users made straight in the database, the login form, and
AppTest runs that go through streamlit_app.py every time, as a real server does."""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from core import accounts, auth

PASSWORD = "Monsoon-Reels-2024"


@lru_cache(maxsize=4)
def hashed(password: str) -> str:
    """One bcrypt hash per password per test run (each costs ~0.2 s)."""
    return auth.hash_password(password)


def make_user(username: str, role: str = "user", password: str = PASSWORD, email: str | None = None) -> str:
    accounts.create_account(username, firstname="Test", lastname=username.title(),
                            email=email or f"{username}@example.com", dob=date(1990, 1, 1),
                            password_hash=hashed(password), role=role)
    return username


def field(at, label: str):
    """The text input labelled `label`."""
    return next(t for t in at.text_input if t.label == label)


def click(at, label: str):
    """Click the (form submit) button labelled `label` and run."""
    next(b for b in at.button if b.label == label).click()
    return at.run()


def fill_login(at, username: str, password: str):
    """Submit the login form of an AppTest showing pages/login.py."""
    field(at, "Username").set_value(username)
    field(at, "Password").set_value(password)
    return click(at, "Log in")


def in_order(at) -> list[tuple[str, str]]:
    """The main area's elements in page order as (type, label or value), to check what sits under what."""
    def walk(node, out):
        for child in getattr(node, "children", {}).values():
            if getattr(child, "children", None):
                walk(child, out)
            else:
                out.append((child.type, getattr(child, "label", None) or getattr(child, "value", None)))
        return out
    return walk(at.main, [])


def error_under(at, label: str) -> str | None:
    """The error shown right under the widget labelled `label`, if any."""
    elements = in_order(at)
    for (kind, text), following in zip(elements, elements[1:], strict=False):
        if text == label and kind != "error":
            return following[1] if following[0] == "error" else None
    raise AssertionError(f"no widget labelled {label!r}")
