"""Forms that show each field's problem right under the field."""
from __future__ import annotations

import streamlit as st


class FieldErrors:
    """Reserve a slot under each field while the form is drawn; fill them after the submit is checked."""

    def __init__(self) -> None:
        self._slots: dict[str, st.delta_generator.DeltaGenerator] = {}

    def slot(self, field: str) -> None:
        self._slots[field] = st.empty()

    def show(self, errors: dict[str, str]) -> None:
        for field, message in errors.items():
            (self._slots.get(field) or st).error(message, icon=":material/error:")
