"""Small instance-wide figures (landing page)."""
from db.core import fetch_one


def landing_counts() -> dict[str, int]:
    return fetch_one("""SELECT (SELECT COUNT(*) FROM media WHERE media_type = 'Movie') AS movies,
                               (SELECT COUNT(*) FROM media WHERE media_type = 'Series') AS series,
                               (SELECT COUNT(*) FROM episodes) AS episodes,
                               (SELECT COUNT(*) FROM users) AS users""")
