"""Per-row trigger work a bulk catalog import does not need: catalog_version's bumps, the episodes guard

0006's triggers bump catalog_version once for every title or person added, removed or renamed. A bulk
import of a million titles and two million people then updates that one row three million times (each an
undo record, in the same transaction as the batch): 100,000 people loaded into a copy of the table at
38,000-104,000 rows/s with the bump and 88,000-147,000 without it (2 cores shared with other work). With @streamsync_bulk_load set (db.bulk's
bulk_session) they now do nothing, and the bulk writer bumps the counter itself when it has changed titles
or names (core.catalog_import.session). The reset recreates the database, so its catalog_version row starts
with a new generation anyway.

episodes_guard_bi looks the series up for every episode inserted (an episode belongs to a Series): the
import's episode merge ran at 44,000-93,000 rows/s into a copy of episodes with that trigger and at
270,000-360,000 without it. The merge's INSERT ... SELECT takes its series from
a join that keeps only media_type = 'Series', so the rule holds by construction there: it sets
@streamsync_series_checked = 1 around that one statement and the guard skips its lookup. Everything else
(the reset's bulk load included) is still guarded row by row.

Revision ID: 0012
Revises: 0010
Create Date: 2026-11-30
"""
from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None

# (table, event, condition) as 0006 made them: the catalog changes the search index must see.
_BUMPS = [
    ("media", "INSERT", None),
    ("media", "DELETE", None),
    ("media", "UPDATE", ("NOT (CAST(OLD.title AS BINARY) <=> CAST(NEW.title AS BINARY) "
                         "AND OLD.release_year <=> NEW.release_year AND OLD.media_type <=> NEW.media_type)")),
    ("people", "INSERT", None),
    ("people", "DELETE", None),
    ("people", "UPDATE", "NOT (CAST(OLD.name AS BINARY) <=> CAST(NEW.name AS BINARY))"),
]
_BULK = "@streamsync_bulk_load IS NULL"


def _trigger_name(table: str, event: str) -> str:
    return f"{table}_catalog_version_a{event[0].lower()}"


def _bump_trigger(table: str, event: str, condition: str | None) -> str:
    bump = "UPDATE catalog_version SET changes = changes + 1 WHERE id = 1;"
    body = f"IF {condition} THEN\n    {bump}\n  END IF;" if condition else bump
    return (f"CREATE TRIGGER {_trigger_name(table, event)} AFTER {event} ON {table} FOR EACH ROW\n"
            f"BEGIN\n  {body}\nEND")


def _guard(skip_checked: bool) -> str:
    checked = "@streamsync_series_checked IS NULL\n     AND " if skip_checked else ""
    return f"""CREATE TRIGGER episodes_guard_bi BEFORE INSERT ON episodes FOR EACH ROW
BEGIN
  IF {checked}NOT EXISTS (SELECT 1 FROM media m WHERE m.media_id = NEW.media_id AND m.media_type = 'Series') THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Episodes can only belong to a Series, not to a Movie.';
  END IF;
END"""


def _replace(for_bulk: bool) -> None:
    conn = op.get_bind()
    for table, event, condition in _BUMPS:
        if for_bulk:
            condition = f"{_BULK} AND {condition}" if condition else _BULK
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_trigger_name(table, event)}")
        conn.exec_driver_sql(_bump_trigger(table, event, condition))
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS episodes_guard_bi")
    conn.exec_driver_sql(_guard(skip_checked=for_bulk))


def upgrade() -> None:
    _replace(for_bulk=True)


def downgrade() -> None:
    _replace(for_bulk=False)
