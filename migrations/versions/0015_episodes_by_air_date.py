"""An index on each series' episodes by air date: "Upcoming" (Home and Progress) read every episode of every
series a viewer follows to keep the few that air today or later (46 rows per series, 99% thrown away, 1.4 to
3.8 ms a render for a large-scale viewer following 14 to 40 series). With (media_id, air_date) it reads only
the coming ones.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30
"""
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql("ALTER TABLE episodes ADD KEY ix_episodes_air (media_id, air_date)")


def downgrade() -> None:
    op.get_bind().exec_driver_sql("ALTER TABLE episodes DROP KEY ix_episodes_air")
