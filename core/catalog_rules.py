"""What a catalog value may be (the schema's limits, said once for providers and importers alike), and the
normalised title key that decides "the same title and year"."""
from __future__ import annotations

import re

TITLE_MAX = 255
NAME_MAX = 150
CHARACTER_MAX = 150
GENRE_MAX = 50
URL_MAX = 500
LANGUAGE_MAX = 40
DESCRIPTION_MAX = 10_000
YEARS = (1888, 2100)
RUNTIMES = (1, 1000)
SEASONS = (0, 100)
EPISODE_NUMBERS = (1, 2000)
CAST_ORDER_MAX = 1000
# ASCII punctuation and white space: what "the same title" ignores. Letters outside ASCII stay, and the
# database's collation already treats case and accents as equal, so the SQL side can use the same rule with
# REGEXP_REPLACE (whose [[:punct:]] is ASCII-only too).
_IGNORED = re.compile(r"[\s!-/:-@\[-`{-~]+")
SQL_IGNORED = "[[:space:][:punct:]]+"


def title_key(title: str) -> str:
    return _IGNORED.sub("", title).lower()


def cut(text: str | None, limit: int) -> str | None:
    """Text trimmed of outer spaces, cut to limit characters (with an ellipsis); None when empty."""
    if text is None:
        return None
    text = " ".join(str(text).split()) if limit <= TITLE_MAX else str(text).strip()
    if not text:
        return None
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def within(value: int | None, bounds: tuple[int, int]) -> int | None:
    """The value when it lies within bounds, else None (unknown rather than wrong)."""
    if value is None or isinstance(value, bool):
        return None
    return value if bounds[0] <= value <= bounds[1] else None


def web_url(url: str | None) -> str | None:
    if not url or not re.match(r"^https?://", url, re.IGNORECASE) or len(url) > URL_MAX:
        return None
    return url
