"""What an Explore search asks for, in plain Python: the parsed search text and the filters.

InnoDB FULLTEXT drops words shorter than innodb_ft_min_token_size (3) and its default stopwords; a
required term (`+na*`, `+the*`) that was dropped makes BOOLEAN MODE match nothing at all. So only words
FULLTEXT indexes become `+word*` terms, and a query with none of them (short words, `%`, `' OR 1=1 --`)
takes the prefix LIKE path on the whole text instead, with LIKE's wildcards escaped.
"""
from __future__ import annotations

import heapq
import json
import re
import weakref
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property

from core import search_index
from db import search_index as index_sql
from db import titles as title_sql
from db.like import escape_like

MAX_QUERY_CHARS = 200
FT_MIN_TOKEN, FT_STOPWORDS = search_index.FT_MIN_TOKEN, search_index.FT_STOPWORDS
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
    # From the in-memory index (resolve()): JSON [[id, score], ...] of matching titles and people, and [id, ...]
    # of the titles whose title or description has every word (None: the text has no word FULLTEXT would
    # index). When set, they replace the FULLTEXT and LIKE matching above.
    title_hits: str | None = None
    people_hits: str | None = None
    text_hits: str | None = None


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
    hits: TextHits | None = field(default=None, compare=False)  # set by resolve()

    def __post_init__(self):
        if self.media_type not in (None, *MEDIA_TYPES):
            raise ValueError(f"Unknown media type {self.media_type!r}")
        if self.genre_mode not in GENRE_MODES:
            raise ValueError(f"Unknown genre mode {self.genre_mode!r}")
        if self.sort not in SORTS:
            raise ValueError(f"Unknown sort {self.sort!r}")
        if not all(isinstance(g, int) and not isinstance(g, bool) for g in self.genre_ids):
            raise ValueError("Genre ids must be whole numbers")

    @cached_property  # the filters never change; a run asks for them several times
    def parsed(self) -> ParsedQuery | None:
        parsed = parse_query(self.query)
        if parsed is None or self.hits is None:
            return parsed
        return replace(parsed, title_hits=self.hits.titles_json, people_hits=self.hits.people_json,
                       text_hits=self.hits.text_json)

    def ranked_in_memory(self) -> bool:
        """Whether the index's matches alone decide the order (rank()): sorted by relevance, nothing else to
        narrow by. Any other sort or filter needs each title's figures, which the database reads."""
        return (self.hits is not None and self.effective_sort() == "relevance" and not self.media_type
                and not self.genre_ids and self.year_from is None and self.year_to is None
                and not self.min_rating and self.person_id is None)

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


# --- typo-tolerant matching (core/search_index.py) ---------------------------------------------------------
TITLE_HITS = 1000       # titles a search text can match at most (Explore pages through them in SQL)
PEOPLE_HITS = 50        # as PEOPLE_PER_SEARCH in db/catalog.py: whose credits count
SUGGESTIONS = 5


# A page ranked in memory is read with this many titles more than it needs (rank()): they were ordered by
# the number of ratings when the index was built, and the page's statement orders them by today's.
RERANK_SLACK = 50


@dataclass(frozen=True)
class TextHits:
    titles: tuple[search_index.Hit, ...]
    people: tuple[search_index.Hit, ...]
    text: str
    version: object  # the catalog version they were found in: a search page kept for them is for that catalog
    # Media ids, ascending, of the titles whose title or description has every FULLTEXT word of the text;
    # None when the text has none (short words only), as FULLTEXT would find nothing to require.
    in_text: array | None = field(default=None, compare=False)
    # The index they came from, for its figures (rank()); weak, as the index keeps these hits itself.
    source: weakref.ref | None = field(default=None, compare=False, repr=False)

    # Kept once made: up to 1,000 hits, and an Explore run reads them several times (page, count, people).
    @cached_property
    def titles_json(self) -> str:
        return json.dumps([[h.id, h.score] for h in self.titles])

    @cached_property
    def people_json(self) -> str:
        return json.dumps([[h.id, h.score] for h in self.people])

    @cached_property
    def text_json(self) -> str | None:
        return None if self.in_text is None else json.dumps(self.in_text.tolist())


