"""What the in-memory search index (core/search_index.py) reads: the catalog version, and titles and people."""
from __future__ import annotations

from db.engine import fetch_one, read


def catalog_version() -> tuple[str, int] | None:
    """(generation, changes) of the catalog_version row: it moves whenever a title or a name is added, removed
    or renamed. One primary-key read."""
    row = fetch_one("SELECT generation, changes FROM catalog_version WHERE id = 1")
    return (row["generation"], int(row["changes"])) if row else None


def index_rows() -> tuple[list[tuple], list[tuple]]:
    """(titles, people) for the index: (media_id, title, rating_count, description) and (person_id, name,
    credits). Two statements on one connection; only when the catalog changed since this process last read
    it."""
    with read() as conn:
        titles = conn.exec_driver_sql("SELECT media_id, title, rating_count, description FROM media").fetchall()
        people = conn.exec_driver_sql("""
            SELECT p.person_id, p.name, COALESCE(c.credits, 0)
              FROM people p
              LEFT JOIN (SELECT person_id, COUNT(*) AS credits FROM (
                           SELECT person_id FROM media_cast UNION ALL SELECT person_id FROM media_crew) a
                          GROUP BY person_id) c ON c.person_id = p.person_id""").fetchall()
    return [tuple(r) for r in titles], [tuple(r) for r in people]
