"""Schema migrations with alembic: where a database stands, and bringing it to the code's head revision.

The revisions live in migrations/versions/ and hold raw SQL. A database is in one of these states:
- no tables: upgrade builds it from the first revision;
- the first schema made before migrations existed (its tables, no alembic_version): recognised and stamped
  with the first revision, never rebuilt, then upgraded;
- at a known revision: upgraded to head, or already there;
- at a revision the code does not know (newer code ran on it): refused, nothing is changed;
- tables StreamSync did not make: refused, nothing is changed.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, Connection
from sqlalchemy.pool import NullPool

from db import schema
from db.config import PROJECT_ROOT

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
FIRST_REVISION = "0001"


class MigrationRefused(Exception):
    """The database cannot be migrated by this code; the message says why and what to do."""


@dataclass(frozen=True)
class Status:
    current: str | None   # the database's revision; None for a database without alembic_version
    head: str
    pending: tuple[str, ...]  # revisions an upgrade would apply, oldest first
    legacy: bool = False  # the first schema made before migrations: will be stamped, not rebuilt

    @property
    def at_head(self) -> bool:
        return self.current == self.head


def _config(conn: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = conn
    return config


def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head() -> str:
    return scripts().get_current_head()


def history() -> list[tuple[str, str | None, str]]:
    """(revision, down_revision, first line of its docstring), oldest first."""
    revisions = reversed(list(scripts().walk_revisions()))
    return [(r.revision, r.down_revision, (r.doc or "").strip().splitlines()[0]) for r in revisions]


@contextmanager
def connect(url: URL) -> Iterator[Connection]:
    """A connection of its own (no pool) to the database at url, for migrating it."""
    engine = create_engine(url, poolclass=NullPool, connect_args={"connection_timeout": 10})
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def _where(conn: Connection) -> str:
    url = conn.engine.url
    return f"{url.database!r} at {url.host or 'localhost'}:{url.port or 3306}"


def status(conn: Connection) -> Status:
    """Where the database stands. Raises MigrationRefused for an unknown revision or a foreign database."""
    script = scripts()
    current = MigrationContext.configure(conn).get_current_revision()
    legacy = False
    if current is None:
        tables = schema.existing_tables(conn)
        if tables and schema.FIRST_SCHEMA_TABLES <= tables:
            legacy, start = True, FIRST_REVISION
        elif tables:
            raise MigrationRefused(
                f"The database {_where(conn)} holds tables StreamSync did not make "
                f"({', '.join(sorted(tables)[:5])}{', ...' if len(tables) > 5 else ''}); nothing was changed. "
                f"Point STREAMSYNC_DB_URL at another database.")
        else:
            start = None
    else:
        try:
            script.get_revision(current)
        except CommandError as exc:
            raise MigrationRefused(
                f"The database {_where(conn)} is at schema revision {current!r}, which this version of "
                f"StreamSync does not know (newer code was run on it; this code knows up to "
                f"{script.get_current_head()!r}). "
                f"Nothing was changed: run the newer StreamSync, or restore a backup made before it.") from exc
        start = current
    head_rev = script.get_current_head()
    pending = [r.revision for r in script.iterate_revisions(head_rev, start)]
    if legacy:
        pending = [r for r in pending if r != FIRST_REVISION]
    return Status(current, head_rev, tuple(reversed(pending)), legacy)


def upgrade(conn: Connection, target: str = "head") -> Status:
    """Bring the database to `target` (default head); returns the status it had before. Never drops data:
    a legacy first schema is stamped, an unknown revision or foreign tables are refused."""
    before = status(conn)
    config = _config(conn)
    if before.legacy:
        command.stamp(config, FIRST_REVISION)
    command.upgrade(config, target)
    conn.commit()
    return before


def downgrade(conn: Connection, target: str) -> Status:
    before = status(conn)
    command.downgrade(_config(conn), target)
    conn.commit()
    return before


def upgrade_url(url: URL, target: str = "head") -> Status:
    with connect(url) as conn:
        return upgrade(conn, target)


def status_url(url: URL) -> Status:
    with connect(url) as conn:
        return status(conn)


# --- audit revisions -------------------------------------------------------------------------------------------

AUDIT_TEMPLATE = '''"""{message}

Audit triggers generated by db/audit.py from sql/audit_spec.toml (`manage.py migrate audit-revision`).
Frozen here: a later spec change is a later revision.

Revision ID: {revision}
Revises: {down_revision}
Create Date: {date}
"""
from alembic import op

revision = "{revision}"
down_revision = "{down_revision}"
branch_labels = None
depends_on = None

# The triggers this revision creates (read by the next audit revision for its downgrade).
AUDIT_TRIGGERS = [
{upgrade}
]

# The audit triggers before this revision, restored by its downgrade.
PREVIOUS_AUDIT_TRIGGERS = [
{downgrade}
]


def _replace_audit_triggers(statements: list[str]) -> None:
    conn = op.get_bind()
    names = [row[0] for row in conn.exec_driver_sql(
        "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE()")]
    for name in names:
        if name.endswith(("_audit_ai", "_audit_au", "_audit_ad")):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS `{{name}}`")
    for statement in statements:
        conn.exec_driver_sql(statement)


def upgrade() -> None:
    _replace_audit_triggers(AUDIT_TRIGGERS)


def downgrade() -> None:
    _replace_audit_triggers(PREVIOUS_AUDIT_TRIGGERS)
'''


def _current_audit_triggers() -> list[str]:
    """The CREATE TRIGGER statements of the newest audit revision, or of the first schema's sql/04."""
    script = scripts()
    for revision in script.walk_revisions():
        statements = getattr(revision.module, "AUDIT_TRIGGERS", None)
        if statements is not None:
            return list(statements)
    return [s for s in schema.first_schema_statements() if s.startswith("CREATE TRIGGER") and "_audit_" in s]


def next_revision() -> str:
    """The id a new revision takes: one above the highest existing number. Not head + 1: revisions were
    merged out of number order (0007 follows 0009), so the head's number + 1 can be an id already taken."""
    return f"{max(int(r.revision) for r in scripts().walk_revisions()) + 1:04d}"


def write_audit_revision(message: str, today: str) -> Path:
    """A new revision after head that replaces the audit triggers with those the spec generates now."""
    from db import audit  # the generator is needed only here

    def block(statements: list[str]) -> str:
        return "\n".join(f'    """{s}""",' for s in statements)

    down = scripts().get_current_head()
    revision = next_revision()
    slug = "_".join("".join(c if c.isalnum() else " " for c in message.lower()).split()[:5])
    path = MIGRATIONS_DIR / "versions" / f"{revision}_{slug}.py"
    path.write_text(AUDIT_TEMPLATE.format(
        message=message, revision=revision, down_revision=down, date=today,
        upgrade=block(audit.create_statements(audit.load_spec())), downgrade=block(_current_audit_triggers())))
    return path
