"""A page of results, and the page arithmetic every paged list shares."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def page_count(total: int, page_size: int) -> int:
    """How many pages `total` rows fill (at least 1, so an empty list is one empty page)."""
    return max(1, -(-int(total) // page_size))


def last_page(page: int, total: int, page_size: int) -> int:
    """`page` kept within 1..page_count: a page past the end (rows deleted meanwhile) is the last page."""
    return min(max(1, int(page)), page_count(total, page_size))


@dataclass
class ResultPage:
    rows: list[dict[str, Any]]
    total: int          # matching rows (counted up to a cap when `capped` can be True)
    page: int           # the page these rows are (1-based)
    page_size: int
    capped: bool = False  # True: more than `total` rows match (the count stopped at its cap)

    @property
    def pages(self) -> int:
        return page_count(self.total, self.page_size)

