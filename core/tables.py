"""The table editor's services: which tables a role may edit, a page of one, labels and choices for its
foreign keys, what a delete cascades to, and saving a batch of changes in one transaction as the actor.
Checks the actor's role in the database inside the transaction; a batch on users must leave an admin who can
log in, and keeps the reviews a deleted moderator hid hidden (core.accounts). The SQL is db.editor's."""
from __future__ import annotations

from typing import Any

from core import permissions
from core.accounts import NO_ADMIN_LEFT, keep_hidden_reviews, lock_reviewed_titles, refuse_last_admin
from db import editor as sql
from db.engine import actor_role, transactional
from db.errors import PermissionDenied
from db.paging import ResultPage
from db.whitelist import Column, NotInWhitelist, Table, catalog

PAGE_SIZE = sql.PAGE_SIZE
COUNT_CAP = sql.COUNT_CAP
FILTER_OPS = sql.FILTER_OPS
LABELS = sql.LABELS
RowRejected = sql.RowRejected
RowsRejected = sql.RowsRejected
label_columns = sql.label_columns
fk_choices = sql.fk_choices
cascade_summary = sql.cascade_summary
__all__ = ["Column", "NotInWhitelist", "Table", "catalog"]  # re-exported for pages and core.table_editor


def editable_table(role: str | None, name: str) -> Table:
    """The catalog entry of a table this role may edit; refuses unknown and forbidden tables."""
    table = catalog().table(name)
    if not permissions.may_edit_table(role, name):
        raise PermissionDenied(f"Your role ({role or 'guest'}) may not edit the table {name}.")
    return table


def browse(role: str | None, table_name: str, **options: Any) -> ResultPage:
    """One page of a table the role may edit (db.editor.browse: filter, sort, page, two statements)."""
    return sql.browse(editable_table(role, table_name), **options)


@transactional
def apply_changes(conn, actor: str, table_name: str, inserts: list[dict[str, Any]],
                  updates: list[tuple[dict[str, Any], dict[str, Any]]], deletes: list[dict[str, Any]]) -> None:
    """Apply deletes, then updates, then inserts as one transaction. Every refused row is collected and raised
    together as RowsRejected; then nothing is kept. The audit triggers name `actor`."""
    table = editable_table(actor_role(conn, actor), table_name)
    before_delete = None
    if table.name == "users":
        def before_delete(key: dict[str, Any]) -> None:
            lock_reviewed_titles(conn, key["username"])
            keep_hidden_reviews(conn, key["username"], actor)
    sql.apply_changes(conn, table, inserts, updates, deletes, before_delete)
    if table.name == "users":
        refuse_last_admin(conn, None, NO_ADMIN_LEFT)
