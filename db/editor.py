"""The SQL of the table editor: a page of any whitelisted table (filtered, sorted and paged in SQL), readable
labels for foreign keys, what a delete would cascade to, and applying a set of changes inside a transaction.
Table and column names come only from db.whitelist; every value is a bound parameter. Who may edit which
table, and the rules a batch must keep, are core.tables'.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Connection

from db.engine import execute, fetch_all, fetch_one, read
from db.errors import DataRuleError, NotFound
from db.like import escape_like
from db.paging import ResultPage, last_page
from db.whitelist import Catalog, ForeignKey, NotInWhitelist, Table, catalog

PAGE_SIZE = 50
COUNT_CAP = 10_000      # counting stops here: "more than 10,000 rows" keeps a million-row table quick
CHOICES_LIMIT = 50      # picker choices a search adds per foreign-key column
FILTER_OPS = ("contains", "equals")
# The readable label of a referenced row (fixed SQL, never user text). users: the username is readable.
LABELS = {"media": "title", "people": "name", "genres": "name", "episodes": "title", "playlists": "name",
          "users": "username"}

# SET NULL references apply_changes' caller hands over instead (a deleted moderator's hidings stay hidden).
REASSIGNED_ON_DELETE = frozenset({("reviews", ("hidden_by",))})


class RowRejected(DataRuleError):
    """The database refused one change; `operation` and `index` say which (the nth insert/update/delete)."""

    def __init__(self, message: str, errno: int | None, operation: str, index: int):
        super().__init__(message, errno)
        self.operation = operation
        self.index = index


def q(name: str) -> str:
    """Quote a name that came from the catalog (never from user text)."""
    return f"`{name}`"


def _where(table: Table, column: str | None, op: str, value: Any, params: dict) -> str:
    if not column or value is None or value == "":
        return "1 = 1"
    table.column(column)
    if op not in FILTER_OPS:
        raise NotInWhitelist(f"Unknown filter {op!r}: use one of {', '.join(FILTER_OPS)}.")
    params["filter_value"] = value if op == "equals" else f"%{escape_like(str(value))}%"
    return f"{q(column)} = :filter_value" if op == "equals" else f"{q(column)} LIKE :filter_value ESCAPE '!'"


def browse(table: Table, *, filter_column: str | None = None, filter_op: str = "contains",
           filter_value: Any = None, sort: str | None = None, descending: bool = False, page: int = 1,
           page_size: int = PAGE_SIZE) -> ResultPage:
    """One page of a table (two statements: a capped count and the rows). Ties sort by the primary key so
    pages never overlap; a page past the end gives the last page."""
    params: dict[str, Any] = {}
    where = _where(table, filter_column, filter_op, filter_value, params)
    direction = "DESC" if descending else "ASC"
    order = [f"{q(table.sort_column(sort))} {direction}"] if sort else []
    order += [f"{q(k)} {direction}" for k in table.primary_key if k != sort]
    columns = ", ".join(q(c) for c in table.columns)
    page = max(1, int(page))
    with read() as conn:
        total = fetch_one(f"SELECT COUNT(*) AS n FROM (SELECT 1 FROM {q(table.name)} WHERE {where} "
                          f"LIMIT {COUNT_CAP + 1}) AS capped", conn, **params)["n"]
        if total <= COUNT_CAP:  # a page past the end (rows deleted meanwhile) shows the last page, not nothing
            page = last_page(page, total, page_size)
        rows = fetch_all(f"SELECT {columns} FROM {q(table.name)} WHERE {where} ORDER BY {', '.join(order)} "
                         f"LIMIT :limit OFFSET :offset", conn, limit=page_size, offset=(page - 1) * page_size,
                         **params)
    return ResultPage(rows, min(total, COUNT_CAP), page, page_size, capped=total > COUNT_CAP)


def label_columns(table: Table) -> dict[str, ForeignKey]:
    """The columns of `table` shown as a readable label and picked from a list: single-column foreign keys
    to a table with a label."""
    return {fk.columns[0]: fk for fk in table.foreign_keys
            if len(fk.columns) == 1 and fk.ref_table in LABELS}


def fk_choices(table_name: str, rows: list[dict[str, Any]], searches: dict[str, str] | None = None
               ) -> dict[str, dict[Any, str]]:
    """{column: {id: label}} for every labelled foreign-key column: the labels of the ids on this page plus up
    to CHOICES_LIMIT rows matching the column's search text. One statement for all columns."""
    table = catalog().table(table_name)
    parts, params = [], {}
    for i, (column, fk) in enumerate(label_columns(table).items()):
        key, label, ref = q(fk.ref_columns[0]), q(LABELS[fk.ref_table]), q(fk.ref_table)
        ids = sorted({r[column] for r in rows if r.get(column) is not None}, key=str)
        if ids:
            params[f"ids{i}"] = ids  # an expanding bind (db.engine)
            parts.append(f"(SELECT :c{i} AS col, {key} AS id, {label} AS label FROM {ref} "
                         f"WHERE {key} IN :ids{i})")
        text = (searches or {}).get(column, "").strip()
        if text:
            params[f"s{i}"] = f"%{escape_like(text)}%"
            parts.append(f"(SELECT :c{i} AS col, {key} AS id, {label} AS label FROM {ref} "
                         f"WHERE {label} LIKE :s{i} ESCAPE '!' ORDER BY {label} LIMIT {CHOICES_LIMIT})")
        params[f"c{i}"] = column
    choices: dict[str, dict[Any, str]] = {column: {} for column in label_columns(table)}
    if parts:
        for row in fetch_all(" UNION ALL ".join(parts), **params):
            # UNION ALL of int and varchar ids yields text: give each id its column's type back.
            fk = label_columns(table)[row["col"]]
            ref = catalog().table(fk.ref_table).column(fk.ref_columns[0])
            choices[row["col"]][int(row["id"]) if ref.is_integer else row["id"]] = row["label"]
    return choices


