"""Titles as compared when matching: case, accents, punctuation and a leading or trailing article do not count.

"The Matrix", "Matrix, The", "the matrix" and "MATRIX" share one key; so do "Amélie" and "Amelie", and
"Spider-Man: No Way Home" and "Spider Man No Way Home"."""
from __future__ import annotations

import re
import unicodedata

# Articles a catalog may put first or move to the end ("Matrix, The", "Cité des enfants perdus, La").
ARTICLES = ("the", "a", "an", "le", "la", "les", "l", "el", "los", "las", "il", "lo", "gli", "der", "die", "das")
_TRAILING = re.compile(r",\s*(" + "|".join(ARTICLES) + r")'?$")
_LEADING = re.compile(r"^(" + "|".join(ARTICLES) + r")(\s+|')")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def title_key(title: str) -> str:
    """The comparable form of a title; never empty for a title with a letter or digit in it."""
    text = _plain(title).strip()
    text = _TRAILING.sub("", text.replace("\u2019", "'"))
    stripped = _LEADING.sub("", text)
    text = stripped if stripped.strip() else text
    text = text.replace("&", " and ")
    text = re.sub(r"['`]", "", text)           # "Don't" = "Dont"
    return re.sub(r"[^\w]+", " ", text).strip()