def index() -> search_index.SearchIndex:
    """This process's index, rebuilt first when the catalog changed (one primary-key read to know)."""
    return search_index.current(index_sql.catalog_version(), index_sql.index_rows)


def warm_up() -> None:
    """Build this process's index before anyone searches: the server starts it on a background thread, so
    the first search after a start does not wait for it (1.2 s at 100,000 titles; a search meanwhile waits
    for this build rather than making its own). Nothing is raised: a database that is down, empty or not
    yet migrated is reported by the first search that needs it."""
    try:
        index()
    except Exception:
        return


def text_hits(text: str) -> TextHits | None:
    """Titles and people the search text finds, typos forgiven; "did you mean" when it finds nothing. The
    index keeps the answers to recent texts (Explore asks again on every page, filter and sort change)."""
    parsed = parse_query(text)
    if parsed is None:
        return None
    found = index()

    def look_up() -> TextHits:
        titles = tuple(found.titles_for(parsed.text, TITLE_HITS))
        people = tuple(found.people_for(parsed.text, PEOPLE_HITS))
        words = [w for word in fulltext_words(parsed.text) for w in search_index.text_words(word)]
        in_text = found.text_matches(words) if parsed.boolean is not None else None
        return TextHits(titles, people, parsed.text, found.version, in_text, weakref.ref(found))

    return found.remembered(("text_hits", parsed.text), look_up)


def rank(hits: TextHits, credits: Iterable[tuple[float, Iterable[int]]], first: int
         ) -> tuple[list[tuple[int, float]], int]:
    """The `first` best titles a search finds, best first, as (media_id, score), and how many it finds.

    The scores are db.titles.search_titles's: a title the index matched, its score x TITLE_WEIGHT; each
    credit of a matching person (credits: (score x PERSON_WEIGHT, its titles), db.titles.credited), its score;
    every word in its title or description, TEXT_SCORE. So a page sorted by relevance needs no statement that
    reads every match, which took 30-120 ms at 100,000 titles for a common word's 3,000-8,000 matches.
    Equal scores are ordered by the number of ratings as the index knows it; db.titles.ranked_page orders
    its page by today's, so the caller asks for RERANK_SLACK titles more than it shows."""
    scores = {h.id: h.score * title_sql.TITLE_WEIGHT for h in hits.titles}
    for media_id in hits.in_text or ():
        scores[media_id] = scores.get(media_id, 0.0) + title_sql.TEXT_SCORE
    for score, media_ids in credits:
        for media_id in media_ids:
            scores[media_id] = scores.get(media_id, 0.0) + score
    pool = scores.items()
    if len(scores) > first:  # only titles scoring at least the first-th best can be among the first
        cut = heapq.nlargest(first, scores.values())[-1]
        pool = [s for s in pool if s[1] >= cut]
    found = hits.source() if hits.source is not None else None
    popularity = found.title_popularity.get if found is not None else {}.get
    best = heapq.nlargest(first, pool, key=lambda s: (s[1], popularity(s[0], 0), s[0]))
    return best, len(scores)


def did_you_mean(hits: TextHits | None) -> str | None:
    """The title or name closest to a text the index found nothing for. Asked only once a search shows no
    title at all (descriptions included): comparing the text with 150,000 names costs 12 ms, which a search
    that found something need not pay. Kept with the index's recent answers."""
    if hits is None or hits.titles or hits.people:
        return None
    found = index()
    return found.remembered(("did_you_mean", hits.text), lambda: found.did_you_mean(hits.text))


def resolve(filters: Filters) -> Filters:
    """filters with the typo-tolerant matches of its search text (what db.titles.search_titles uses)."""
    return replace(filters, hits=text_hits(filters.query)) if filters.query.strip() else filters


def suggestions(filters: Filters, limit: int = SUGGESTIONS) -> list[dict]:
    """The best title matches for the text typed so far: media_id, title (from the index, no query)."""
    if filters.hits is None:
        return []
    found = index()
    named = [(h.id, found.title_name(h.id)) for h in filters.hits.titles[:limit]]
    return [{"media_id": media_id, "title": title} for media_id, title in named if title is not None]
