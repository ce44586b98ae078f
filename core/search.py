"""What an Explore search asks for, in plain Python: the parsed search text and the filters.

InnoDB FULLTEXT drops words shorter than innodb_ft_min_token_size (3) and its default stopwords; a
required term (`+na*`, `+the*`) that was dropped makes BOOLEAN MODE match nothing at all. So only words
FULLTEXT indexes become `+word*` terms, and a query with none of them (short words, `%`, `' OR 1=1 --`)
takes the prefix LIKE path on the whole text instead, with LIKE's wildcards escaped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from db.like import escape_like

MAX_QUERY_CHARS = 200
FT_MIN_TOKEN = 3  # innodb_ft_min_token_size, the same default in MySQL 8 and MariaDB
# information_schema.INNODB_FT_DEFAULT_STOPWORD (identical in MySQL 8.0 and MariaDB 10.6+)
FT_STOPWORDS = frozenset(
    "a about an are as at be by com de en for from how i in is it la of on or that the this to was what when "
    "where who will with und www".split()
)
# One letter starts a large share of all names (at 100,000 titles "a%" names carry 40,000 credits): a single
# character searches titles only.
MIN_NAME_PREFIX = 2

MEDIA_TYPES = ("Movie", "Series")
GENRE_MODES = ("any", "all")
# sort key -> label; the SQL for each lives in db/titles.py
SORTS = {
    "relevance": "Relevance",
    "rating": "Average rating",
    "count": "Number of ratings",
    "year": "Newest first",
    "title": "Title A-Z",
}


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the trimmed search text as typed
    boolean: str | None  # `+word* +word*` for MATCH ... AGAINST (... IN BOOLEAN MODE); None: use the LIKE path
    like_prefix: str  # `text%` with % _ ! escaped, for the prefix LIKE path and the title-prefix bonus
    prefix_names: bool  # whether the prefix path also looks at people's names (not for a single character)


def fulltext_words(text: str) -> list[str]:
    """The words of text that InnoDB FULLTEXT indexes (long enough, not stopwords), lowercased, in order."""
    words = []
    for word in re.findall(r"\w+", text.lower()):
        if len(word) >= FT_MIN_TOKEN and word not in FT_STOPWORDS and word not in words:
            words.append(word)
    return words


def parse_query(text: str | None) -> ParsedQuery | None:
    """The search text as SQL parameters, or None when there is nothing to search for.
    Boolean operators typed by the user (+ - * " ( ) ~ < > @) never reach AGAINST: only \\w+ words do."""
    cleaned = " ".join((text or "").split())[:MAX_QUERY_CHARS]
    if not cleaned:
        return None
    words = fulltext_words(cleaned)
    boolean = " ".join(f"+{w}*" for w in words) or None
    return ParsedQuery(text=cleaned, boolean=boolean, like_prefix=escape_like(cleaned) + "%",
                       prefix_names=len(cleaned) >= MIN_NAME_PREFIX)


@dataclass(frozen=True)
class Filters:
    """Everything Explore can narrow or order by. Built by the page from widgets, checked here."""
    query: str = ""
    media_type: str | None = None
    genre_ids: tuple[int, ...] = ()
    genre_mode: str = "any"
    year_from: int | None = None
    year_to: int | None = None
    min_rating: float | None = None
    person_id: int | None = None
    sort: str = "relevance"

    def __post_init__(self):
        if self.media_type not in (None, *MEDIA_TYPES):
            raise ValueError(f"Unknown media type {self.media_type!r}")
        if self.genre_mode not in GENRE_MODES:
            raise ValueError(f"Unknown genre mode {self.genre_mode!r}")
        if self.sort not in SORTS:
            raise ValueError(f"Unknown sort {self.sort!r}")
        if not all(isinstance(g, int) and not isinstance(g, bool) for g in self.genre_ids):
            raise ValueError("Genre ids must be whole numbers")

    @property
    def parsed(self) -> ParsedQuery | None:
        return parse_query(self.query)

    def effective_sort(self) -> str:
        """Relevance needs search text; without it the most rated titles come first."""
        if self.sort == "relevance" and self.parsed is None:
            return "count"
        return self.sort

    def suggestions(self) -> list[str]:
        """What to change when nothing matched, one hint per narrowing that is switched on."""
        hints = []
        parsed = self.parsed
        if parsed is not None:
            if parsed.boolean is None:
                hints.append("search words of three or more letters (shorter text only matches the start "
                             "of a title or name)")
            else:
                hints.append("fewer or shorter search words (every word must match)")
        if self.media_type:
            hints.append("both films and series")
        if self.genre_ids:
            hints.append("'any' instead of 'all' genres" if self.genre_mode == "all" and len(self.genre_ids) > 1
                         else "fewer genres")
        if self.year_from is not None or self.year_to is not None:
            hints.append("a wider year range")
        if self.min_rating:
            hints.append("a lower minimum rating")
        if self.person_id is not None:
            hints.append("clearing the person filter")
        return hints
