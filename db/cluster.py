"""What a MariaDB Galera node says about itself (ops/cluster.py and the multi-host connect use it). These
take a DBAPI connection: they run while SQLAlchemy is still opening one, and on nodes not yet ready."""
from __future__ import annotations


def _pairs(dbapi_connection, sql: str) -> dict[str, str]:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(sql)
        return {str(name): str(value) for name, value in cursor.fetchall()}
    finally:
        cursor.close()


def wsrep_status(dbapi_connection) -> dict[str, str]:
    """The wsrep_* status variables (state, cluster size, position)."""
    return _pairs(dbapi_connection, "SHOW GLOBAL STATUS LIKE 'wsrep%'")


def is_galera(dbapi_connection) -> bool:
    """The server is a node of a MariaDB Galera cluster (wsrep_on; MySQL has no such variable)."""
    return _pairs(dbapi_connection, "SHOW GLOBAL VARIABLES LIKE 'wsrep_on'").get("wsrep_on") == "ON"


def ready(dbapi_connection) -> bool:
    """True unless the server is a Galera node outside the primary component (it would refuse queries with
    error 1047 "WSREP has not yet prepared node for application use"). A server without Galera (wsrep_on
    OFF on MariaDB, no such variable on MySQL) is ready."""
    if not is_galera(dbapi_connection):
        return True
    return wsrep_status(dbapi_connection).get("wsrep_ready") == "ON"


# What the cluster test compares node by node: the rows the app's writes touch, and the rating figures.
_SNAPSHOT = {
    "reviews": "SELECT username, media_id, rating FROM reviews",
    "series_progress": "SELECT username, media_id, last_watched_episode_id FROM series_progress",
    "watchlist_items": "SELECT username, media_id, status FROM watchlist_items",
    "playlist_items": """SELECT p.username, p.name, i.media_id FROM playlists p
                          JOIN playlist_items i ON i.playlist_id = p.playlist_id""",
    "media_ratings": "SELECT media_id, average_rating, rating_count, review_count FROM media",
    "user_sessions": "SELECT token_hash, username FROM user_sessions",
}
# Titles whose stored average or counts differ from their reviews' (the rating triggers keep them exact).
_RATING_MISMATCHES = """
    SELECT COUNT(*) FROM media m
      LEFT JOIN (SELECT media_id, ROUND(AVG(rating), 1) AS average, COUNT(rating) AS rated, COUNT(*) AS reviewed
                   FROM reviews GROUP BY media_id) r ON r.media_id = m.media_id
     WHERE NOT (m.average_rating <=> r.average) OR m.rating_count <> COALESCE(r.rated, 0)
        OR m.review_count <> COALESCE(r.reviewed, 0)"""


def snapshot(dbapi_connection) -> dict[str, set[tuple]]:
    """The rows of _SNAPSHOT on this node, as sets of tuples (the connection has the app's database)."""
    cursor = dbapi_connection.cursor()
    try:
        found = {}
        for name, sql in _SNAPSHOT.items():
            cursor.execute(sql)
            found[name] = {tuple(row) for row in cursor.fetchall()}
        return found
    finally:
        cursor.close()


def rating_mismatches(dbapi_connection) -> int:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(_RATING_MISMATCHES)
        return int(cursor.fetchone()[0])
    finally:
        cursor.close()
