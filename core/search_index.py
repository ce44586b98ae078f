"""Typo-tolerant search over titles and people's names: an in-memory index per app process, rebuilt when the
catalog changes.

Why in memory: a one-letter typo has to match a word the database has never seen, and neither InnoDB FULLTEXT
nor LIKE can do that cheaply on MySQL 8 and MariaDB alike. Here every word of every title and name is in a
vocabulary with its one-deletion variants (symmetric delete, as SymSpell does): a query word finds the words
within one edit (deletion, insertion, substitution, transposition) by looking up its own deletions, and
rapidfuzz checks the distance. Several app processes stay in step through catalog_version (bumped by
triggers whenever a title or a name is added, removed or renamed): each search reads that one row and
rebuilds the index when it moved.

The index also holds every word of every title and description, as InnoDB FULLTEXT would index them, so a
search finds the titles whose text has every word of the query (each as the start of a word, FULLTEXT's
`+word*`) without asking the database: at 100,000 titles FULLTEXT took 40-60 ms of the server's CPU to
find the 8,000 titles whose description says "monsoon" (it reads every matching row), this index 2 ms.

Ranking of a title, highest first:
  exact title (accents, case, punctuation and a trailing ", The" ignored)             +3
  the title starts with the query                                                      +1
  every query word found in the title: exact 1.0, a prefix of a word (the last query word, as typed so far)
  0.8, one edit away 0.7, each weighted by how rare the word is (idf), as a share of the query's weight
  popularity (number of ratings) breaks ties
"""
from __future__ import annotations

import bisect
import functools
import itertools
import math
import operator
import re
import threading
import unicodedata
from array import array
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 8
MIN_TYPO_LENGTH = 4      # shorter words must match exactly or as a prefix: one edit of "war" is half the word
EXACT, PREFIX, TYPO = 1.0, 0.8, 0.7
EXACT_TITLE_BONUS, TITLE_PREFIX_BONUS = 3.0, 1.0
MIN_COVERAGE = 0.5       # at least half of the query's weight must be found in a title
MAX_WORD = 40           # longer "words" (a pasted URL, 500 x's) match exactly or not at all
MAX_SUGGESTION_QUERY = 80  # "did you mean" compares whole strings: long text is not a mistyped title
MAX_PREFIX_WORDS = 2000  # vocabulary words a short prefix may expand to
COMMON_SHARE = 0.05      # a word in more than 5% of titles only adds to titles other words found
# Answers kept per index: Explore reruns for every page, filter and sort change with the same text, and a few
# searches are most of them. A lookup over 100,000 titles costs 2-25 ms of Python; a kept answer, none.
RECENT_ANSWERS = 256
# What InnoDB FULLTEXT leaves out of its index, the same defaults in MySQL 8 and MariaDB: words shorter than
# innodb_ft_min_token_size, and information_schema.INNODB_FT_DEFAULT_STOPWORD. A query's words are picked by
# the same rules (core.search.fulltext_words), so the words of titles and descriptions are indexed by them.
FT_MIN_TOKEN = 3
FT_STOPWORDS = frozenset(
    ["a", "about", "an", "are", "as", "at", "be", "by", "com", "de", "en", "for", "from", "how", "i", "in", "is",
     "it", "la", "of", "on", "or", "that", "the", "this", "to", "was", "what", "when", "where", "who", "will",
     "with", "und", "www"]
)
_TEXT_WORD = re.compile(rf"[^\W_]{{{FT_MIN_TOKEN},}}")
# Articles that catalogs move to the end ("Matrix, The"; MovieLens does): searched either way round.
_ARTICLES = r"the|a|an|la|le|les|l'|il|el|los|las|der|die|das|den|det"
_TRAILING_ARTICLE = re.compile(rf"^(?P<head>.+?),\s*(?P<art>{_ARTICLES})(?P<tail>\s*\(.*\))?\s*$", re.IGNORECASE)


def normalize(text: str) -> str:
    """Lowercase ASCII-folded words separated by single spaces: "Amélie!" -> "amelie"."""
    folded = unicodedata.normalize("NFKD", text[:MAX_QUERY_CHARS * 4])
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"[^\W_]+", folded))


