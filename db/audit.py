"""Audit triggers generated from one spec (sql/audit_spec.toml): what the activity log records, and how.

The triggers write activity_log rows with the actor from @app_user and, when the work that changed the row
set one, a reason from @app_reason (a lockout after failed logins is the system's act: no actor, a reason).
A bulk load sets @streamsync_bulk_load = 1 to switch them off. Changes are compared byte for byte (BINARY),
because the tables' collation is accent-, case- and trailing-space-insensitive: "Wang" -> "WANG" is an edit.

The generated SQL goes into a migration (frozen there); tests check that the head schema's triggers are
exactly what this module generates from the spec, so a spec change without a migration fails.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from db.config import PROJECT_ROOT

SPEC_FILE = PROJECT_ROOT / "sql" / "audit_spec.toml"
OPERATIONS = (("ai", "INSERT"), ("au", "UPDATE"), ("ad", "DELETE"))


@dataclass(frozen=True)
class AuditedTable:
    name: str
    key: tuple[str, ...]
    logged: tuple[str, ...]
    hidden: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    truncate: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Spec:
    audited: tuple[AuditedTable, ...]
    not_audited: dict[str, str]

    def table(self, name: str) -> AuditedTable:
        return next(t for t in self.audited if t.name == name)


def load_spec(path: Path = SPEC_FILE) -> Spec:
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    audited = tuple(
        AuditedTable(name, tuple(t["key"]), tuple(t["logged"]), tuple(t.get("hidden", ())),
                     tuple(t.get("ignored", ())), dict(t.get("truncate", {})))
        for name, t in raw.get("audited", {}).items())
    return Spec(audited, dict(raw.get("not_audited", {})))


def uncovered(spec: Spec, columns: dict[str, list[str]]) -> list[str]:
    """What the spec fails to account for, given each table's columns; empty when it covers the schema."""
    problems = []
    audited = {t.name: t for t in spec.audited}
    for table, cols in sorted(columns.items()):
        if table in spec.not_audited:
            continue
        if table not in audited:
            problems.append(f"table {table} is neither audited nor in [not_audited]")
            continue
        t = audited[table]
        named = [*t.logged, *t.hidden, *t.ignored]
        for col in cols:
            if named.count(col) != 1:
                problems.append(f"{table}.{col} must be in exactly one of logged, hidden, ignored "
                                f"(it is in {named.count(col)})")
        problems += [f"{table}.{col} is in the spec but not in the table" for col in named if col not in cols]
    problems += [f"table {t} is in the spec but not in the schema"
                 for t in [*audited, *spec.not_audited] if t not in columns]
    return problems


def trigger_name(table: str, suffix: str) -> str:
    return f"{table}_audit_{suffix}"


def _value(t: AuditedTable, row: str, col: str) -> str:
    limit = t.truncate.get(col)
    return f"LEFT({row}.{col}, {limit})" if limit else f"{row}.{col}"


def _same(col: str) -> str:
    """Byte-for-byte equality, NULL-safe: the column collation would call 'Wang' and 'WANG ' equal."""
    return f"CAST(OLD.{col} AS BINARY) <=> CAST(NEW.{col} AS BINARY)"


def _image(t: AuditedTable, row: str, with_hidden: bool = False) -> str:
    pairs = [f"'{c}', {_value(t, row, c)}" for c in t.logged]
    if with_hidden:  # only an UPDATE can say whether a hidden column changed
        pairs += [f"'{c.removesuffix('_hash')}_changed', IF({_same(c)}, FALSE, TRUE)"
                  for c in t.hidden]
    return f"JSON_OBJECT({', '.join(pairs)})"


def _record_id(t: AuditedTable, row: str) -> str:
    if len(t.key) == 1:
        return f"{row}.{t.key[0]}"
    return f"CONCAT_WS(':', {', '.join(f'{row}.{k}' for k in t.key)})"


def _body(t: AuditedTable, operation: str) -> str:
    row = "OLD" if operation == "DELETE" else "NEW"
    if operation == "INSERT":
        details = f"JSON_OBJECT('new', {_image(t, 'NEW')})"
    elif operation == "DELETE":
        details = f"JSON_OBJECT('old', {_image(t, 'OLD')})"
    else:
        details = f"JSON_OBJECT('old', {_image(t, 'OLD')}, 'new', {_image(t, 'NEW', with_hidden=True)})"
    # The reason joins the details only when the work set one, so ordinary rows keep their shape.
    details = f"JSON_MERGE_PATCH({details}, IF(@app_reason IS NULL, JSON_OBJECT(), JSON_OBJECT('reason', @app_reason)))"
    condition = "@streamsync_bulk_load IS NULL"
    if operation == "UPDATE":
        same = " AND ".join(_same(c) for c in (*t.logged, *t.hidden))
        condition += f"\n     AND NOT ({same})"
    return (f"BEGIN\n"
            f"  IF {condition} THEN\n"
            f"    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)\n"
            f"    VALUES (@app_user, '{t.name}', '{operation}', {_record_id(t, row)},\n"
            f"            {details});\n"
            f"  END IF;\n"
            f"END")


@dataclass(frozen=True)
class PastChange:
    """Log rows for the rows of `table` that data loaded with the triggers off never produced: who (`actor`)
    and when (`at`) are SQL over the row (alias r); with `was` (column -> its old SQL value) an UPDATE from
    those old values to the row as it is, else its INSERT."""
    table: str
    actor: str
    at: str
    where: str = "1 = 1"
    was: dict[str, str] = field(default_factory=dict)


def history_statement(spec: Spec, change: PastChange) -> str:
    """An INSERT ... SELECT writing the activity_log rows the table's triggers would have written for `change`:
    the same images of the same columns, so the log reads as if the change had been made through the app."""
    t = spec.table(change.table)
    image = _image(t, "r")
    if change.was:
        old_values = ", ".join(f"'$.{column}', {value}" for column, value in change.was.items())
        # An UPDATE's new image also says whether a hidden column (the password hash) changed: it did not.
        unchanged = ", ".join(f"'$.{column.removesuffix('_hash')}_changed', FALSE" for column in t.hidden)
        new = f"JSON_SET({image}, {unchanged})" if unchanged else image
        operation, details = "UPDATE", f"JSON_OBJECT('old', JSON_SET({image}, {old_values}), 'new', {new})"
    else:
        operation, details = "INSERT", f"JSON_OBJECT('new', {image})"
    return (f"INSERT INTO activity_log (username, table_name, operation, record_id, change_details, changed_at)\n"
            f"SELECT {change.actor}, '{t.name}', '{operation}', {_record_id(t, 'r')}, {details}, {change.at}\n"
            f"  FROM {t.name} r WHERE {change.where}")


def trigger_bodies(spec: Spec) -> dict[str, str]:
    """Trigger name -> body (what information_schema.TRIGGERS.ACTION_STATEMENT holds)."""
    return {trigger_name(t.name, suffix): _body(t, operation)
            for t in spec.audited for suffix, operation in OPERATIONS}


def create_statements(spec: Spec) -> list[str]:
    return [f"CREATE TRIGGER {trigger_name(t.name, suffix)} AFTER {operation} ON {t.name} FOR EACH ROW\n"
            f"{_body(t, operation)}"
            for t in spec.audited for suffix, operation in OPERATIONS]


def drop_statements(trigger_names: list[str]) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}" for name in trigger_names]
