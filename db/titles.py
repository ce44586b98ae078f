"""Title reads for Explore and Media details: the search, a title with the viewer's own state, credits,
episodes and the viewer's playlists. Each function is one statement whatever it returns (the search two).
"""
from __future__ import annotations

import json
from typing import Any

from db.engine import fetch_all, fetch_one, scalar
from db.paging import ResultPage

PAGE_SIZE = 24
MAX_ID = 2**31 - 1  # the largest value of the INT primary keys

# ORDER BY per sort key. `{t}` is the table prefix: "m." inside the search, "t." around it (the outer
# query re-sorts the 24 rows the inner one picked). Every order ends on media_id so pages never overlap,
# and each one (apart from relevance) follows an index on media, so an unfiltered page reads 24 index entries.
_ORDER = {
    "relevance": "score DESC, {t}rating_count DESC, {t}media_id DESC",
    "rating": "{t}average_rating DESC, {t}rating_count DESC, {t}media_id DESC",
    "count": "{t}rating_count DESC, {t}media_id DESC",
    "year": "{t}release_year DESC, {t}media_id DESC",
    "title": "{t}title ASC, {t}media_id ASC",
}

# Titles match the search text on title + description (a title-prefix match counts most), and through the
# cast and crew credits of the people whose name matches. Only the PEOPLE_PER_SEARCH best-matching people
# count: a common surname matches thousands of people at 100,000 titles, and their tens of thousands of
# credits would make one search read them all; Explore shows the matching people to pick from instead.
PEOPLE_PER_SEARCH = 50
# A broad filter ("films rated 5 or more") matches most of a large catalog; counting every match would read
# them all on each page view. The count stops here and the page says "more than 10,000 titles".
COUNT_CAP = 10_000
# Matches of the in-memory index (core/search_index.py), bound as one JSON parameter each, and how much each
# kind counts: a title match always ranks above a person's credit, and both above a word found only in a
# description. core.search.rank scores a search sorted by relevance the same way without asking for it.
TITLE_WEIGHT, PERSON_WEIGHT, TEXT_SCORE = 1000, 100, 1
_INDEX_TITLES = f"""SELECT jt.media_id, jt.score * {TITLE_WEIGHT} AS score
                      FROM JSON_TABLE(:title_hits, '$[*]' COLUMNS (media_id INT PATH '$[0]',
                                                                  score DOUBLE PATH '$[1]')) jt"""
_INDEX_PEOPLE = f"""SELECT jp.person_id, jp.score * {PERSON_WEIGHT} AS score
                      FROM JSON_TABLE(:people_hits, '$[*]' COLUMNS (n FOR ORDINALITY, person_id INT PATH '$[0]',
                                                                   score DOUBLE PATH '$[1]')) jp"""
_INDEX_TEXT = f"""SELECT jx.media_id, {TEXT_SCORE} AS score
                    FROM JSON_TABLE(:text_hits, '$[*]' COLUMNS (media_id INT PATH '$')) jx"""


_TITLE_HITS = {
    "fulltext": """SELECT mt.media_id,
                          MATCH(mt.title, mt.description) AGAINST (:ft IN BOOLEAN MODE)
                            + 10 * (mt.title LIKE :prefix ESCAPE '!') AS score
                     FROM media mt WHERE MATCH(mt.title, mt.description) AGAINST (:ft IN BOOLEAN MODE)""",
    # Text FULLTEXT cannot index (short words, punctuation): a prefix LIKE, served by the title index.
    "prefix": "SELECT mt.media_id, 2 AS score FROM media mt WHERE mt.title LIKE :prefix ESCAPE '!'",
}
_TOP_PEOPLE = {
    "fulltext": """SELECT p.person_id, MATCH(p.name) AGAINST (:ft IN BOOLEAN MODE) AS score
                     FROM people p WHERE MATCH(p.name) AGAINST (:ft IN BOOLEAN MODE)
                    ORDER BY score DESC, p.person_id LIMIT :people_cap""",
    "prefix": """SELECT p.person_id, 1 AS score FROM people p WHERE p.name LIKE :prefix ESCAPE '!'
                  ORDER BY p.name, p.person_id LIMIT :people_cap""",
    "index": _INDEX_PEOPLE,
    # The index ranks people by match, then by credits: the first :limit are the ones to show.
    "index_top": f"{_INDEX_PEOPLE} WHERE jp.n <= :limit",
}