def _key_condition(table: Table, keys: list[dict[str, Any]], params: dict) -> str:
    """`(pk1 = :k0_0 AND pk2 = :k0_1) OR ...` for the given primary keys."""
    if not keys:
        return "1 = 0"
    terms = []
    for i, key in enumerate(keys):
        parts = []
        for j, column in enumerate(table.primary_key):
            params[f"k{i}_{j}"] = key[column]
            parts.append(f"{q(column)} = :k{i}_{j}")
        terms.append("(" + " AND ".join(parts) + ")")
    return " OR ".join(terms)


def _cascade_tables(cat: Catalog, root: str) -> list[str]:
    """Tables whose rows a delete in `root` removes through ON DELETE CASCADE, parents before children."""
    order, stack = [root], [root]
    while stack:
        parent = stack.pop()
        for fk in cat.table(parent).referenced_by:
            if fk.on_delete == "CASCADE" and fk.table not in order:
                order.append(fk.table)
                stack.append(fk.table)
    return order


def _in_parent(fk: ForeignKey, parent_condition: str) -> str:
    cols = ", ".join(q(c) for c in fk.columns)
    refs = ", ".join(q(c) for c in fk.ref_columns)
    return f"({cols}) IN (SELECT {refs} FROM {q(fk.ref_table)} WHERE {parent_condition})"


