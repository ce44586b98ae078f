"""Title neighbours for recommendations, and a catalog version for the search index

- media_neighbours: what `manage.py train-recommender` learns, one row per (source title, neighbour title)
  with the learned weight. Training fills a copy and swaps it in whole with RENAME TABLE, so readers see the
  old table or the new one, never half of one. No foreign keys on purpose: a title deleted while training
  runs must not fail the load; readers join media, so a deleted title's rows simply find nothing.
- catalog_version: one row whose counter triggers bump when a title or a person is added, removed or renamed.
  Each app process keeps its typo-tolerant search index in memory and rebuilds it when this row changes
  (one primary-key read per search), so several app processes stay in step. `generation` is new whenever
  the schema is built again (a reset), so a counter that starts over is not mistaken for an old one.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# (table, event, condition): the catalog changes the search index must see. Updates count only when a
# searched column changes: the rating triggers update media on every review.
_BUMPS = [
    ("media", "INSERT", None),
    ("media", "DELETE", None),
    ("media", "UPDATE", ("NOT (CAST(OLD.title AS BINARY) <=> CAST(NEW.title AS BINARY) "
                         "AND OLD.release_year <=> NEW.release_year AND OLD.media_type <=> NEW.media_type)")),
    ("people", "INSERT", None),
    ("people", "DELETE", None),
    ("people", "UPDATE", "NOT (CAST(OLD.name AS BINARY) <=> CAST(NEW.name AS BINARY))"),
]


def _trigger_name(table: str, event: str) -> str:
    return f"{table}_catalog_version_a{event[0].lower()}"


def _bump_trigger(table: str, event: str, condition: str | None) -> str:
    bump = "UPDATE catalog_version SET changes = changes + 1 WHERE id = 1;"
    body = f"IF {condition} THEN\n    {bump}\n  END IF;" if condition else bump
    return (f"CREATE TRIGGER {_trigger_name(table, event)} AFTER {event} ON {table} FOR EACH ROW\n"
            f"BEGIN\n  {body}\nEND")


def upgrade() -> None:
    conn = op.get_bind()
    conn.exec_driver_sql("""
        CREATE TABLE media_neighbours (
          media_id     INT   NOT NULL,
          neighbour_id INT   NOT NULL,
          weight       FLOAT NOT NULL,
          PRIMARY KEY (media_id, neighbour_id),
          KEY ix_media_neighbours_neighbour (neighbour_id, weight)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci""")
    conn.exec_driver_sql("""
        CREATE TABLE catalog_version (
          id         TINYINT         NOT NULL DEFAULT 1,
          generation CHAR(36)        NOT NULL,
          changes    BIGINT UNSIGNED NOT NULL DEFAULT 0,
          PRIMARY KEY (id),
          CONSTRAINT ck_catalog_version_one CHECK (id = 1)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci""")
    conn.exec_driver_sql("INSERT INTO catalog_version (id, generation, changes) VALUES (1, UUID(), 0)")
    for table, event, condition in _BUMPS:
        conn.exec_driver_sql(_bump_trigger(table, event, condition))


def downgrade() -> None:
    conn = op.get_bind()
    for table, event, _ in _BUMPS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_trigger_name(table, event)}")
    conn.exec_driver_sql("DROP TABLE IF EXISTS catalog_version")
    conn.exec_driver_sql("DROP TABLE IF EXISTS media_neighbours")