def _hits(kind: str, with_people: bool) -> str:
    """SELECT media_id, score for every title the search text finds, one row per title."""
    branches = [_TITLE_HITS[kind]]
    if with_people:
        for credits_table in ("media_cast", "media_crew"):
            branches.append(f"""SELECT c.media_id, tp.score FROM ({_TOP_PEOPLE[kind]}) tp
                                  JOIN {credits_table} c ON c.person_id = tp.person_id""")
    return f"SELECT media_id, SUM(score) AS score FROM ({' UNION ALL '.join(branches)}) hits GROUP BY media_id"


# From my playlists to their items, never the other way: a popular title is in hundreds of playlists, and
# the optimizer, left to itself, read every one of them per row (10.5 ms of a 24-row page at 100,000 titles,
# 1.5 ms this way round).
_IN_MY_LISTS = """(EXISTS (SELECT 1 FROM watchlist_items w WHERE w.username = :me AND w.media_id = t.media_id)
     OR EXISTS (SELECT 1 FROM playlists pl STRAIGHT_JOIN playlist_items pi
                    ON pi.playlist_id = pl.playlist_id AND pi.media_id = t.media_id
                 WHERE pl.username = :me))"""


# What a title's card shows, from media t, with whether it is in one of :me's lists.
_CARD = f"""t.media_id, t.title, t.release_year, t.media_type, t.poster_image_url, t.average_rating,
            t.rating_count, {_IN_MY_LISTS} AS in_my_lists"""


# A page of the search: rows of media_id, title, release_year, media_type, poster_image_url, average_rating,
# rating_count, in_my_lists; `capped`: more than `total` titles match (the count stops at COUNT_CAP).
SearchPage = ResultPage


def _index_hits(parsed: Any, params: dict) -> str:
    params.update(title_hits=parsed.title_hits, people_hits=parsed.people_hits or "[]")
    branches = [_INDEX_TITLES]
    if parsed.text_hits is not None:
        params["text_hits"] = parsed.text_hits
        branches.append(_INDEX_TEXT)
    for credits_table in ("media_cast", "media_crew"):
        branches.append(f"""SELECT c.media_id, tp.score FROM ({_INDEX_PEOPLE}) tp
                              JOIN {credits_table} c ON c.person_id = tp.person_id""")
    return f"SELECT media_id, SUM(score) AS score FROM ({' UNION ALL '.join(branches)}) hits GROUP BY media_id"


def _text_hits(parsed: Any, params: dict) -> str | None:
    """The query for the titles the search text finds (None without text): the typo-tolerant index's
    matches when the caller resolved them (core.search.resolve), else FULLTEXT and prefix matching."""
    if parsed is None:
        return None
    if getattr(parsed, "title_hits", None) is not None:
        return _index_hits(parsed, params)
    params.update(prefix=parsed.like_prefix, people_cap=PEOPLE_PER_SEARCH)
    if parsed.boolean is not None:
        params["ft"] = parsed.boolean
        return _hits("fulltext", True)
    return _hits("prefix", parsed.prefix_names)


def _person_source(person_id: int | None, params: dict) -> str:
    """The JOIN that restricts to one person's titles. A join, not `IN (... UNION ...)`: the optimizer
    cannot turn an IN over a UNION into a semi-join and would probe it once per title."""
    if person_id is None:
        return ""
    params["person_id"] = person_id
    return """JOIN (SELECT pc.media_id FROM media_cast pc WHERE pc.person_id = :person_id
                   UNION SELECT pw.media_id FROM media_crew pw WHERE pw.person_id = :person_id) pf
                ON pf.media_id = m.media_id"""


