"""The SQL of friendships: one row per pair; username_1 asked, and for a 'blocked' row username_1 is the
blocker. The state machine (who may ask, accept, block whom) is core.friends'."""
from __future__ import annotations

from sqlalchemy.engine import Connection

from db.engine import execute, fetch_all, fetch_one

# Similar taste is judged on the least-rated SIMILARITY_SAMPLE of my latest SIMILARITY_RECENT ratings: agreeing
# on a little-known title says more than agreeing on a blockbuster, and it bounds the rows read (a
# blockbuster has thousands of ratings at large scale, a niche title a handful).
SIMILARITY_RECENT = 200
SIMILARITY_SAMPLE = 30
# ... and at most this many matching ratings of others are read, whatever those titles' popularity.
SIMILARITY_ROWS = 500

# The pair (a, b) in either direction.
_PAIR = "((f.username_1 = :a AND f.username_2 = :b) OR (f.username_1 = :b AND f.username_2 = :a))"


def friends_of_sql(param: str = "me") -> str:
    """A subquery (column `friend`) of everyone with an accepted friendship with the user bound to :param,
    for use inside larger queries."""
    return f"""SELECT f.username_2 AS friend FROM friendships f
                WHERE f.username_1 = :{param} AND f.status = 'accepted'
               UNION ALL
               SELECT f.username_1 FROM friendships f
                WHERE f.username_2 = :{param} AND f.status = 'accepted'"""


def overview(username: str) -> list[dict]:
    """Every friendship row that involves the user, seen from their side: {other, firstname, lastname,
    status, outgoing (True when the user asked / blocked), created_at}. One query."""
    return fetch_all(
        """SELECT x.other, u.firstname, u.lastname, x.status, x.outgoing, x.created_at
             FROM (SELECT f.username_2 AS other, f.status, 1 AS outgoing, f.created_at
                     FROM friendships f WHERE f.username_1 = :me
                   UNION ALL
                   SELECT f.username_1, f.status, 0, f.created_at
                     FROM friendships f WHERE f.username_2 = :me) x
             JOIN users u ON u.username = x.other
            ORDER BY x.created_at DESC, x.other""",
        me=username)


def suggestions(username: str, limit: int = 8) -> list[dict]:
    """People the user may know: friends of friends (how many mutual friends) and people who rated the same
    titles within one point (how many, among a bounded sample of the user's ratings, so someone with
    thousands of ratings costs no more; who rated a title within a point is read from ix_reviews_media_rating
    alone, which holds the username: migration 0017). Excludes anyone the user already has any row with. One
    query."""
    # Every branch and test is written to follow an index: an OR across username_1/username_2 would make
    # the server read all accepted friendships once per friend.
    rows = fetch_all(
        f"""SELECT s.username, u.firstname, u.lastname, s.mutual_friends, s.similar_ratings
              FROM (SELECT c.username, SUM(c.mutual) AS mutual_friends, SUM(c.similar) AS similar_ratings
                      FROM (SELECT f2.username_2 AS username, 1 AS mutual, 0 AS similar
                              FROM ({friends_of_sql()}) mine
                              JOIN friendships f2 ON f2.username_1 = mine.friend AND f2.status = 'accepted'
                            UNION ALL
                            SELECT f2.username_1, 1, 0
                              FROM ({friends_of_sql()}) mine
                              JOIN friendships f2 ON f2.username_2 = mine.friend AND f2.status = 'accepted'
                            UNION ALL
                            SELECT sim.username, 0, 1 FROM (
                            SELECT theirs.username
                              FROM (SELECT latest.media_id, latest.rating
                                      FROM (SELECT r.media_id, r.rating FROM reviews r
                                             WHERE r.username = :me AND r.rating IS NOT NULL
                                             ORDER BY r.created_at DESC LIMIT {SIMILARITY_RECENT}) latest
                                      JOIN media m ON m.media_id = latest.media_id
                                     ORDER BY m.rating_count, latest.media_id LIMIT {SIMILARITY_SAMPLE}) my
                              JOIN reviews theirs
                                ON theirs.media_id = my.media_id
                               AND theirs.rating BETWEEN my.rating - 1 AND my.rating + 1
                             LIMIT {SIMILARITY_ROWS}) sim) c
                     WHERE c.username <> :me
                       AND NOT EXISTS (SELECT 1 FROM friendships f
                                        WHERE f.username_1 = :me AND f.username_2 = c.username)
                       AND NOT EXISTS (SELECT 1 FROM friendships f
                                        WHERE f.username_1 = c.username AND f.username_2 = :me)
                     GROUP BY c.username
                     ORDER BY mutual_friends DESC, similar_ratings DESC, c.username LIMIT :lim) s
              JOIN users u ON u.username = s.username
             ORDER BY s.mutual_friends DESC, s.similar_ratings DESC, s.username""",
        me=username, lim=limit)
    for row in rows:  # SUM() comes back as a Decimal
        row["mutual_friends"], row["similar_ratings"] = int(row["mutual_friends"]), int(row["similar_ratings"])
    return rows


