"""The whitelist of tables, columns, keys and foreign keys, read from information_schema of the live schema.

The table editor and every sortable/filterable view take table and column names from here and nowhere
else: a name that is not in the catalog is refused before any SQL is built. The catalog is read once per
process and database (three statements) and cached. `users.password_hash` never appears in it.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from db.engine import default, fetch_all, read

HIDDEN_COLUMNS = frozenset({("users", "password_hash")})
# Tables the app itself keeps; the editor never offers them (and permissions would not allow it anyway).
INTERNAL_TABLES = frozenset({"schema_info"})


class NotInWhitelist(ValueError):
    """A table, column or sort name that the schema catalog does not know."""


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str          # int, varchar, enum, date, datetime, decimal, tinyint, text, json ...
    column_type: str        # the full type: "tinyint(1)", "enum('a','b')", "decimal(3,1)" ...
    nullable: bool
    has_default: bool
    auto_increment: bool
    max_length: int | None
    enum_values: tuple[str, ...] = ()
    auto_updated: bool = False  # ON UPDATE CURRENT_TIMESTAMP: the server keeps it

    @property
    def is_bool(self) -> bool:
        return self.column_type.startswith("tinyint(1)")

    @property
    def is_integer(self) -> bool:
        return self.data_type in ("tinyint", "smallint", "mediumint", "int", "bigint") and not self.is_bool

    @property
    def unsigned(self) -> bool:
        return "unsigned" in self.column_type

    @property
    def required(self) -> bool:
        """Must an inserted row name a value for this column?"""
        return not (self.nullable or self.has_default or self.auto_increment)


@dataclass(frozen=True)
class ForeignKey:
    table: str                  # the child (the table holding the reference)
    columns: tuple[str, ...]
    ref_table: str              # the parent
    ref_columns: tuple[str, ...]
    on_delete: str              # CASCADE, SET NULL, RESTRICT, NO ACTION


@dataclass
class Table:
    name: str
    columns: dict[str, Column]
    primary_key: tuple[str, ...]
    foreign_keys: list[ForeignKey] = field(default_factory=list)   # references this table makes
    referenced_by: list[ForeignKey] = field(default_factory=list)  # references to this table
    # Columns that lead a (non-FULLTEXT) index: sorting by one is an index walk, quick at any size.
    sortable: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        if name not in self.columns:
            raise NotInWhitelist(f"{self.name} has no column {name!r} that can be used here.")
        return self.columns[name]

    def sort_column(self, name: str) -> str:
        """`name` if the table may be sorted by it (it leads an index), else NotInWhitelist."""
        self.column(name)
        if name not in self.sortable:
            raise NotInWhitelist(f"{self.name} can be sorted only by an indexed column "
                                 f"({', '.join(self.sortable)}), so a page stays quick on a large table.")
        return name

    def foreign_key_of(self, column: str) -> ForeignKey | None:
        """The single-column foreign key on `column`, if there is one."""
        for fk in self.foreign_keys:
            if fk.columns == (column,):
                return fk
        return None


@dataclass
class Catalog:
    tables: dict[str, Table]

    def table(self, name: str) -> Table:
        if name not in self.tables:
            raise NotInWhitelist(f"There is no table {name!r} that can be used here.")
        return self.tables[name]


_cache: dict[str, Catalog] = {}
_lock = threading.Lock()


def _enum_values(column_type: str) -> tuple[str, ...]:
    if not column_type.startswith("enum("):
        return ()
    return tuple(v.replace("''", "'") for v in re.findall(r"'((?:[^']|'')*)'", column_type[5:-1]))


def _load(conn) -> Catalog:
    columns = fetch_all(
        """SELECT c.table_name AS t, c.column_name AS c, c.data_type AS dt, c.column_type AS ct,
                  c.is_nullable AS nullable, c.column_default AS dflt, c.extra AS extra,
                  c.character_maximum_length AS maxlen, c.column_key AS ck
             FROM information_schema.columns c
             JOIN information_schema.tables t
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema = DATABASE()
            ORDER BY c.table_name, c.ordinal_position""", conn)
    keys = fetch_all(
        """SELECT k.table_name AS t, k.column_name AS c, k.constraint_name AS name,
                  k.referenced_table_name AS rt, k.referenced_column_name AS rc, r.delete_rule AS on_delete
             FROM information_schema.key_column_usage k
             LEFT JOIN information_schema.referential_constraints r
               ON r.constraint_schema = k.constraint_schema AND r.constraint_name = k.constraint_name
              AND r.table_name = k.table_name
            WHERE k.table_schema = DATABASE() AND (k.constraint_name = 'PRIMARY' OR k.referenced_table_name IS NOT NULL)
            ORDER BY k.table_name, k.constraint_name, k.ordinal_position""", conn)
    leading = fetch_all(
        """SELECT DISTINCT table_name AS t, column_name AS c FROM information_schema.statistics
            WHERE table_schema = DATABASE() AND seq_in_index = 1 AND index_type <> 'FULLTEXT'""", conn)
    tables: dict[str, Table] = {}
    for row in columns:
        name = str(row["t"]).lower()
        if name in INTERNAL_TABLES or (name, row["c"]) in HIDDEN_COLUMNS:
            continue
        table = tables.setdefault(name, Table(name, {}, ()))
        table.columns[row["c"]] = Column(
            name=row["c"], data_type=str(row["dt"]).lower(), column_type=str(row["ct"]).lower(),
            nullable=row["nullable"] == "YES",
            has_default=row["dflt"] is not None,
            auto_increment="auto_increment" in str(row["extra"]).lower(),
            max_length=row["maxlen"], enum_values=_enum_values(str(row["ct"])),
            auto_updated="on update" in str(row["extra"]).lower(),
        )
    fks: dict[tuple[str, str], dict] = {}
    for row in keys:
        name = str(row["t"]).lower()
        if name not in tables:
            continue
        if row["name"] == "PRIMARY":
            tables[name].primary_key += (row["c"],)
            continue
        fk = fks.setdefault((name, row["name"]), {"cols": [], "rt": str(row["rt"]).lower(), "rcols": [],
                                                  "on_delete": row["on_delete"] or "RESTRICT"})
        fk["cols"].append(row["c"])
        fk["rcols"].append(row["rc"])
    for row in leading:
        name = str(row["t"]).lower()
        if name in tables and row["c"] in tables[name].columns:
            tables[name].sortable += (row["c"],)
    for table in tables.values():
        table.sortable = tuple(c for c in table.columns if c in table.sortable)  # in column order
    for (name, _), fk in sorted(fks.items()):
        key = ForeignKey(name, tuple(fk["cols"]), fk["rt"], tuple(fk["rcols"]), fk["on_delete"])
        tables[name].foreign_keys.append(key)
        if key.ref_table in tables:
            tables[key.ref_table].referenced_by.append(key)
    return Catalog(tables)


def catalog() -> Catalog:
    """The catalog of the database this process uses now (tests switch databases, so the key is the URL)."""
    key = default().url.render_as_string(hide_password=True)
    with _lock:
        found = _cache.get(key)
    if found is not None:
        return found
    with read() as conn:
        loaded = _load(conn)
    with _lock:
        _cache[key] = loaded
    return loaded


def table(name: str) -> Table:
    return catalog().table(name)


def forget() -> None:
    """Drop the cache (after a schema change in the same process)."""
    with _lock:
        _cache.clear()
