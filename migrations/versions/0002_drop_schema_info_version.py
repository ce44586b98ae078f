"""schema_info.version goes: alembic_version holds the schema's revision now.

schema_info stays as the reset's marker (scale, seed, whether the load completed).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql("ALTER TABLE schema_info DROP COLUMN version")


def downgrade() -> None:
    # Every database the first schema's code wrote had version 1.
    op.get_bind().exec_driver_sql("ALTER TABLE schema_info ADD COLUMN version INT NOT NULL DEFAULT 1 AFTER id")
