"""Issue 14, part 1, at the level of ui.cards: md() leaves no Markdown and nothing GitHub-flavoured Markdown
links by itself, and the poster's HTML stays one line whatever the title holds. The browser test
(tests/browser/test_injection_browser.py) checks the same in Chromium on every page."""
import re

import pytest

from db import core
from tests.apptest import open_app
from tests.viewer_fixtures import make_user, plain, removed_after_test  # noqa: F401 (fixture)
from ui.cards import md

pytestmark = pytest.mark.usefixtures("removed_after_test")

PAYLOADS = ["https://evil.example/x", "HTTP://evil.example", "www.evil.example", "WWW.Evil.example/p",
            "m@evil.example", "mailto:m@evil.example", "x\n\n![p](https://evil.example/p.png)",
            "<img src=https://evil.example/i.png>", "[l](https://evil.example/l)", ":red[x] :material/home:"]
# What GFM links by itself even after backslash escapes are resolved (its autolink literals); links, images
# and HTML written out are stopped by the escapes, checked by the last assertion.
LINKABLE = re.compile(r"https?://|www\.|[\w.+-]@[\w-]", re.IGNORECASE)


@pytest.mark.parametrize("text", PAYLOADS)
def test_md_reads_as_typed_and_nothing_in_it_can_become_a_link(text):
    shown = md(text)
    assert plain(shown) == text
    resolved = re.sub(r"\\(.)", r"\1", shown)  # what the Markdown parser sees after the escapes
    assert not LINKABLE.search(resolved), resolved
    assert not re.search(r"(?<!\\)[\[\]()!<:*_`]", shown.replace("\\\\", "")), shown  # every special escaped


def test_a_title_with_a_blank_line_cannot_end_the_posters_html(demo_db):
    viewer = make_user("poster")
    with core.transaction("admin") as conn:
        media_id = core.execute(conn, """INSERT INTO media (title, media_type, release_year)
                                         VALUES (:t, 'Movie', 2020)""",
                                t='x\n\n![p](https://evil.example/p.png)\n\n"><img src=x>').lastrowid
    try:
        at = open_app(viewer, "app_pages/media.py", {"id": media_id})
        poster = [m.value for m in at.markdown if m.allow_html]
        assert len(poster) == 1 and "\n" not in poster[0]
        assert "![p]" in poster[0] and "<img" not in poster[0]  # inside the escaped attribute, as text
    finally:
        with core.transaction("admin") as conn:
            core.execute(conn, "DELETE FROM media WHERE media_id = :m", m=media_id)