def relation(conn: Connection, a: str, b: str) -> dict | None:
    """The one row between a and b (username_1, username_2, status), locked for the transaction, or None."""
    return fetch_one(f"SELECT f.username_1, f.username_2, f.status FROM friendships f WHERE {_PAIR} FOR UPDATE",
                     conn, a=a, b=b)


def exact_username(conn: Connection, name: str) -> str | None:
    """The stored spelling of a username (compared ignoring case), or None."""
    row = fetch_one("SELECT username FROM users WHERE username = :u", conn, u=name)
    return row["username"] if row else None


def insert(conn: Connection, asker: str, other: str, status: str) -> None:
    execute(conn, "INSERT INTO friendships (username_1, username_2, status) VALUES (:a, :b, :s)",
            a=asker, b=other, s=status)


def delete_row(conn: Connection, username_1: str, username_2: str) -> None:
    execute(conn, "DELETE FROM friendships WHERE username_1 = :a AND username_2 = :b", a=username_1, b=username_2)


def accept_pending(conn: Connection, requester: str, addressee: str) -> int:
    """Turn requester's pending request to addressee into a friendship; returns rows changed (0 or 1)."""
    return execute(conn, """UPDATE friendships SET status = 'accepted'
                             WHERE username_1 = :other AND username_2 = :me AND status = 'pending'""",
                   other=requester, me=addressee).rowcount


def delete_pending(conn: Connection, asker: str, addressee: str) -> int:
    return execute(conn, """DELETE FROM friendships
                             WHERE username_1 = :asker AND username_2 = :addressee AND status = 'pending'""",
                   asker=asker, addressee=addressee).rowcount


def delete_friendship(conn: Connection, a: str, b: str) -> int:
    return execute(conn, f"DELETE f FROM friendships f WHERE {_PAIR} AND f.status = 'accepted'", a=a, b=b).rowcount


def delete_block(conn: Connection, blocker: str, blocked: str) -> int:
    return execute(conn, """DELETE FROM friendships
                             WHERE username_1 = :me AND username_2 = :other AND status = 'blocked'""",
                   me=blocker, other=blocked).rowcount


def profile_row(viewer: str, username: str) -> dict | None:
    """Another user's names and the friendship between them and viewer (status, outgoing), or None."""
    return fetch_one(
        """SELECT u.username, u.firstname, u.lastname, f.status, f.username_1 = :a AS outgoing
             FROM users u
             LEFT JOIN friendships f ON (f.username_1 = :a AND f.username_2 = u.username)
                                     OR (f.username_1 = u.username AND f.username_2 = :a)
            WHERE u.username = :b""",
        a=viewer, b=username)


def their_playlists(username: str) -> list[dict]:
    """A friend's playlists with item counts (one query). The friend check is the caller's profile()."""
    return fetch_all(
        """SELECT p.playlist_id, p.name, p.description, COUNT(pi.media_id) AS item_count
             FROM playlists p LEFT JOIN playlist_items pi ON pi.playlist_id = p.playlist_id
            WHERE p.username = :u GROUP BY p.playlist_id, p.name, p.description ORDER BY p.name""",
        u=username)


def recent_ratings(username: str, limit: int = 10) -> list[dict]:
    """A user's latest visible ratings with the title (one query); reviews without stars are left out."""
    return fetch_all(
        """SELECT r.media_id, m.title, m.release_year, r.rating, r.updated_at
             FROM reviews r JOIN media m ON m.media_id = r.media_id
            WHERE r.username = :u AND r.hidden_by IS NULL AND r.rating IS NOT NULL
            ORDER BY r.updated_at DESC, r.review_id DESC LIMIT :lim""",
        u=username, lim=limit)


def both_rated(me: str, other: str, limit: int = 20) -> list[dict]:
    """Titles both users rated, with both ratings, closest agreement first (one query)."""
    return fetch_all(
        """SELECT m.media_id, m.title, m.release_year, mine.rating AS my_rating, theirs.rating AS their_rating
             FROM reviews mine
             JOIN reviews theirs ON theirs.media_id = mine.media_id AND theirs.username = :other
             JOIN media m ON m.media_id = mine.media_id
            WHERE mine.username = :me AND theirs.hidden_by IS NULL
              AND mine.rating IS NOT NULL AND theirs.rating IS NOT NULL
            ORDER BY ABS(mine.rating - theirs.rating), m.title LIMIT :lim""",
        me=me, other=other, lim=limit)


def mutual_friends(me: str, other: str) -> list[dict]:
    """Users who are friends with both (one query)."""
    return fetch_all(
        f"""SELECT u.username, u.firstname, u.lastname
              FROM ({friends_of_sql("me")}) mine
              JOIN ({friends_of_sql("other")}) theirs ON theirs.friend = mine.friend
              JOIN users u ON u.username = mine.friend
             ORDER BY u.username""",
        me=me, other=other)
