"""The first schema, exactly as sql/ built it before migrations: 18 tables, rating, guard and audit triggers.

A database made by reset_database.py before migrations existed has this schema without an alembic_version
table; db.migrations recognises it and stamps it with this revision instead of building it again.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""
from alembic import op

from db import schema

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    for statement in schema.first_schema_statements():
        conn.exec_driver_sql(statement)


def downgrade() -> None:
    # Below the first schema there is nothing but an empty database: dropping every table would lose all
    # data, which no downgrade may do. `manage.py reset` rebuilds from scratch when that is really wanted.
    raise NotImplementedError("The first schema has no downgrade; use `manage.py reset` to start over.")