def text_words(text: str) -> set[str]:
    """The words a title's text (its title and description) is found by: folded as normalize() folds them,
    as long as FULLTEXT's shortest, not its stopwords. Descriptions are not cut short as queries are."""
    if not text.isascii():  # most text is: it skips the slow character-by-character fold
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return set(_TEXT_WORD.findall(text.casefold())) - FT_STOPWORDS


def title_keys(title: str) -> list[str]:
    """The normalized forms a title is known by: as written, and with a trailing article moved to the front."""
    keys = [normalize(title)]
    moved = _TRAILING_ARTICLE.match(title)
    if moved:
        keys.append(normalize(f"{moved['art']} {moved['head']}{moved['tail'] or ''}"))
    return [k for i, k in enumerate(keys) if k and k not in keys[:i]]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class Hit(NamedTuple):  # a tuple of two numbers: kept answers (RECENT_ANSWERS) cost the garbage collector nothing
    id: int
    score: float


@dataclass
class _Field:
    """One searchable kind of thing (titles or people): names and word postings, a row each, rows numbered most
    popular first (SearchIndex.build). Lists while it is built, tuples once finished."""
    ids: Sequence[int] = field(default_factory=list)
    names: Sequence[str] = field(default_factory=list)
    postings: dict[str, Sequence[int]] = field(default_factory=dict)
    sorted_keys: Sequence[tuple[str, int]] = field(default_factory=list)
    row_of: dict[int, int] = field(default_factory=dict)
    first_keys: Sequence[str] = field(default_factory=list)  # each row's first key ("" for none), for "did you mean"

    def add(self, item_id: int, name: str, keys: list[str]) -> None:
        row = len(self.ids)
        self.row_of[item_id] = row
        self.ids.append(item_id)
        self.names.append(name)
        self.first_keys.append(keys[0] if keys else "")  # a title of punctuation or emoji alone has no words
        for word in {w for key in keys for w in key.split()}:
            self.postings.setdefault(word, []).append(row)
        self.sorted_keys.extend((key, row) for key in keys)

    def finish(self) -> None:
        self.sorted_keys = tuple(sorted(self.sorted_keys))
        self.ids, self.names = tuple(self.ids), tuple(self.names)
        self.first_keys = tuple(self.first_keys)
        self.postings = {word: tuple(rows) for word, rows in self.postings.items()}


