"""The dashboard's figures as a role may see them (every figure an SQL aggregate: db.dashboard)."""
from __future__ import annotations

from datetime import date

from core import permissions
from db import dashboard as sql
from db.engine import default

Figures = sql.Figures
REVIEW_DAYS = sql.REVIEW_DAYS
SIGNUP_WEEKS = sql.SIGNUP_WEEKS
ACTIVITY_DAYS = sql.ACTIVITY_DAYS
TOP = sql.TOP


def figures(role: str | None, today: date | None = None) -> Figures:
    """Moderators get the catalog's figures and its tables' activity; admins everything."""
    permissions.require(role, "view_dashboard")
    visible = permissions.visible_log_tables(role)
    return sql.figures(permissions.may(role, "view_activity_all"), None if visible is None else sorted(visible),
                       today)


def cache_key() -> str:
    """Which database the figures come from (the page caches them per role and database)."""
    return default().url.render_as_string(hide_password=True)