def _conditions(filters: Any, params: dict) -> list[str]:
    """WHERE conditions on media m for every filter that is set; values are bound, names are generated."""
    where = []
    if filters.media_type:
        where.append("m.media_type = :media_type")
        params["media_type"] = filters.media_type
    if filters.genre_ids:
        params["genre_ids"] = sorted(set(filters.genre_ids))  # an expanding bind (db.engine)
        if filters.genre_mode == "all" and len(params["genre_ids"]) > 1:
            where.append("""m.media_id IN (SELECT mg.media_id FROM media_genres mg WHERE mg.genre_id IN :genre_ids
                                            GROUP BY mg.media_id HAVING COUNT(*) = :genre_count)""")
            params["genre_count"] = len(params["genre_ids"])
        else:
            where.append("m.media_id IN (SELECT mg.media_id FROM media_genres mg WHERE mg.genre_id IN :genre_ids)")
    if filters.year_from is not None:
        where.append("m.release_year >= :year_from")
        params["year_from"] = filters.year_from
    if filters.year_to is not None:
        where.append("m.release_year <= :year_to")
        params["year_to"] = filters.year_to
    if filters.min_rating:
        where.append("m.average_rating >= :min_rating")
        params["min_rating"] = filters.min_rating
    return where


def search_titles(filters: Any, viewer: str, page: int = 1, per_page: int = PAGE_SIZE) -> SearchPage:
    """One page of titles matching filters, each marked when it is in one of viewer's lists (playlists or
    watchlist), with the total.

    The page is picked on narrow rows (the id, what it sorts by, the score) and only its 24 titles are then
    read whole: sorting 9,000 description matches with their titles and poster addresses took half of a
    search's time at 100,000 titles. With search text every hit is scored and sorted anyway, so the same
    statement counts them (COUNT(*) OVER ()): one statement where a second one computed the hits again
    (monsoon, 8,117 matches: 75 -> 43 ms; 'a': 49 -> 31 ms). Without text an index order picks the page
    after 24 entries, and a second statement counts, up to COUNT_CAP (skipped when the first page is not
    full)."""
    params: dict = {"me": viewer, "limit": per_page, "offset": (max(page, 1) - 1) * per_page}
    parsed = filters.parsed
    hits = _text_hits(parsed, params)
    person = _person_source(filters.person_id, params)
    source = (f"JOIN ({hits}) h ON h.media_id = m.media_id " if hits else "") + person
    where = _conditions(filters, params)
    where_sql = ("WHERE " + " AND ".join(where)) if where else ""
    sort = filters.effective_sort()
    order = _ORDER[sort]
    rows = fetch_all(f"""
        SELECT {_CARD}, p.score, p.total FROM (
            SELECT m.media_id, m.rating_count, m.average_rating, m.release_year{", m.title" if sort == "title" else ""},
                   {"h.score" if hits else "0"} AS score, {"COUNT(*) OVER ()" if hits else "NULL"} AS total
              FROM media m {source} {where_sql}
             ORDER BY {order.format(t="m.")} LIMIT :limit OFFSET :offset
        ) p JOIN media t ON t.media_id = p.media_id
        ORDER BY {order.format(t="p.")}""", **params)
    counted = rows[0]["total"] if rows and hits else None
    for row in rows:
        row["in_my_lists"] = bool(row["in_my_lists"])
        del row["score"], row["total"]
    if counted is None and params["offset"] == 0 and len(rows) < per_page:
        counted = len(rows)
    if counted is None:  # no search text, or a page past the last one
        count_params = {k: v for k, v in params.items() if k not in ("me", "limit", "offset")}
        if hits and not person and not where:  # every hit is a title: no need to look each one up in media
            matching = f"SELECT 1 FROM ({hits}) h"
        else:
            matching = f"SELECT 1 FROM media m {source} {where_sql}"
        counted = int(scalar(f"SELECT COUNT(*) FROM ({matching} LIMIT {COUNT_CAP + 1}) capped", **count_params))
    return ResultPage(rows, min(counted, COUNT_CAP), max(page, 1), per_page, capped=counted > COUNT_CAP)


def credited(people_hits: str) -> list[tuple[float, list[int]]]:
    """(score x PERSON_WEIGHT, [media_id, ...]) for each of the index's people (JSON [[person_id, score], ...])
    and kind of credit, cast or crew: what they add to a search ranked in memory (core.search.rank). One
    statement, read by person through the credits' person index; at most PEOPLE_PER_SEARCH people. Each
    person's titles come as one JSON array: 2,300 credits as rows cost 30 ms to turn into Python, as arrays 1."""
    rows = fetch_all(" UNION ALL ".join(
        f"""SELECT tp.score, JSON_ARRAYAGG(c.media_id) AS media_ids FROM ({_INDEX_PEOPLE}) tp
              JOIN {credits_table} c ON c.person_id = tp.person_id GROUP BY tp.person_id, tp.score"""
        for credits_table in ("media_cast", "media_crew")), people_hits=people_hits)
    return [(row["score"], json.loads(row["media_ids"])) for row in rows]


