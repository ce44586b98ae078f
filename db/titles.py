"""Adding one title with everything it has, and keeping a series' episodes in step with its provider. Each
function is one statement whatever the number of rows (multi-row INSERTs), so adding a title costs the same
few statements for a film and for a series of 500 episodes."""
from __future__ import annotations

from sqlalchemy.engine import Connection

from db.core import execute, execute_many, fetch_all, fetch_one, read

PROVIDER_COLUMNS = {"tmdb": "tmdb_id", "tvmaze": "tvmaze_id"}
MEDIA_COLUMNS = ("title", "original_title", "original_language", "description", "release_year", "media_type",
                 "airing_status", "runtime_minutes", "poster_image_url", "imdb_id", "tmdb_id", "tvmaze_id")


def find_existing(conn: Connection | None, *, imdb_id: str | None, tmdb_id: int | None, tvmaze_id: int | None,
                  media_type: str, key: str | None, year: int | None, ignored: str) -> dict | None:
    """The title already in the catalog: same IMDb id, else same provider id, else the same normalised title
    (`key`, with `ignored` characters removed on the SQL side) and year. One statement."""
    return fetch_one(
        """SELECT media_id, title, how FROM (
             SELECT media_id, title, 1 AS how FROM media WHERE imdb_id = :imdb
             UNION ALL SELECT media_id, title, 2 FROM media WHERE tmdb_id = :tmdb AND media_type = :type
             UNION ALL SELECT media_id, title, 2 FROM media WHERE tvmaze_id = :tvmaze
             UNION ALL SELECT media_id, title, 3 FROM media
                        WHERE release_year = :year AND LOWER(REGEXP_REPLACE(title, :ignored, '')) = :key
           ) found ORDER BY how, media_id LIMIT 1""",
        conn, imdb=imdb_id, tmdb=tmdb_id, tvmaze=tvmaze_id, type=media_type, year=year, key=key, ignored=ignored)


def known_provider_ids(hits: list[tuple[str, int, str]]) -> dict[tuple[str, int, str], int]:
    """{(provider, provider id, media type): media_id} for search hits already in the catalog. One statement."""
    tmdb = [h[1] for h in hits if h[0] == "tmdb"] or [-1]
    tvmaze = [h[1] for h in hits if h[0] == "tvmaze"] or [-1]
    with read() as conn:
        rows = conn.exec_driver_sql(f"SELECT media_id, media_type, tmdb_id, tvmaze_id FROM media "
                                    f"WHERE tmdb_id IN ({_marks(tmdb)}) OR tvmaze_id IN ({_marks(tvmaze)})",
                                    (*tmdb, *tvmaze)).mappings().all()
    found = {}
    for r in rows:
        if r["tmdb_id"] is not None:
            found[("tmdb", r["tmdb_id"], r["media_type"])] = r["media_id"]
        if r["tvmaze_id"] is not None:
            found[("tvmaze", r["tvmaze_id"], "Series")] = r["media_id"]
    return found


def insert_media(conn: Connection, row: dict) -> int:
    columns = ", ".join(MEDIA_COLUMNS)
    marks = ", ".join(f":{c}" for c in MEDIA_COLUMNS)
    result = execute(conn, f"INSERT INTO media ({columns}, last_refreshed_at) VALUES ({marks}, NOW())",
                     **{c: row.get(c) for c in MEDIA_COLUMNS})
    return result.lastrowid


