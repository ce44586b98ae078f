"""Widgets for titles: poster (or a generated placeholder), a native media card and a line of them, pager,
rating input (grids and shelves of cards are ui.card_grid). Catalog and user text is shown through native
widgets; where it goes into Markdown, HTML or SVG it is escaped.
"""
from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable
from contextlib import nullcontext
from urllib.parse import quote

import streamlit as st

from core.paging import page_count
from core.words import plural
from ui import navigation

MEDIA_PAGE = navigation.path("media")
EXPLORE_PAGE = navigation.path("explore")


def media_page():
    """The title page as st.page_link wants it (ui.navigation.registered: no lookup on disk per link)."""
    return navigation.registered(MEDIA_PAGE)


def explore_page():
    return navigation.registered(EXPLORE_PAGE)
GRID_COLUMNS = 6
# `&` too: "&lt;" or "&#91;" would otherwise show as the character it names, not as typed; `=` and `"`/`'` need
# nothing (a setext underline only makes a heading, never a link).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
# GitHub-flavoured Markdown links bare `http(s)://`, `www.` and `name@host` AFTER escapes are resolved,
# so backslashes cannot stop it: an invisible WORD JOINER (U+2060) in '://', after each '@' and inside
# 'www.' breaks those patterns while the text looks the same. Only there: "Saved: 2 rows" stays as it is.
WORD_JOINER = "\u2060"
_AUTOLINK_TRIGGER = re.compile(r"(?<=:)(?=//)|(?<=@)|(?<=www)(?=\\?\.)", re.IGNORECASE)


def md(text) -> str:
    """User or catalog text for st.markdown, captions, alerts, toasts and widget labels: it shows exactly as
    typed. Markdown syntax is escaped (a title like `*[x](javascript:...)*` stays text), and bare URLs,
    `www.` names and emails do not become links. Every page shows such text through this function."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
    return _AUTOLINK_TRIGGER.sub(WORD_JOINER, escaped)


def placeholder_poster(media_id: int, title: str) -> str:
    """A 2:3 SVG poster as a data URI: the title's initials on a colour picked from its id."""
    words = re.findall(r"\w+", title or "")
    initials = "".join(w[0] for w in words[:2]).upper() or "?"
    caption = (title or "")[:24] + ("…" if len(title or "") > 24 else "")
    hue = (int(media_id) * 47) % 360
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 300" width="200" height="300">'
        f'<rect width="200" height="300" fill="hsl({hue},45%,32%)"/>'
        '<text x="100" y="160" font-family="sans-serif" font-size="72" font-weight="bold" fill="#ffffff" '
        f'text-anchor="middle">{html.escape(initials)}</text>'
        '<text x="100" y="270" font-family="sans-serif" font-size="15" fill="#ffffffcc" '
        f'text-anchor="middle">{html.escape(caption)}</text></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def web_poster_url(row: dict) -> str | None:
    """The stored poster URL when it is a web address. Anything else (a path, javascript:) is ignored."""
    url = (row.get("poster_image_url") or "").strip()
    return url if re.match(r"^https?://", url, re.IGNORECASE) else None


def poster_layers(row: dict) -> str:
    """The poster as a CSS background-image value: the stored poster over the placeholder, which shows when
    the poster cannot be loaded (a dead link, no internet) instead of a broken image, without script. The
    URL is percent-encoded: no quote, bracket or backslash can end the CSS string."""
    layers = [f'url("{placeholder_poster(row["media_id"], row["title"])}")']
    url = web_poster_url(row)
    if url:
        layers.insert(0, f'url("{quote(url, safe=":/?#[]@!$&*+,;=%-._~")}")')
    return ", ".join(layers)


def poster_html(row: dict) -> str:
    """The poster as one line of HTML (poster_layers as its background), the attribute HTML-escaped."""
    style = (f"aspect-ratio: 2 / 3; width: 100%; border-radius: 0.5rem; background-image: {poster_layers(row)}; "
             "background-size: cover; background-position: center;")
    # One line whatever the title holds: a blank line would end the HTML block and let the rest of the
    # title be read as Markdown (an image that every viewer's browser fetches, a live link).
    label = html.escape(" ".join(f"Poster of {row['title']}".split()), quote=True)
    return f'<div role="img" aria-label="{label}" style="{html.escape(style, quote=True)}"></div>'


def poster(row: dict) -> None:
    """A title's poster on its own (the title page, a provider's search hit)."""
    st.markdown(poster_html(row), unsafe_allow_html=True)


def rating_text(average, count) -> str:
    """'★ 7.8 · 12 ratings', or 'No ratings yet'."""
    if not count or average is None:
        return "No ratings yet"
    return f"★ {float(average):.1f} · {plural(count, 'rating')}"