def cascade_summary(table_name: str, keys: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    """What deleting these rows of `table_name` does elsewhere, counted in one SQL statement over the
    foreign-key graph: [("deletes", "episodes", 12), ("clears", "series_progress", 3), ...].
    "clears" are ON DELETE SET NULL references in rows that stay."""
    cat = catalog()
    table = cat.table(table_name)
    params: dict[str, Any] = {}
    conditions = {table.name: _key_condition(table, keys, params)}
    deleted = _cascade_tables(cat, table.name)
    for name in deleted[1:]:
        # A row goes when any of its cascading parents goes; parents come earlier in `deleted`.
        incoming = [fk for fk in cat.table(name).foreign_keys
                    if fk.on_delete == "CASCADE" and fk.ref_table in conditions]
        conditions[name] = " OR ".join(_in_parent(fk, conditions[fk.ref_table]) for fk in incoming)
    measures: list[tuple[str, str, str]] = [("deletes", name, conditions[name]) for name in deleted[1:]]
    for name in deleted:
        for fk in cat.table(name).referenced_by:
            if fk.on_delete == "SET NULL" and (fk.table, fk.columns) not in REASSIGNED_ON_DELETE:
                cleared = _in_parent(fk, conditions[name])
                if fk.table in conditions:
                    cleared += f" AND NOT ({conditions[fk.table]})"
                measures.append(("clears", fk.table, cleared))
    if not measures:
        return []
    select = ", ".join(f"(SELECT COUNT(*) FROM {q(t)} WHERE {cond}) AS m{i}" for i, (_, t, cond) in enumerate(measures))
    counts = fetch_one(f"SELECT {select}", **params)
    merged: dict[tuple[str, str], int] = {}
    for i, (verb, name, _) in enumerate(measures):
        merged[(verb, name)] = merged.get((verb, name), 0) + int(counts[f"m{i}"])
    return [(verb, name, n) for (verb, name), n in merged.items()]


class RowsRejected(DataRuleError):
    """The database refused one or more changes of a batch; `rows` says which and why (nothing was kept)."""

    def __init__(self, rows: list[RowRejected]):
        super().__init__("; ".join(str(r) for r in rows), rows[0].errno)
        self.rows = rows


class _Batch:
    """Runs a batch's statements each in a savepoint, so a refused row is noted and the next rows are still
    tried: the moderator sees every broken row at once. Any refusal rolls back the whole batch at the end."""

    def __init__(self, conn):
        self.conn = conn
        self.rejected: list[RowRejected] = []

    def run(self, sql: str, operation: str, index: int, must_match: bool = False, **params: Any) -> None:
        # Not `with begin_nested()`: after a deadlock the server has dropped the savepoint, and rolling back to
        # it would hide the deadlock that @transactional retries. Only a refused row rolls back to it.
        savepoint = self.conn.begin_nested()
        try:
            result = execute(self.conn, sql, **params)
            if must_match and result.rowcount == 0:
                raise NotFound("This row no longer exists (someone else deleted or changed its key); "
                                    "reload the page.")
        except DataRuleError as exc:
            savepoint.rollback()
            self.rejected.append(RowRejected(str(exc), exc.errno, operation, index))
        else:
            savepoint.commit()

    def finish(self) -> None:
        if self.rejected:
            raise RowsRejected(self.rejected)


def apply_changes(conn: Connection, table: Table, inserts: list[dict[str, Any]],
                  updates: list[tuple[dict[str, Any], dict[str, Any]]], deletes: list[dict[str, Any]],
                  before_delete: Callable[[dict[str, Any]], None] | None = None) -> None:
    """Apply deletes, then updates, then inserts (deletes first free unique values) in the caller's transaction;
    before_delete(key) runs before each delete. Every refused row is collected and raised together as
    RowsRejected; then the caller's transaction keeps nothing."""
    batch = _Batch(conn)
    for i, key in enumerate(deletes):
        params: dict[str, Any] = {}
        condition = _key_condition(table, [key], params)
        if before_delete is not None:
            before_delete(key)
        batch.run(f"DELETE FROM {q(table.name)} WHERE {condition}", "delete", i, must_match=True, **params)
    for i, (key, changes) in enumerate(updates):
        params = {f"v{j}": value for j, value in enumerate(changes.values())}
        sets = ", ".join(f"{q(table.column(c).name)} = :v{j}" for j, c in enumerate(changes))
        batch.run(f"UPDATE {q(table.name)} SET {sets} WHERE {_key_condition(table, [key], params)}",
                  "update", i, must_match=True, **params)
    for i, row in enumerate(inserts):
        names = [table.column(c).name for c in row]
        params = {f"v{j}": value for j, value in enumerate(row.values())}
        batch.run(f"INSERT INTO {q(table.name)} ({', '.join(q(c) for c in names)}) "
                  f"VALUES ({', '.join(f':v{j}' for j in range(len(names)))})", "insert", i, **params)
    batch.finish()