def _marks(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def _many(conn: Connection, sql: str, rows: list[tuple]) -> int:
    """One multi-row statement (the connector batches an INSERT's executemany into one)."""
    if not rows:
        return 0
    return execute_many(conn, sql, rows).rowcount


def link_genres(conn: Connection, media_id: int, names: list[str]) -> None:
    """Make the genres that are missing and link them: two statements."""
    if not names:
        return
    _many(conn, "INSERT INTO genres (name) VALUES (%s) ON DUPLICATE KEY UPDATE genre_id = genre_id",
          [(n,) for n in names])
    execute_many(conn, f"INSERT INTO media_genres (media_id, genre_id) SELECT %s, genre_id FROM genres "
                       f"WHERE name IN ({_marks(names)})", [(media_id, *names)])


def upsert_people(conn: Connection, people: list[tuple]) -> dict[tuple[str, int], int]:
    """people: (name, tmdb_id, tvmaze_id, photo_url). Adds those not known by their provider id; returns
    {("tmdb"|"tvmaze", id): person_id} for all of them. Two statements."""
    if not people:
        return {}
    _many(conn, "INSERT INTO people (name, tmdb_id, tvmaze_id, photo_url) VALUES (%s, %s, %s, %s) "
                "ON DUPLICATE KEY UPDATE person_id = person_id", people)
    tmdb = [p[1] for p in people if p[1] is not None] or [-1]
    tvmaze = [p[2] for p in people if p[2] is not None] or [-1]
    found = {}
    for r in conn.exec_driver_sql(f"SELECT person_id, tmdb_id, tvmaze_id FROM people "
                                  f"WHERE tmdb_id IN ({_marks(tmdb)}) OR tvmaze_id IN ({_marks(tvmaze)})",
                                  (*tmdb, *tvmaze)).mappings():
        if r["tmdb_id"] is not None:
            found[("tmdb", r["tmdb_id"])] = r["person_id"]
        if r["tvmaze_id"] is not None:
            found[("tvmaze", r["tvmaze_id"])] = r["person_id"]
    return found


def insert_cast(conn: Connection, rows: list[tuple]) -> None:
    """rows: (media_id, person_id, character_name, cast_order)."""
    _many(conn, "INSERT INTO media_cast (media_id, person_id, character_name, cast_order) VALUES (%s, %s, %s, %s)",
          rows)


def insert_crew(conn: Connection, rows: list[tuple]) -> None:
    """rows: (media_id, person_id, role)."""
    _many(conn, "INSERT INTO media_crew (media_id, person_id, role) VALUES (%s, %s, %s)", rows)


def insert_episodes(conn: Connection, rows: list[tuple]) -> None:
    """rows: (media_id, season_number, episode_number, title, air_date, runtime_minutes)."""
    _many(conn, "INSERT INTO episodes (media_id, season_number, episode_number, title, air_date, runtime_minutes) "
                "VALUES (%s, %s, %s, %s, %s, %s)", rows)


# --- refresh ------------------------------------------------------------------------------------------------

def series_to_refresh(limit: int, older_than_hours: float) -> list[dict]:
    """Running series with a provider id, least recently refreshed first."""
    return fetch_all(
        """SELECT media_id, title, tmdb_id, tvmaze_id FROM media
            WHERE media_type = 'Series' AND airing_status = 'running'
              AND (tvmaze_id IS NOT NULL OR tmdb_id IS NOT NULL)
              AND (last_refreshed_at IS NULL OR last_refreshed_at <= NOW() - INTERVAL :minutes MINUTE)
            ORDER BY last_refreshed_at IS NOT NULL, last_refreshed_at, media_id LIMIT :limit""",
        minutes=int(older_than_hours * 60), limit=limit)


def episode_keys(conn: Connection, media_id: int) -> dict[tuple[int, int], tuple]:
    """{(season, number): (title, air_date, runtime_minutes)} of a series, locked for the refresh."""
    rows = fetch_all("SELECT season_number, episode_number, title, air_date, runtime_minutes FROM episodes "
                     "WHERE media_id = :m FOR UPDATE", conn, m=media_id)
    return {(r["season_number"], r["episode_number"]): (r["title"], r["air_date"], r["runtime_minutes"])
            for r in rows}


def upsert_episodes(conn: Connection, rows: list[tuple]) -> None:
    """rows as insert_episodes; an episode already there takes the new title, air date and runtime."""
    _many(conn, "INSERT INTO episodes (media_id, season_number, episode_number, title, air_date, runtime_minutes) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON DUPLICATE KEY UPDATE title = VALUES(title), "
                "air_date = VALUES(air_date), runtime_minutes = VALUES(runtime_minutes)", rows)


def mark_refreshed(conn: Connection, media_id: int, airing_status: str | None) -> None:
    execute(conn, "UPDATE media SET airing_status = COALESCE(:s, airing_status), last_refreshed_at = NOW() "
                  "WHERE media_id = :m", s=airing_status, m=media_id)
