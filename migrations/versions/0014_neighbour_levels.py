"""media_neighbours gets `level`, so a recommendation can read only the strongest neighbours of each of a
user's signals with one index lookup per signal.

Levels are nested: level L (1-8) holds on average 2^L - 1 rows per source, the rows with the largest
|weight| over all sources (training decides, core.recommend_model.strength_levels); level 8 holds every
neighbour. A row is stored once per level that holds it (about twice the rows), because the primary key
(media_id, level, neighbour_id) then gives each signal's chosen depth as one contiguous equality read:
MariaDB and MySQL join by `ref` on an equality but will not bound a joined range (rank <= depth) by another
table's column, so a rank column would read every neighbour of a signal and filter. Readers that want all
of a source's neighbours read level 8. Each source also has a row to itself at every level, weight -1e30:
a user's own titles sink out of their scores in the same aggregation, so only a few best scores need
checking against the rest of their history. Existing rows go into levels by their rank within their
source (2^L - 1 strongest in level L) until the next training.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_TABLE = "media_neighbours"
_NEW = "media_neighbours_levelled"
_LEVELS = 8


def _rebuild(definition: str, *selects: str) -> None:
    conn = op.get_bind()
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {_NEW}")
    conn.exec_driver_sql(f"CREATE TABLE {_NEW} ({definition}) "
                         "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci")
    for select in selects:
        conn.exec_driver_sql(f"INSERT INTO {_NEW} {select}")
    conn.exec_driver_sql(f"DROP TABLE {_TABLE}")
    conn.exec_driver_sql(f"RENAME TABLE {_NEW} TO {_TABLE}")


def upgrade() -> None:
    levels = " UNION ALL ".join(f"SELECT {level} AS level" for level in range(1, _LEVELS + 1))
    _rebuild("""
          media_id     INT              NOT NULL,
          level        TINYINT UNSIGNED NOT NULL,
          neighbour_id INT              NOT NULL,
          weight       FLOAT            NOT NULL,
          PRIMARY KEY (media_id, level, neighbour_id),
          KEY ix_media_neighbours_neighbour (neighbour_id, level, weight)""",
             f"""(media_id, level, neighbour_id, weight)
             SELECT r.media_id, l.level, r.neighbour_id, r.weight
               FROM (SELECT media_id, neighbour_id, weight,
                            ROW_NUMBER() OVER (PARTITION BY media_id ORDER BY ABS(weight) DESC, neighbour_id) AS place
                       FROM {_TABLE}) r
               JOIN ({levels}) l ON r.place < POW(2, l.level)""",
             f"""(media_id, level, neighbour_id, weight)
             SELECT s.media_id, l.level, s.media_id, -1e30 FROM (SELECT DISTINCT media_id FROM {_TABLE}) s
              CROSS JOIN ({levels}) l""")


def downgrade() -> None:
    _rebuild("""
          media_id     INT   NOT NULL,
          neighbour_id INT   NOT NULL,
          weight       FLOAT NOT NULL,
          PRIMARY KEY (media_id, neighbour_id),
          KEY ix_media_neighbours_neighbour (neighbour_id, weight)""",
             f"(media_id, neighbour_id, weight) SELECT media_id, neighbour_id, weight FROM {_TABLE} "
             f"WHERE level = {_LEVELS} AND neighbour_id <> media_id")
