"""import_batches: one row per history import (who, what file, how far it got)

A commit writes in batches, each its own transaction; the batch row is updated inside each of them, so it
always says exactly how many batches were saved, and where and why an import stopped. Watch events written
by an import point at their batch (issue 9's watch_events.import_batch_id).

Revision ID: 0007
Revises: 0009
Create Date: 2026-11-29
"""
from alembic import op

revision = "0007"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql("""
CREATE TABLE import_batches (
  batch_id       INT          NOT NULL AUTO_INCREMENT,
  username       VARCHAR(50)  NOT NULL,
  source         ENUM('letterboxd','imdb','trakt','streamsync') NOT NULL,
  file_name      VARCHAR(255) NOT NULL,
  file_sha256    CHAR(64)     NOT NULL,
  policy         ENUM('keep_mine','take_file','keep_newer') NOT NULL,
  status         ENUM('running','completed','stopped') NOT NULL DEFAULT 'running',
  records_read   INT UNSIGNED NOT NULL DEFAULT 0,
  batches_total  INT UNSIGNED NOT NULL DEFAULT 0,
  batches_done   INT UNSIGNED NOT NULL DEFAULT 0,
  rows_written   INT UNSIGNED NOT NULL DEFAULT 0,
  stopped_reason VARCHAR(500) NULL,
  started_at     DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  finished_at    DATETIME     NULL,
  PRIMARY KEY (batch_id),
  KEY ix_import_batches_user (username, started_at),
  CONSTRAINT fk_import_batches_user FOREIGN KEY (username) REFERENCES users (username)
    ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT ck_import_batches_done CHECK (batches_done <= batches_total)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci""")


def downgrade() -> None:
    op.get_bind().exec_driver_sql("DROP TABLE import_batches")
