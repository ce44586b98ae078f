"""A page of results and its arithmetic (db.paging), for pages and ui/."""
from db.paging import ResultPage, last_page, page_count

__all__ = ["ResultPage", "last_page", "page_count"]
