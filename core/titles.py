"""Title reads for Explore, Media details, Progress and the landing page (db.titles: each one or two statements
whatever it returns). Reads that need no rule, here so pages read and write through core/ alike."""
from __future__ import annotations

from core import recent_reads, search
from core.search import Filters
from db import search_index as index_sql
from db import titles as sql
from db.paging import ResultPage

PAGE_SIZE = sql.PAGE_SIZE
MAX_ID = sql.MAX_ID
SearchPage = sql.SearchPage
matching_people = sql.matching_people
genres = sql.genres
person = sql.person
title_for_viewer = sql.title_for_viewer
credits = sql.credits
episodes = sql.episodes
playlists_with_title = sql.playlists_with_title
landing_counts = sql.landing_counts

# How long a page of a search is kept for others (core.recent_reads): their ratings move titles in the
# "average rating" and "number of ratings" orders, and a moderator's edit may add or drop a title.
SEARCH_KEEP_SECONDS = 120


def search_titles(filters: Filters, viewer: str, page: int = 1, per_page: int = PAGE_SIZE) -> SearchPage:
    """db.titles.search_titles, with its pages kept (core.recent_reads): Explore runs again with the same
    search for every page, filter, sort and "Log a watch" click, and scoring a common word's 8,000 matches at
    100,000 titles costs 36 ms (counting the whole catalog for a search without text, 3.7 ms) where reading
    a kept page's 24 titles by key costs 1 ms. The cards are read afresh each time (ratings, whether in my
    lists); what is kept is which titles, in which order, and the total. A page is kept for the catalog it
    was found in (the text's hits carry its version; without text, one primary-key read gives it), and is
    not used by a viewer who has committed anything in this process since (their own rating or edit shows
    at once)."""
    page = max(page, 1)
    version = filters.hits.version if filters.hits is not None else index_sql.catalog_version()
    searched: list[SearchPage] = []  # the page as this reader found it, when it was not kept

    def ranked() -> tuple[tuple[int, ...], int, bool]:
        if filters.ranked_in_memory():
            searched.append(_ranked_in_memory(filters, viewer, page, per_page))
        else:
            searched.append(sql.search_titles(filters, viewer, page, per_page))
        return tuple(row["media_id"] for row in searched[0].rows), searched[0].total, searched[0].capped

    key = ("search", filters, version, page, per_page)
    ids, total, capped = recent_reads.shared(key, viewer, ranked, SEARCH_KEEP_SECONDS)
    if searched:  # found just now: its own rows, no second statement
        return searched[0]
    return ResultPage(sql.cards(list(ids), viewer), total, page, per_page, capped=capped)


def _ranked_in_memory(filters: Filters, viewer: str, page: int, per_page: int) -> SearchPage:
    """A page of a search sorted by relevance with no other filter, ordered in memory (core.search.rank):
    a statement for the matching people's credits when it found people, and one for the page's titles."""
    hits = filters.hits
    credits = sql.credited(hits.people_json) if hits.people else []
    offset = (page - 1) * per_page
    best, total = search.rank(hits, credits, offset + per_page + search.RERANK_SLACK)
    rows = sql.ranked_page(best, viewer, per_page, offset) if offset < total else []
    return ResultPage(rows, min(total, sql.COUNT_CAP), page, per_page, capped=total > sql.COUNT_CAP)