def ranked_page(ranked: list[tuple[int, float]], viewer: str, limit: int, offset: int) -> list[dict]:
    """The rows search_titles gives for one page of titles ranked in memory ((media_id, score), best first,
    core.search.rank), ordered as search_titles orders by relevance: by score, then by today's number of
    ratings. One statement over the given titles only, however many the search found."""
    if not ranked:
        return []
    rows = fetch_all(f"""
        SELECT {_CARD} FROM (
            SELECT m.media_id, m.rating_count, jr.score
              FROM JSON_TABLE(:ranked, '$[*]' COLUMNS (media_id INT PATH '$[0]', score DOUBLE PATH '$[1]')) jr
              JOIN media m ON m.media_id = jr.media_id
             ORDER BY jr.score DESC, m.rating_count DESC, m.media_id DESC LIMIT :limit OFFSET :offset
        ) p JOIN media t ON t.media_id = p.media_id
        ORDER BY {_ORDER["relevance"].format(t="p.")}""", ranked=json.dumps(ranked), me=viewer, limit=limit,
                     offset=offset)
    for row in rows:
        row["in_my_lists"] = bool(row["in_my_lists"])
    return rows


def cards(media_ids: list[int], viewer: str) -> list[dict]:
    """The rows search_titles gives for these titles, in this order (a page of a search the caller kept:
    core.titles.search_titles). A title removed since is left out. One primary-key statement."""
    if not media_ids:
        return []
    found = {row["media_id"]: row for row in fetch_all(f"SELECT {_CARD} FROM media t WHERE t.media_id IN :ids",
                                                        ids=list(media_ids), me=viewer)}
    rows = [found[media_id] for media_id in media_ids if media_id in found]
    for row in rows:
        row["in_my_lists"] = bool(row["in_my_lists"])
    return rows


def matching_people(parsed: Any, limit: int = 8) -> list[dict]:
    """The people whose credits the search counts (see PEOPLE_PER_SEARCH; the index's when the caller
    resolved them, core.search.resolve), best match first, then the most credited: person_id, name, credits
    (how many titles they are in: acting in and directing one title is one title, as their Explore results
    count it). Nobody for a single character."""
    params = {"prefix": parsed.like_prefix, "people_cap": PEOPLE_PER_SEARCH, "limit": limit}
    if not parsed.prefix_names:
        return []
    if getattr(parsed, "people_hits", None) is not None:
        # The typo-tolerant index's people, those whose credits the search counts: no FULLTEXT over 50,000
        # names (a common surname matches thousands of them, 24 ms at 100,000 titles).
        kind, params["people_hits"] = "index_top", parsed.people_hits
    elif parsed.boolean is not None:
        kind, params["ft"] = "fulltext", parsed.boolean
    else:
        kind = "prefix"
    return fetch_all(f"""
        SELECT p.person_id, p.name,
               (SELECT COUNT(*) FROM media_cast c WHERE c.person_id = p.person_id)
             + (SELECT COUNT(DISTINCT w.media_id) FROM media_crew w
                 WHERE w.person_id = p.person_id
                   AND NOT EXISTS (SELECT 1 FROM media_cast c
                                    WHERE c.media_id = w.media_id AND c.person_id = w.person_id)) AS credits
          FROM ({_TOP_PEOPLE[kind]}) tp JOIN people p ON p.person_id = tp.person_id
         ORDER BY tp.score DESC, credits DESC, p.name LIMIT :limit""", **params)


def genres() -> list[dict]:
    """All genres by name: genre_id, name."""
    return fetch_all("SELECT genre_id, name FROM genres ORDER BY name")


def person(person_id: int) -> dict | None:
    """person_id, name of one person, or None."""
    if not 0 < person_id <= MAX_ID:  # outside the INT key's range (a typed link): no such person, no query
        return None
    return fetch_one("SELECT person_id, name FROM people WHERE person_id = :id", id=person_id)


