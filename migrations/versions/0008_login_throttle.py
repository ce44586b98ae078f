"""login_throttle: failed logins counted per account name and per client address (issue 14).

Counted per NAME, whether or not the account exists, so the answers never tell which names are real; per
client address too. core.auth turns a count into a growing delay (OWASP's throttling, instead of a fixed
lock a stranger could keep a victim in). The row is locked while an attempt is claimed, so parallel guesses
cannot get past the count. Rows are forgotten after a successful login or a quiet day.

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-29
"""
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql("""
        CREATE TABLE login_throttle (
          throttle_key    VARCHAR(200) NOT NULL,
          failures        INT UNSIGNED NOT NULL DEFAULT 0,
          last_failure_at DATETIME(6)  NOT NULL,
          PRIMARY KEY (throttle_key),
          KEY ix_throttle_last_failure (last_failure_at)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci""")


def downgrade() -> None:
    op.get_bind().exec_driver_sql("DROP TABLE login_throttle")
