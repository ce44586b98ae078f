"""The theme part of Streamlit's new_session message, made once per process instead of on every page run.

Streamlit 1.67 starts every script run with a new_session message that carries the whole [theme] configuration:
six sections ([theme], its light, dark and sidebar variants), each found by walking every one of Streamlit's
config options and converting each name to snake case. With both themes configured (.streamlit/config.toml),
that was 5.5% of a loaded worker's GIL time (py-spy, large scale, 150 sessions), for a message that is the same
on every run. `install()` keeps each section's filled message and copies it in; the kept messages are dropped
whenever Streamlit parses its configuration again (`make dev` reloads config.toml on save), so a changed theme
still reaches the next run. tests/unit/test_theme_message.py checks the copy equals Streamlit's own message.
"""
from __future__ import annotations

import threading

from streamlit import config
from streamlit.proto.NewSession_pb2 import CustomThemeConfig
from streamlit.runtime import app_session

_streamlit_populate = app_session._populate_theme_msg
_made: dict[str, CustomThemeConfig] = {}
_lock = threading.Lock()
_installed = False


def _populate_theme_msg(msg: CustomThemeConfig, section: str = "theme") -> None:
    made = _made.get(section)
    if made is None:
        made = CustomThemeConfig()
        _streamlit_populate(made, section)
        _made[section] = made
    # MergeFrom, as Streamlit fills in place: [theme] is filled first, its light/dark sections into its fields.
    # A section with nothing set is left alone, as Streamlit leaves it (merging an empty one marks it present).
    if made.ListFields():
        msg.MergeFrom(made)


def forget() -> None:
    """Drop the kept sections (the configuration was parsed again)."""
    _made.clear()


def install() -> None:
    """Use the kept sections in this process (once; later calls do nothing)."""
    global _installed
    with _lock:
        if _installed:
            return
        config.on_config_parsed(forget, force_connect=True)
        app_session._populate_theme_msg = _populate_theme_msg
        _installed = True
