"""Turn what a moderator did in the grid (st.data_editor's edited/added/deleted rows) into checked
inserts, updates and deletes. Plain Python: values are coerced to each column's type from the schema
catalog, and every problem names the row it belongs to, so nothing reaches the database half-checked.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from core import tables as editor
from core import validation
from core.words import plural
from db.whitelist import Column, Table

# Columns the server keeps exact by itself (rating triggers); editing them by hand would make them wrong.
DERIVED_COLUMNS = frozenset({("media", "average_rating"), ("media", "rating_count"), ("media", "review_count")})
# Birth dates: a CHECK cannot read today's date, so "not in the future" is held here (as registration does).
BIRTH_DATES = frozenset({("users", "dob"), ("people", "birthdate")})
# New accounts need a password, which the editor never handles: they come from registration.
NO_INSERT_TABLES = {"users": "New accounts are created by registering; the table editor never sets passwords."}

INT_RANGES = {"tinyint": 2**7, "smallint": 2**15, "mediumint": 2**23, "int": 2**31, "bigint": 2**63}


class InvalidValue(ValueError):
    """A value that does not fit its column; the message names the column and what would fit."""


@dataclass(frozen=True)
class RowProblem:
    row: str        # "new row 2", "row media_id 5"
    message: str


class InvalidChanges(ValueError):
    """Some edited rows cannot be saved as they are; nothing was written."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.row}: {p.message}" for p in problems))


@dataclass
class Update:
    key: dict[str, Any]
    changes: dict[str, Any]
    old: dict[str, Any]


@dataclass
class ChangeSet:
    table: str
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    deletes: list[dict[str, Any]] = field(default_factory=list)
    # The other values of each deleted row, for the preview: the grid no longer shows a row once deleted.
    deleted_values: list[dict[str, Any]] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.inserts or self.updates or self.deletes)

    def summary(self) -> str:
        """'1 new row, 2 changed rows in media': only the kinds there are."""
        parts = [plural(len(rows), noun, nouns) for rows, noun, nouns in (
            (self.inserts, "new row", "new rows"), (self.updates, "changed row", "changed rows"),
            (self.deletes, "deleted row", "deleted rows")) if rows]
        return f"{', '.join(parts) or 'no changes'} in {self.table}"


def row_label(key: dict[str, Any]) -> str:
    """How messages name an existing row: by its key."""
    return "row " + ", ".join(f"{col} {value}" for col, value in key.items())


def new_row_label(position: int) -> str:
    return f"new row {position + 1}"


def read_only_columns(table: Table) -> set[str]:
    """Columns the grid shows but never writes: server-made ids and timestamps, trigger-kept figures."""
    return {c.name for c in table.columns.values()
            if c.auto_increment or c.auto_updated or (table.name, c.name) in DERIVED_COLUMNS}


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in ("NaTType", "NAType")


def _to_int(col: Column, value: Any) -> int:
    result = validation.whole_number(value)
    if result is None:
        raise InvalidValue(f"{col.name} must be a whole number, not {str(value)[:40]!r}.")
    limit = INT_RANGES[col.data_type]
    low, high = (0, 2 * limit - 1) if col.unsigned else (-limit, limit - 1)
    if not low <= result <= high:
        raise InvalidValue(f"{col.name} must be between {low} and {high}.")
    return result


def _to_decimal(col: Column, value: Any) -> Decimal:
    result = validation.number(value)
    if result is None:
        raise InvalidValue(f"{col.name} must be a finite number of at most {validation.NUMBER_MAX_CHARS} "
                           f"characters, such as 7.5, not {str(value)[:40]!r}.")
    return result


def _to_date(col: Column, value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value).strip()).date()
    except ValueError:
        raise InvalidValue(f"{col.name} must be a date like 2024-01-31.") from None


