"""Issue 14, part 1, at the level of ui.cards: md() leaves no Markdown and nothing GitHub-flavoured Markdown
links by itself, and the poster's HTML stays one line whatever the title holds. The browser test
(tests/browser/test_injection_browser.py) checks the same in Chromium on every page."""
import re
import uuid

import pytest

from db import engine
from tests.apptest import cards_shown, open_app
from tests.viewer_helpers import make_user, plain
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


HOSTILE_TITLE = 'x\n\n![p](https://evil.example/p.png)\n\n"><img src=x>'


@pytest.fixture
def hostile_film(demo_db):
    """A film of 1901 (a year no demo title has) whose title tries to end the poster's HTML and add an image;
    removed after the test."""
    with engine.transaction("admin") as conn:
        media_id = engine.execute(conn, """INSERT INTO media (title, media_type, release_year)
                                         VALUES (:t, 'Movie', 1901)""", t=HOSTILE_TITLE).lastrowid
    yield media_id
    with engine.transaction("admin") as conn:
        engine.execute(conn, "DELETE FROM media WHERE media_id = :m", m=media_id)


def test_a_title_with_a_blank_line_cannot_end_the_posters_html(hostile_film):
    at = open_app(make_user("poster"), "app_pages/media.py", {"id": hostile_film})
    poster = [m.value for m in at.markdown if m.allow_html]
    assert len(poster) == 1 and "\n" not in poster[0]
    assert "![p]" in poster[0] and "<img" not in poster[0]  # inside the escaped attribute, as text


def test_a_card_gives_the_browser_text_and_a_poster_no_title_can_end(hostile_film):
    """A card is data for the browser, which puts every text in with textContent (the browser injection test
    looks at the drawn card): the title and the lines arrive as they are, and the poster's CSS value is
    the placeholder's base64 data URI, which no title can end."""
    at = open_app(make_user("cardposter"), "app_pages/explore.py", {"from": 1901, "to": 1901})
    [card] = cards_shown(at)
    assert card["title"] == HOSTILE_TITLE and card["lines"] == ["1901 · Movie", "No ratings yet"]
    assert re.fullmatch(r'url\("data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"\)', card["poster"])
    assert card["href"] == f"media?id={hostile_film}"


MORE_PAYLOADS = ["HTTPS://EVIL.EXAMPLE", "ftp://evil.example/f", "<https://evil.example>", "javascript:alert(1)",
                 "mailto:a@evil.example", "https:\u2060//evil.example", "https\uff1a//evil.example", "$x$",
                 "&lt;img src=x&gt; &#91;l&#93;(https://evil.example)", "<script>alert(1)</script>",
                 ":material/home: :smile:", "A&amp;B"]


@pytest.mark.parametrize("text", MORE_PAYLOADS)
def test_md_shows_the_rest_of_the_attacks_as_typed_too(text):
    shown = md(text)
    assert plain(shown) == plain(text)  # an entity stays as typed: "&lt;" is not shown as "<"
    resolved = re.sub(r"\\(.)", r"\1", shown)
    assert not LINKABLE.search(resolved), resolved
    assert not re.search(r"(?<!\\)[\[\]()!<:$&]", shown.replace("\\\\", "")), shown


def markdown_strings(at) -> list[str]:
    """Every string the page hands Streamlit as Markdown: the Markdown elements' bodies and every widget's
    label and help (Streamlit renders labels as Markdown: a link in one is live)."""
    found = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            walk(child)
        proto = getattr(node, "proto", None)
        for field in ("body", "label", "help"):
            value = getattr(proto, field, None) if proto is not None else None
            if isinstance(value, str) and value:
                found.append(value)
    walk(at._tree)
    return found


def linkable(at, tag: str) -> list[str]:
    """The Markdown strings holding `tag` in which something would become a link or an image."""
    bad = []
    for text in markdown_strings(at):
        if tag in text:
            resolved = re.sub(r"\\(.)", r"\1", text)
            if LINKABLE.search(resolved) or re.search(r"(?<!\\)[\[<]", text.replace("\\\\", "")):
                bad.append(text)
    return bad


def test_a_username_that_looks_like_a_web_address_is_no_link_in_labels(demo_db):
    """`www.evil.example` is a valid username (letters, digits, dots): the profile's delete confirmation and the
    admin's delete button put it in widget labels, which are Markdown."""
    name = make_user(username=f"www.evil{uuid.uuid4().hex[:6]}.example")
    at = open_app(name, "app_pages/profile.py")
    assert not at.exception
    assert any(name in plain(t) for t in markdown_strings(at))
    assert linkable(at, "evil") == []

    admin = make_user("admin")
    with engine.transaction(None) as conn:
        engine.execute(conn, "UPDATE users SET role = 'admin' WHERE username = :u", u=admin)
    at = open_app(admin, "app_pages/admin_users.py")
    at.text_input(key="au_search").set_value(name).run()
    next(b for b in at.button if b.label == "Delete account…").click().run()
    assert not at.exception
    assert any(b.label.startswith("Delete www") for b in at.button)  # the dialog's button is drawn
    assert linkable(at, "evil") == []