class SearchIndex:
    """Titles and people, searchable with typos. Build with SearchIndex.build(); immutable afterwards."""

    def __init__(self, version: object = None) -> None:
        self.version = version  # the catalog version it was built from (see current())
        self.titles = _Field()
        self.people = _Field()
        self.vocabulary: Sequence[str] = ()
        self.deletes: dict[str, Sequence[str]] = {}
        # text_words() of each title's title and description -> the media ids that have it; arrays of
        # C ints: 1.5 million ids at 100,000 titles take 6 MB and nothing for the garbage collector to walk.
        self.text: dict[str, array] = {}
        self.text_vocabulary: Sequence[str] = ()
        self.title_popularity: dict[int, int] = {}  # media_id -> number of ratings when the index was built
        self._recent: OrderedDict[Hashable, object] = OrderedDict()
        self._recent_lock = threading.Lock()

    @classmethod
    def build(cls, titles: Iterable[tuple[int, str, int, str | None]], people: Iterable[tuple[int, str, int]],
              version: object = None) -> SearchIndex:
        """titles: (media_id, title, rating_count, description); people: (person_id, name, credits).

        Everything ends up in tuples and in dicts of strings, numbers and tuples: Python's cyclic garbage
        collector stops tracking such objects after its first pass over them, where lists of the index of
        100,000 titles and 50,000 names were walked by every full collection (312,000 tracked objects in a
        loaded worker, 134,000 after; issue 15).
        """
        index = cls(version)
        text: dict[str, list[int]] = {}
        # Most popular first, then by id: a row's number is its place among equal scores (_search).
        for media_id, title, count, description in sorted(titles, key=lambda t: (-(t[2] or 0), t[0])):
            index.titles.add(media_id, title, title_keys(title))
            index.title_popularity[media_id] = count or 0
            for word in text_words(f"{title} {description or ''}"):
                text.setdefault(word, []).append(media_id)
        index.text = {word: array("i", ids) for word, ids in text.items()}
        index.text_vocabulary = tuple(sorted(text))
        for person_id, name, _credits in sorted(people, key=lambda p: (-(p[2] or 0), p[0])):
            key = normalize(name)
            if key:
                index.people.add(person_id, name, [key])
        index.titles.finish()
        index.people.finish()
        words = set(index.titles.postings) | set(index.people.postings)
        index.vocabulary = tuple(sorted(words))
        deletes: dict[str, list[str]] = {}
        for word in words:
            if len(word) >= MIN_TYPO_LENGTH:
                for variant in _deletes(word):
                    deletes.setdefault(variant, []).append(word)
        index.deletes = {variant: tuple(found) for variant, found in deletes.items()}
        return index

    # --- words ---------------------------------------------------------------------------------------------
    def _near(self, word: str) -> list[str]:
        """Vocabulary words one edit away from word (not word itself)."""
        if not MIN_TYPO_LENGTH <= len(word) <= MAX_WORD:
            return []
        found = set(self.deletes.get(word, ()))  # the query lacks a letter
        for variant in _deletes(word):             # the query has one too many, or one wrong or swapped
            if variant in self.titles.postings or variant in self.people.postings:
                found.add(variant)
            found.update(self.deletes.get(variant, ()))
        found.discard(word)
        return [w for w in found if len(w) >= MIN_TYPO_LENGTH and OSA.distance(word, w, score_cutoff=1) <= 1]

    def _prefixed(self, stem: str) -> list[str]:
        start = bisect.bisect_left(self.vocabulary, stem)
        end = bisect.bisect_left(self.vocabulary, stem + "\uffff", lo=start)
        return self.vocabulary[start:min(end, start + MAX_PREFIX_WORDS)]

    def _matches(self, word: str, last: bool) -> dict[str, float]:
        """Vocabulary word -> how well it matches the query word."""
        matched: dict[str, float] = {}
        if last or len(word) >= MIN_TYPO_LENGTH:
            for candidate in self._prefixed(word):
                matched[candidate] = PREFIX
        for candidate in self._near(word):
            matched.setdefault(candidate, TYPO)
        if word in self.titles.postings or word in self.people.postings:
            matched[word] = EXACT
        return matched

    def text_matches(self, words: Sequence[str]) -> array:
        """The media ids, ascending, of the titles whose title or description has every one of words (as
        text_words() gives them) as the start of one of its words: what FULLTEXT's `+word* +word*` finds."""
        found: set[int] | None = None
        for word in sorted(set(words), key=lambda w: -len(w)):  # a longer stem is likelier to be rare
            start = bisect.bisect_left(self.text_vocabulary, word)
            end = bisect.bisect_left(self.text_vocabulary, word + "\uffff", lo=start)
            having: set[int] = set()
            for stem_word in self.text_vocabulary[start:end]:
                having.update(self.text[stem_word])
            found = having if found is None else found & having
            if not found:
                break
        return array("i", sorted(found or ()))

    def remembered(self, key: Hashable, compute: Callable[[], object]) -> object:
        """compute()'s answer, kept for the RECENT_ANSWERS most recent keys. The index never changes after
        build() (a changed catalog gets a new index), so a kept answer is never stale; compute() must return
        something its callers only read."""
        with self._recent_lock:
            if key in self._recent:
                self._recent.move_to_end(key)
                return self._recent[key]
        answer = compute()  # outside the lock: another thread's lookup need not wait for this one
        with self._recent_lock:
            self._recent[key] = answer
            while len(self._recent) > RECENT_ANSWERS:
                self._recent.popitem(last=False)
        return answer

    def forget_answers(self) -> None:
        """Drop the kept answers, as a new process starts (benchmarks time a search nobody asked yet)."""
        with self._recent_lock:
            self._recent.clear()

    # --- search --------------------------------------------------------------------------------------------
    def _search(self, part: _Field, query: str, limit: int) -> list[Hit]:
        key = normalize(query)
        words = key.split()[:MAX_QUERY_WORDS]
        if not words or not part.ids:
            return []
        total = len(part.ids)
        scores: dict[int, float] = {}
        weight_sum = 0.0
        plans = []
        for i, word in enumerate(words):
            matched = self._matches(word, last=i == len(words) - 1)
            postings = [(part.postings[w], q) for w, q in matched.items() if w in part.postings]
            df = max((len(p) for p, _ in postings), default=0)
            idf = math.log(1 + total / (1 + df)) if df else math.log(1 + total)
            weight_sum += idf
            plans.append((df > COMMON_SHARE * total, postings, idf))
        # Whole postings go through dict.fromkeys and update (C loops), lower qualities first so the best stays.
        if len(plans) == 1:  # most queries: each title's share is its match's quality (0.7 or more: all count)
            _, postings, idf = plans[0]
            for rows, quality in sorted(postings, key=lambda p: p[1]):
                scores.update(dict.fromkeys(rows, quality * idf / weight_sum))
        else:
            # Rare words first: they pick the candidates; common words ("the", "love") only add to those.
            for common, postings, idf in sorted(plans, key=lambda p: p[0]):
                best: dict[int, float] = {}
                for rows, quality in sorted(postings, key=lambda p: p[1]):
                    best.update(dict.fromkeys(rows, quality))
                if common and scores:
                    best = {row: quality for row, quality in best.items() if row in scores}
                for row, quality in best.items():
                    scores[row] = scores.get(row, 0.0) + quality * idf
            scores = {row: share for row, score in scores.items()
                      if (share := score / weight_sum) >= MIN_COVERAGE}
        # Titles whose name starts with the query score 1 + the bonus, those named exactly the query 1 + both
        # bonuses (a share of the query's weight is at most 1): set in C, the exact ones last so they keep theirs.
        keys, row_of_key = part.sorted_keys, operator.itemgetter(1)
        at = bisect.bisect_left(keys, (key, -1))
        exact_end = bisect.bisect_left(keys, (key, len(part.ids)), lo=at)
        end = bisect.bisect_left(keys, (key + "\uffff", -1), lo=exact_end)
        scores.update(dict.fromkeys(map(row_of_key, keys[exact_end:end]), 1.0 + TITLE_PREFIX_BONUS))
        scores.update(dict.fromkeys(map(row_of_key, keys[at:exact_end]),
                                    1.0 + EXACT_TITLE_BONUS + TITLE_PREFIX_BONUS))
        # Rows are numbered most popular first (build()), so (-score, row) is the order: sorted and made into
        # Hits in C (a Python loop over 3,000 matches cost more than the sort).
        ranked = sorted(zip(map(operator.neg, scores.values()), scores.keys(), strict=True))[:limit]
        negatives, rows = zip(*ranked, strict=True) if ranked else ((), ())
        rounded = map(round, map(operator.neg, negatives), itertools.repeat(4))
        return list(map(functools.partial(tuple.__new__, Hit), zip(map(part.ids.__getitem__, rows), rounded,
                                                                    strict=True)))

    def titles_for(self, query: str, limit: int = 1000) -> list[Hit]:
        return self._search(self.titles, query, limit)

    def people_for(self, query: str, limit: int = 50) -> list[Hit]:
        return self._search(self.people, query, limit)

    def title_name(self, media_id: int) -> str | None:
        row = self.titles.row_of.get(media_id)
        return None if row is None else self.titles.names[row]

    def did_you_mean(self, query: str) -> str | None:
        """The title or name closest to a query that found nothing, or None when nothing is close."""
        key = normalize(query)
        if not 3 <= len(key) <= MAX_SUGGESTION_QUERY:
            return None
        best = None
        for part in (self.titles, self.people):
            found = process.extractOne(key, part.first_keys, scorer=fuzz.ratio, score_cutoff=70)
            if found and (best is None or found[1] > best[1]):
                best = (part.names[found[2]], found[1])
        return best[0] if best else None


# --- one index per process, refreshed when the catalog changes -------------------------------------------------
_lock = threading.Lock()
_current: SearchIndex | None = None


def current(version: object, load: Callable[[], tuple[list, list]]) -> SearchIndex:
    """The process's index for catalog `version`; load() -> (titles, people) rows when it must be rebuilt."""
    global _current
    with _lock:
        if _current is None or _current.version != version:
            titles, people = load()
            _current = SearchIndex.build(titles, people, version)
        return _current