def stars(rating) -> str:
    """One person's rating: '★ 8/10', or 'no rating' for a review written without stars."""
    return "no rating" if rating is None else f"★ {rating}/10"


LISTED_BADGE = ":green-badge[:material/bookmark_added: Listed]"  # Markdown's badge: the same look as st.badge


def media_card(row: dict) -> None:
    """One title drawn natively, for a card with a widget of its own under it (Home's rate-a-few shelf):
    its title linking to its details, poster, year, type, rating, and a mark when it is in one of my lists.
    Cards without such a widget are drawn by ui.card_grid, one element for all of them."""
    with st.container(border=True):
        # A long title is cut to the card's width; the tooltip holds all of it.
        st.page_link(media_page(), label=md(row["title"]), query_params={"id": str(row["media_id"])},
                     help=md(row["title"]))
        year = row.get("release_year") or "year unknown"
        lines = [f"{year} · {row['media_type']}", rating_text(row.get("average_rating"), row.get("rating_count"))]
        if row.get("in_my_lists"):
            # One short word: a card is a sixth of the page wide, and "In your lists" was cut to "In your li…".
            lines.append(LISTED_BADGE)
        # The poster and the lines under it are one element. The poster's HTML is one line (poster_html),
        # ended by the blank line; the lines after it are Markdown, their catalog text escaped by md(), so no
        # tag of theirs is read as HTML.
        st.caption(poster_html(row) + "\n\n" + "  \n".join(lines), unsafe_allow_html=True)


def card_row(rows: list[dict], columns: int, card: Callable[[dict], None]) -> None:
    """One line of `columns` cards, card(row) drawing each card's contents. A full line's columns are the
    cards' frames (a bordered container in each column was one more element a card, 24 a page of Explore);
    a shorter line frames its cards itself, so its empty columns show nothing."""
    full = len(rows) == columns
    for col, row in zip(st.columns(columns, border=full), rows, strict=False):
        with col, st.container(border=True) if not full else nullcontext():
            card(row)


def page_number(key: str) -> int:
    """The page the pager under `key` is on (1-based)."""
    value = st.session_state.get(key, 1)
    return value if isinstance(value, int) and value >= 1 else 1


def reset_page(key: str) -> None:
    st.session_state[key] = 1


def _go(key: str, page: int) -> None:
    st.session_state[key] = page


def count_label(total: int, noun: str, capped: bool = False) -> str:
    """'1 title', '24 titles', or 'more than 10,000 titles' for a count that stopped at its cap."""
    if capped:
        return f"more than {total:,} {noun}"
    one = noun[:-3] + "y" if noun.endswith("ies") else noun.removesuffix("s")  # entries -> entry
    return plural(total, one, noun)


JUMP_AFTER = 5  # more pages than this: a "Go to page" box under Previous / Next


def pager(key: str, total: int, per_page: int, noun: str = "results", capped: bool = False) -> None:
    """The one pager of every paged list: Previous / Next around 'Page x of y · N results' (noun in the
    plural; just the count when everything fits on one page), and a "Go to page" box when there are many
    pages (a capped count has no last page: the box then goes past it). Reads and moves the page number
    under `key`; a page past the end (rows deleted meanwhile) shows as the last one."""
    pages = page_count(total, per_page)
    page = page_number(key) if capped else min(page_number(key), pages)
    summary = count_label(total, noun, capped)
    if pages == 1 and not capped:
        st.caption(summary)
        return
    more = "+" if capped else ""
    left, middle, right = st.columns([1, 3, 1], vertical_alignment="center")
    left.button("‹ Previous", key=f"{key}_prev", disabled=page <= 1, on_click=_go, args=(key, page - 1),
                width="stretch")
    middle.caption(f"Page {page:,} of {pages:,}{more} · {summary}")
    right.button("Next ›", key=f"{key}_next", disabled=page >= pages and not capped, on_click=_go,
                 args=(key, page + 1), width="stretch")
    if pages > JUMP_AFTER or capped:
        st.session_state[key] = page  # the box shows the page shown, never one past the end
        st.number_input("Go to page", min_value=1, max_value=None if capped else pages, step=1, key=key)


def rating_input(label: str, value: int | None, key: str) -> int | None:
    """A whole-number rating 1-10, or None when not chosen yet. The widget itself refuses values outside
    1-10 (it falls back to `value`); the write validates again and names the rule."""
    return st.number_input(label, min_value=1, max_value=10, step=1, value=value, key=key,
                           placeholder="1 to 10", help="Your rating, a whole number from 1 (worst) to 10 (best).")
