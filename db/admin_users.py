"""The SQL of the admin's user list: find and page users (never the password hash)."""
from __future__ import annotations

from typing import Any

from db.engine import fetch_all, fetch_one, read
from db.like import escape_like
from db.paging import ResultPage, last_page

PAGE_SIZE = 25


def search_users(text: str = "", role: str | None = None, page: int = 1, page_size: int = PAGE_SIZE) -> ResultPage:
    """A page of users whose username, name or email contains `text` (optionally of one role), newest first,
    and how many match: two statements. A page past the end (users deleted meanwhile) gives the last page."""
    params: dict[str, Any] = {"role": role or "", "limit": page_size}
    where = "(:role = '' OR role = :role)"
    if text.strip():
        params["t"] = f"%{escape_like(text.strip())}%"
        where += (" AND (username LIKE :t ESCAPE '!' OR email LIKE :t ESCAPE '!' "
                  "OR CONCAT(firstname, ' ', lastname) LIKE :t ESCAPE '!')")
    with read() as conn:
        total = fetch_one(f"SELECT COUNT(*) AS n FROM users WHERE {where}", conn, **params)["n"]
        page = last_page(page, total, page_size)
        rows = fetch_all(
            f"""SELECT username, firstname, lastname, email, role, created_at, last_login_at, locked_until,
                       failed_logins, must_change_password
                  FROM users WHERE {where} ORDER BY created_at DESC, username LIMIT :limit OFFSET :offset""",
            conn, offset=(page - 1) * page_size, **params)
    return ResultPage(rows, total, page, page_size)
