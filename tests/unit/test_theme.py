"""Both themes are configured alike, and what people read on them is readable (WCAG AA contrast)."""
import tomllib
from pathlib import Path

import pytest

CONFIG = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
THEMES = ("light", "dark")


def luminance(color: str) -> float:
    channels = [int(color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_no_theme_is_forced_and_both_set_the_same_options():
    assert "base" not in CONFIG["theme"]  # the browser's preference and the settings menu choose
    light, dark = (CONFIG["theme"][name] for name in THEMES)
    assert light.keys() == dark.keys()
    assert light["sidebar"].keys() == dark["sidebar"].keys()


@pytest.mark.parametrize("name", THEMES)
def test_text_links_and_the_accent_read_on_every_background(name):
    theme = CONFIG["theme"][name]
    for background in (theme["backgroundColor"], theme["secondaryBackgroundColor"],
                       theme["sidebar"]["backgroundColor"]):
        assert contrast(theme["textColor"], background) >= 7, background
        assert contrast(theme["linkColor"], background) >= 4.5, background
        assert contrast(theme["primaryColor"], background) >= 3, background  # buttons, focus rings: large UI
    assert contrast("#FFFFFF", theme["primaryColor"]) >= 4.5  # a primary button's label
