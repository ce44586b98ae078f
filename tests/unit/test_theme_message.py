"""The theme sent at the start of every page run is made once per process (ui/theme_message.py): the server
installs it when Streamlit imports the entry script, what it sends equals Streamlit's own message for our
config.toml, and a configuration parsed again (`make dev` after an edit) is what the next run sends."""
import runpy

import pytest
from streamlit import config
from streamlit.proto.NewSession_pb2 import NewSession
from streamlit.runtime import app_session

from ui import theme_message
from ui.harness import APP

SECTIONS = {"theme": (), "theme.light": ("light",), "theme.dark": ("dark",), "theme.sidebar": ("sidebar",),
            "theme.light.sidebar": ("light", "sidebar"), "theme.dark.sidebar": ("dark", "sidebar")}


def fill(populate) -> NewSession:
    """A new_session message's theme filled section by section, in Streamlit's order."""
    message = NewSession()
    for section, path in SECTIONS.items():
        target = message.custom_theme
        for field in path:
            target = getattr(target, field)
        populate(target, section) if path else populate(target)
    return message


@pytest.fixture
def installed():
    before = app_session._populate_theme_msg
    runpy.run_path(APP, run_name="streamlit_app")  # what `streamlit run` does first
    yield
    app_session._populate_theme_msg = before
    theme_message.forget()


def test_the_server_sends_the_same_theme_as_streamlit_would(installed):
    assert app_session._populate_theme_msg is theme_message._populate_theme_msg
    ours = fill(app_session._populate_theme_msg)
    assert ours == fill(theme_message._streamlit_populate)
    assert ours.custom_theme.light.primary_color == "#C2185B"
    assert ours.custom_theme.dark.sidebar.background_color == "#211C24"
    # Filled from what was kept the second time, and a message changed afterwards changes nothing kept.
    again = fill(app_session._populate_theme_msg)
    assert again == ours
    again.custom_theme.light.primary_color = "#000000"
    assert fill(app_session._populate_theme_msg) == ours


def test_a_configuration_parsed_again_reaches_the_next_run(installed):
    fill(app_session._populate_theme_msg)
    option = "theme.light.primaryColor"
    before = config.get_option(option)
    try:
        config.set_option(option, "#123456")
        config._on_config_parsed.send()  # what Streamlit signals after parsing config.toml again
        assert fill(app_session._populate_theme_msg).custom_theme.light.primary_color == "#123456"
    finally:
        config.set_option(option, before)
        theme_message.forget()