def title_for_viewer(media_id: int, viewer: str) -> dict | None:
    """A title's facts and genres with viewer's own state in one statement: watchlist status, progress
    pointer (with the episode's season and number) and review. None when there is no such title."""
    if not 0 < media_id <= MAX_ID:  # outside the INT key's range (a typed ?id=): no such title, no query
        return None
    row = fetch_one("""
        SELECT m.media_id, m.title, m.description, m.release_year, m.media_type, m.age_rating,
               m.poster_image_url, m.average_rating, m.rating_count, m.runtime_minutes, m.imdb_id,
               (SELECT GROUP_CONCAT(g.name ORDER BY g.name SEPARATOR '|')
                  FROM media_genres mg JOIN genres g ON g.genre_id = mg.genre_id
                 WHERE mg.media_id = m.media_id) AS genre_names,
               w.status AS my_status,
               sp.media_id IS NOT NULL AS my_in_progress, sp.last_watched_episode_id AS my_episode_id,
               sp.current_viewing AS my_viewing,
               e.season_number AS my_season, e.episode_number AS my_episode_number,
               r.review_id AS my_review_id, r.rating AS my_rating, r.review_text AS my_text,
               r.contains_spoilers AS my_spoilers, r.hidden_by AS my_hidden_by,
               r.hidden_reason AS my_hidden_reason, r.updated_at AS my_review_updated_at
          FROM media m
          LEFT JOIN watchlist_items w ON w.media_id = m.media_id AND w.username = :me
          LEFT JOIN series_progress sp ON sp.media_id = m.media_id AND sp.username = :me
          LEFT JOIN episodes e ON e.episode_id = sp.last_watched_episode_id
          LEFT JOIN reviews r ON r.media_id = m.media_id AND r.username = :me
         WHERE m.media_id = :id""", id=media_id, me=viewer)
    if row is None:
        return None
    row["genres"] = row.pop("genre_names").split("|") if row["genre_names"] else []
    row["my_in_progress"] = bool(row["my_in_progress"])
    return row


def credits(media_id: int) -> list[dict]:
    """Cast (in billing order, with character names) then crew (by role): kind, person_id, name, detail."""
    return fetch_all("""
        SELECT 'cast' AS kind, p.person_id, p.name, mc.character_name AS detail, mc.cast_order AS ord
          FROM media_cast mc JOIN people p ON p.person_id = mc.person_id
         WHERE mc.media_id = :id
        UNION ALL
        SELECT 'crew', p.person_id, p.name, CAST(cr.role AS CHAR), CAST(cr.role AS UNSIGNED)
          FROM media_crew cr JOIN people p ON p.person_id = cr.person_id
         WHERE cr.media_id = :id
        ORDER BY kind, ord, name""", id=media_id)


def episodes(media_id: int) -> list[dict]:
    """A series' episodes in watching order: episode_id, season_number, episode_number, code ("S1E2"),
    title, air_date."""
    return fetch_all("""SELECT episode_id, season_number, episode_number,
                               CONCAT('S', season_number, 'E', episode_number) AS code, title, air_date
                          FROM episodes WHERE media_id = :id
                         ORDER BY season_number, episode_number""", id=media_id)


def playlists_with_title(viewer: str, media_id: int) -> list[dict]:
    """viewer's playlists by name, each with item_count and whether it holds media_id (has_title)."""
    rows = fetch_all("""
        SELECT p.playlist_id, p.name,
               (SELECT COUNT(*) FROM playlist_items a WHERE a.playlist_id = p.playlist_id) AS item_count,
               EXISTS (SELECT 1 FROM playlist_items b
                        WHERE b.playlist_id = p.playlist_id AND b.media_id = :id) AS has_title
          FROM playlists p WHERE p.username = :me ORDER BY p.name""", me=viewer, id=media_id)
    for row in rows:
        row["has_title"] = bool(row["has_title"])
    return rows


def landing_counts() -> dict[str, int]:
    """Small instance-wide figures for the landing page: films, series, episodes, members (one statement)."""
    return fetch_one("""SELECT (SELECT COUNT(*) FROM media WHERE media_type = 'Movie') AS movies,
                               (SELECT COUNT(*) FROM media WHERE media_type = 'Series') AS series,
                               (SELECT COUNT(*) FROM episodes) AS episodes,
                               (SELECT COUNT(*) FROM users) AS users""")