def _to_datetime(col: Column, value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return datetime.fromisoformat(str(value).strip().replace("Z", "")).replace(tzinfo=None)
    except ValueError:
        raise InvalidValue(f"{col.name} must be a date and time like 2024-01-31 18:30.") from None


def _to_text(col: Column, value: Any) -> str:
    text = str(value)
    if col.max_length is not None and col.data_type in ("varchar", "char") and len(text) > col.max_length:
        raise InvalidValue(f"{col.name} may be at most {col.max_length} characters (this has {len(text)}).")
    return text


def coerce(col: Column, value: Any) -> Any:
    """The value as the column stores it, or InvalidValue naming the column. None means NULL."""
    if _is_missing(value) or (isinstance(value, str) and value == "" and col.nullable):
        if not col.nullable:
            raise InvalidValue(f"{col.name} may not be empty.")
        return None
    if col.enum_values:
        if str(value) not in col.enum_values:
            raise InvalidValue(f"{col.name} must be one of: {', '.join(col.enum_values)} (not {str(value)[:40]!r}).")
        return str(value)
    if col.is_bool:
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered not in ("0", "1", "true", "false", "yes", "no"):
                raise InvalidValue(f"{col.name} must be yes or no.")
            return int(lowered in ("1", "true", "yes"))
        return int(bool(value))
    if col.is_integer:
        return _to_int(col, value)
    if col.data_type in ("decimal", "float", "double"):
        return _to_decimal(col, value)
    if col.data_type == "date":
        return _to_date(col, value)
    if col.data_type in ("datetime", "timestamp"):
        return _to_datetime(col, value)
    return _to_text(col, value)


def option(value: Any, label: str) -> str:
    """How a foreign-key picker shows a referenced row: its label and, when the label is not the key, the id."""
    return str(value) if str(value) == str(label) else f"{label} · #{value}"


def picker_options(choices: dict[Any, str]) -> dict[str, Any]:
    """{shown option: stored id} for one foreign-key column's choices."""
    return {option(value, label): value for value, label in choices.items()}


class Decoder:
    """Maps grid values back to stored values: a foreign-key picker shows "label · #id" for each id."""

    def __init__(self, options: dict[str, dict[str, Any]] | None = None):
        self.options = options or {}  # column -> {shown option: stored id}

    def __call__(self, column: str, value: Any) -> Any:
        choices = self.options.get(column)
        if choices is None or _is_missing(value):
            return value
        if value in choices:
            return choices[value]
        raise InvalidValue(f"{column}: pick one of the offered choices (search to find more).")


def _checked_row(table: Table, values: dict[str, Any], decode: Decoder, writable: set[str],
                 skip_missing: bool = False) -> dict[str, Any]:
    """Coerced writable values; with skip_missing (inserts) an empty cell means "the column's default"."""
    checked = {}
    for name, value in values.items():
        col = table.column(name)  # a name outside the whitelist is refused here
        if skip_missing and (_is_missing(value) or (value == "" and not col.required)):
            continue
        if name not in writable:
            raise InvalidValue(f"{name} is kept by the server and cannot be edited.")
        checked[name] = coerce(col, decode(name, value))
        if (table.name, name) in BIRTH_DATES and checked[name] is not None and checked[name] > date.today():
            raise InvalidValue(f"{name} cannot be in the future.")
    return checked


def diff(table: Table, original: list[dict[str, Any]], state: dict[str, Any],
         decode: Decoder | None = None) -> ChangeSet:
    """Compute the changes from st.data_editor's state ({"edited_rows", "added_rows", "deleted_rows"}) over
    the `original` rows of the page (positions match the grid's rows). Raises InvalidChanges listing every
    row that cannot be saved."""
    decode = decode or Decoder()
    writable = set(table.columns) - read_only_columns(table)
    changes = ChangeSet(table.name)
    problems: list[RowProblem] = []
    deleted = {int(i) for i in state.get("deleted_rows", [])}

    for position in sorted(deleted):
        changes.deletes.append({k: original[position][k] for k in table.primary_key})
        changes.deleted_values.append({k: v for k, v in original[position].items() if k not in table.primary_key})

    for position, edited in sorted(((int(i), e) for i, e in state.get("edited_rows", {}).items())):
        if position in deleted or position >= len(original):
            continue
        old = original[position]
        key = {k: old[k] for k in table.primary_key}
        try:
            checked = _checked_row(table, edited, decode, writable)
        except InvalidValue as exc:
            problems.append(RowProblem(row_label(key), str(exc)))
            continue
        changed = {name: value for name, value in checked.items() if value != old.get(name)}
        if changed:
            changes.updates.append(Update(key, changed, {name: old.get(name) for name in changed}))

    added = [row for row in state.get("added_rows", []) if any(not _is_missing(v) for v in row.values())]
    if added and table.name in NO_INSERT_TABLES:
        problems.append(RowProblem(new_row_label(0), NO_INSERT_TABLES[table.name]))
        added = []
    for position, row in enumerate(added):
        try:
            checked = _checked_row(table, row, decode, writable, skip_missing=True)
            missing = [c.name for c in table.columns.values()
                       if c.required and c.name in writable and c.name not in checked]
            if missing:
                raise InvalidValue(f"fill in {', '.join(missing)}.")
        except InvalidValue as exc:
            problems.append(RowProblem(new_row_label(position), str(exc)))
            continue
        changes.inserts.append(checked)

    if problems:
        raise InvalidChanges(problems)
    return changes


def preview_rows(changes: ChangeSet) -> list[dict[str, str]]:
    """One line per change for the confirmation table: what happens to which row."""
    lines = []
    for key, values in zip(changes.deletes, changes.deleted_values, strict=False):
        lines.append({"change": "delete", "row": row_label(key),
                      "values": "; ".join(f"{k}: {_shown(v)}" for k, v in values.items())})
    for upd in changes.updates:
        values = "; ".join(f"{k}: {_shown(upd.old.get(k))} → {_shown(v)}" for k, v in upd.changes.items())
        lines.append({"change": "update", "row": row_label(upd.key), "values": values})
    for position, row in enumerate(changes.inserts):
        lines.append({"change": "insert", "row": new_row_label(position),
                      "values": "; ".join(f"{k}: {_shown(v)}" for k, v in row.items())})
    return lines


def _shown(value: Any) -> str:
    if value is None:
        return "(empty)"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


# What a row of each table is called in a sentence: (one, several).
ROW_NOUNS = {
    "media": ("title", "titles"), "episodes": ("episode", "episodes"), "genres": ("genre", "genres"),
    "people": ("person", "people"), "media_genres": ("genre link", "genre links"),
    "media_cast": ("cast credit", "cast credits"), "media_crew": ("crew credit", "crew credits"),
    "users": ("account", "accounts"), "playlists": ("playlist", "playlists"),
    "playlist_items": ("playlist entry", "playlist entries"),
    "watchlist_items": ("watchlist entry", "watchlist entries"),
    "series_progress": ("series progress record", "series progress records"), "reviews": ("review", "reviews"),
    "friendships": ("friendship", "friendships"), "user_sessions": ("login session", "login sessions"),
    "review_reports": ("review report", "review reports"),
}


def rows_of(table: str, n: int) -> str:
    """'1 episode', '12 episodes', '3 genre links'."""
    one, several = ROW_NOUNS.get(table, (table.replace("_", " "), table.replace("_", " ")))
    return f"{n} {one if n == 1 else several}"


def describe_cascade(counts: Iterable[tuple[str, str, int]]) -> str:
    """("deletes", "episodes", 12), ("clears", "series_progress", 3) -> a sentence for the confirmation."""
    counts = list(counts)
    deletes = [rows_of(table, n) for verb, table, n in counts if verb == "deletes" and n]
    clears = [rows_of(table, n) for verb, table, n in counts if verb == "clears" and n]
    parts = []
    if deletes:
        parts.append("also deletes " + _join(deletes))
    if clears:
        parts.append("clears the reference in " + _join(clears))
    return " and ".join(parts)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _row_of(changes: ChangeSet, operation: str, index: int) -> str:
    if operation == "insert":
        return new_row_label(index)
    key = changes.deletes[index] if operation == "delete" else changes.updates[index].key
    return row_label(key)


def save(actor: str, changes: ChangeSet) -> None:
    """Apply the changes in one transaction as `actor`. Refused rows raise InvalidChanges naming each of them
    (and nothing was written); a broken rule across rows raises DataRuleError; a role without the right
    raises PermissionDenied."""
    try:
        editor.apply_changes(actor, changes.table, changes.inserts,
                             [(u.key, u.changes) for u in changes.updates], changes.deletes)
    except editor.RowsRejected as exc:
        raise InvalidChanges([RowProblem(_row_of(changes, r.operation, r.index), str(r)) for r in exc.rows]) from exc
