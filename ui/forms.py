"""Forms that show each field's problem right under the field."""
from __future__ import annotations

import streamlit as st

from core import validation


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
