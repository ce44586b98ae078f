"""Forms that show each field's problem right under the field, and a submit that a double click does once."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from core import validation
from core.errors import PermissionDenied
from ui import session

T = TypeVar("T")


class FieldErrors:
    """Reserve a slot under each field while the form is drawn; fill them after the submit is checked."""

    def __init__(self) -> None:
        self._slots: dict[str, st.delta_generator.DeltaGenerator] = {}

    def slot(self, field: str) -> None:
        self._slots[field] = st.empty()

    def show(self, errors: dict[str, str]) -> None:
        for field, message in errors.items():
            (self._slots.get(field) or st).error(message, icon=":material/error:")


def new_password_fields(slots: FieldErrors, label: str, repeat_label: str) -> tuple[str, str]:
    """A new password typed twice, each with its error slot (registration and password change)."""
    password = st.text_input(label, type="password", autocomplete="new-password",
                             help=f"At least {validation.PASSWORD_MIN} characters, not a common password.")
    slots.slot("password")
    repeat = st.text_input(repeat_label, type="password", autocomplete="new-password")
    slots.slot("password_confirm")
    return password, repeat


def submit_once(key: str, action: Callable[[], T]) -> T:
    """action() for a form submit, done once for a double click. Streamlit starts the second click's run while
    the first is still running (runner.fastReruns) and stops the first at its next st.* call or session-state
    access: a write done just then (an account created, a password changed) would be tried again and refused
    ("that username is taken"), and the first run's result lost. So a run that arrives while another run's
    action is under way waits for it and takes its result (the second click of a form that clears on submit
    even sends empty fields); a later submit runs again. action() must not touch st.session_state. A tab whose
    session ended (a lock, a deletion, a logout elsewhere) gets PermissionDenied and action() does not run."""
    if not session.session_still_live():
        # A form in a dialog reruns the dialog alone, not the page that checks the session: a tab left open
        # after its account was locked or deleted must not write from it either.
        raise PermissionDenied(session.SESSION_GONE)
    arrived = time.monotonic()
    flight = st.session_state.setdefault(f"{key}__once", {"lock": threading.Lock(), "done": 0.0})
    with flight["lock"]:
        if arrived < flight["done"]:  # the action ran while this run was waiting: it is the same click
            return flight["result"]
        result = action()
        flight.update(result=result, done=time.monotonic())  # a plain dict: no yield point
    return result
