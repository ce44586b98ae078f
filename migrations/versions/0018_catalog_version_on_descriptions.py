"""A title's description edited bumps catalog_version too.

The search index in each app process (core/search_index.py) now holds the words of every description, and
finds a word's titles without FULLTEXT (core.search.text_hits): so an edited description must make every
process rebuild it, as an edited title does. Only media's UPDATE trigger changes; it keeps skipping bulk loads
(0012), whose writer bumps the counter itself for every title it changed (core.catalog_import.session).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01
"""
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_TRIGGER = "media_catalog_version_au"
_SAME_NAME = ("CAST(OLD.title AS BINARY) <=> CAST(NEW.title AS BINARY) "
              "AND OLD.release_year <=> NEW.release_year AND OLD.media_type <=> NEW.media_type")
_SAME_TEXT = "CAST(OLD.description AS BINARY) <=> CAST(NEW.description AS BINARY)"


def _replace(same: str) -> None:
    conn = op.get_bind()
    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_TRIGGER}")
    conn.exec_driver_sql(f"""CREATE TRIGGER {_TRIGGER} AFTER UPDATE ON media FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL AND NOT ({same}) THEN
    UPDATE catalog_version SET changes = changes + 1 WHERE id = 1;
  END IF;
END""")


def upgrade() -> None:
    _replace(f"{_SAME_NAME} AND {_SAME_TEXT}")


def downgrade() -> None:
    _replace(_SAME_NAME)
