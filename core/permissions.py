"""The one place that answers "may this actor do this?" (DESIGN.md, Roles). Pages and core/ services both ask."""
from __future__ import annotations

from db.errors import PermissionDenied

ROLES = ("user", "moderator", "admin")

CATALOG_TABLES = frozenset({"media", "episodes", "genres", "people", "media_genres", "media_cast", "media_crew"})
USER_OWNED_TABLES = frozenset({
    "users", "playlists", "playlist_items", "watchlist_items", "series_progress", "reviews", "friendships",
})

# action -> roles allowed. Actions on one's own data (lists, reviews, friends) need only a login.
MATRIX: dict[str, frozenset[str]] = {
    "browse": frozenset(ROLES),
    "own_data": frozenset(ROLES),
    "edit_catalog": frozenset({"moderator", "admin"}),
    "moderate_reviews": frozenset({"moderator", "admin"}),
    "view_dashboard": frozenset({"moderator", "admin"}),
    "view_activity_all": frozenset({"admin"}),
    "manage_users": frozenset({"admin"}),
    "edit_user_tables": frozenset({"admin"}),
    "prune_activity_log": frozenset({"admin"}),
}


def may(role: str | None, action: str) -> bool:
    if action not in MATRIX:
        raise ValueError(f"Unknown action {action!r}")
    return isinstance(role, str) and role in MATRIX[action]


def require(role: str | None, action: str) -> None:
    if not may(role, action):
        raise PermissionDenied(f"Your role ({role or 'guest'}) may not {action.replace('_', ' ')}.")


def editable_tables(role: str | None) -> list[str]:
    """Tables the table editor offers to this role, in a stable order."""
    tables = set(CATALOG_TABLES) if may(role, "edit_catalog") else set()
    if may(role, "edit_user_tables"):
        tables |= USER_OWNED_TABLES
    return sorted(tables)


def may_edit_table(role: str | None, table: str) -> bool:
    return table in editable_tables(role)


def visible_log_tables(role: str | None) -> frozenset[str] | None:
    """Activity-log tables a role may read: None means all of them, an empty set none."""
    if may(role, "view_activity_all"):
        return None
    if may(role, "view_dashboard"):
        return CATALOG_TABLES
    return frozenset()
