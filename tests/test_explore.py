"""Explore: the search (FULLTEXT words, the prefix path for short text, hostile text), the filters, sorting,
pages of 24 with the total, the "in my lists" mark, the page itself and its statement count."""
from collections import Counter

import pytest

from core import playlists, recent_reads, reviews, titles, watchlist
from core.search import Filters, escape_like, fulltext_words, parse_query, resolve
from db import engine
from db import titles as title_reads
from db import watch_events as events
from tests.apptest import card_grids, cards_shown, open_app, texts
from tests.viewer_helpers import PAGE_BUDGET, button, make_busy_user, make_user, rerun_statements, shown
from ui.card_grid import PENDING_OPEN
from ui.cards import md
from ui.watching import OPEN_DIALOG

pytestmark = pytest.mark.usefixtures("removed_after_test")

HOSTILE = ["' OR 1=1 --", "%", "_", "\\", '"', "<script>alert(1)</script>", "+-*~<>()@", "'; DROP TABLE media; --"]


def all_titles() -> list[dict]:
    return engine.fetch_all("SELECT media_id, title, media_type FROM media")


def ids(page: titles.SearchPage) -> list[int]:
    return [r["media_id"] for r in page.rows]


def everything(filters: Filters, viewer: str) -> list[dict]:
    return titles.search_titles(filters, viewer, per_page=1000).rows


# --- parsing ------------------------------------------------------------------------------------------------
def test_only_words_fulltext_indexes_become_required_prefix_terms():
    assert parse_query("The 3 Idiots").boolean == "+idiots*"
    assert parse_query('+"dil" -(chahta)* ~hai').boolean == "+dil* +chahta* +hai*"
    assert parse_query("   ") is None and parse_query(None) is None


def test_text_fulltext_cannot_index_takes_the_prefix_path_with_wildcards_escaped():
    short = parse_query("ek")
    assert short.boolean is None and short.like_prefix == "ek%"
    assert parse_query("the").boolean is None  # a stopword alone
    assert parse_query("a").prefix_names is False and parse_query("ab").prefix_names is True
    assert parse_query("50% off_!").like_prefix == "50!% off!_!!%"
    assert escape_like("a!b%c_d") == "a!!b!%c!_d"


# --- the search ---------------------------------------------------------------------------------------------
def test_a_word_of_a_title_finds_it_and_so_does_a_person_in_it(demo_db):
    me = make_user()
    target = next(t for t in all_titles() if any(len(w) >= 4 for w in t["title"].split()))
    word = next(w for w in target["title"].split() if len(w) >= 4)
    assert target["media_id"] in ids(titles.search_titles(Filters(query=word.lower()), me, per_page=100))

    person = engine.fetch_one("""SELECT p.person_id, p.name, mc.media_id FROM people p
                                 JOIN media_cast mc ON mc.person_id = p.person_id
                                WHERE CHAR_LENGTH(SUBSTRING_INDEX(p.name, ' ', -1)) >= 4 LIMIT 1""")
    surname = person["name"].split()[-1]
    found = titles.search_titles(Filters(query=surname), me, per_page=100)
    assert person["media_id"] in ids(found)
    assert person["person_id"] in [p["person_id"] for p in titles.matching_people(parse_query(surname))]


def test_a_short_query_matches_the_start_of_titles_and_names(demo_db):
    me = make_user()
    target = all_titles()[0]
    prefix = target["title"][:2]
    found = everything(Filters(query=prefix), me)
    assert target["media_id"] in [r["media_id"] for r in found]
    starts = {t["media_id"] for t in all_titles() if t["title"].lower().startswith(prefix.lower())}
    assert starts <= {r["media_id"] for r in found}


def test_the_total_of_a_search_counts_every_matching_title(demo_db):
    """With search text the page's own statement counts the hits (a page past the last one asks a second
    statement); either way the total must agree with the rows."""
    me = make_user()
    surname = engine.scalar("""SELECT SUBSTRING_INDEX(p.name, ' ', -1) FROM people p
                               JOIN media_cast mc ON mc.person_id = p.person_id
                              WHERE CHAR_LENGTH(SUBSTRING_INDEX(p.name, ' ', -1)) >= 4
                              GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1""")
    prefix = engine.scalar("SELECT LEFT(title, 2) FROM media GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1")
    for filters in (Filters(query=surname), Filters(query=prefix),
                    Filters(query=surname, media_type="Movie")):
        matching = everything(filters, me)
        assert len(matching) > 1
        assert titles.search_titles(filters, me, per_page=1).total == len(matching)
        past_the_end = titles.search_titles(filters, me, page=len(matching) + 1, per_page=1)
        assert past_the_end.rows == [] and past_the_end.total == len(matching)
        resolved = resolve(filters)  # the typo-tolerant index's matches, as Explore searches
        assert titles.search_titles(resolved, me, per_page=1).total == len(everything(resolved, me))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_finds_only_literal_matches(demo_db, text):
    me = make_user()
    before = all_titles()
    found = titles.search_titles(Filters(query=text), me, per_page=1000)
    literal = [t for t in before if t["title"].lower().startswith(text.lower())]
    if parse_query(text).boolean is None:
        assert len(found.rows) == found.total == len(literal)
    assert found.total < len(before)
    assert all_titles() == before  # the text ran as a value, never as SQL


def test_filters_narrow_to_what_they_say(demo_db):
    me = make_user()
    series = everything(Filters(media_type="Series"), me)
    assert series and all(r["media_type"] == "Series" for r in series)

    years = everything(Filters(year_from=2005, year_to=2012), me)
    assert years and all(2005 <= r["release_year"] <= 2012 for r in years)

    rated = everything(Filters(min_rating=7.0), me)
    assert all(r["average_rating"] >= 7 for r in rated)
    assert len(rated) < len(all_titles())

    two = [g["genre_id"] for g in titles.genres()[:2]]
    names = {g["genre_id"]: g["name"] for g in titles.genres()}
    any_of = everything(Filters(genre_ids=tuple(two)), me)
    all_of = everything(Filters(genre_ids=tuple(two), genre_mode="all"), me)
    assert {r["media_id"] for r in all_of} <= {r["media_id"] for r in any_of}
    for row in all_of:
        assert {names[g] for g in two} <= set(titles.title_for_viewer(row["media_id"], me)["genres"])
    for row in any_of:
        assert {names[g] for g in two} & set(titles.title_for_viewer(row["media_id"], me)["genres"])


def test_the_person_filter_keeps_titles_they_act_in_or_crew(demo_db):
    me = make_user()
    person_id = engine.scalar("""SELECT person_id FROM (SELECT person_id FROM media_cast UNION ALL
                                                      SELECT person_id FROM media_crew) c
                               GROUP BY person_id ORDER BY COUNT(*) DESC LIMIT 1""")
    credited = {r["media_id"] for r in engine.fetch_all(
        "SELECT media_id FROM media_cast WHERE person_id = :p "
        "UNION SELECT media_id FROM media_crew WHERE person_id = :p",
        p=person_id)}
    assert {r["media_id"] for r in everything(Filters(person_id=person_id), me)} == credited


@pytest.mark.parametrize("sort, key", [
    ("rating", lambda r: (r["average_rating"] is not None, r["average_rating"] or 0)),
    ("count", lambda r: r["rating_count"]),
    ("year", lambda r: (r["release_year"] is not None, r["release_year"] or 0)),
])
def test_sorts_order_the_whole_result(demo_db, sort, key):
    rows = everything(Filters(sort=sort), make_user())
    assert [key(r) for r in rows] == sorted((key(r) for r in rows), reverse=True)


def test_pages_of_24_cover_every_title_once_with_the_total(demo_db):
    me = make_user()
    total = len(all_titles())
    assert total > 2 * titles.PAGE_SIZE
    seen = []
    pages = -(-total // titles.PAGE_SIZE)
    for page in range(1, pages + 1):
        result = titles.search_titles(Filters(sort="title"), me, page)
        assert result.total == total
        assert len(result.rows) == (titles.PAGE_SIZE if page < pages else total - (pages - 1) * titles.PAGE_SIZE)
        seen += ids(result)
    assert sorted(seen) == sorted(t["media_id"] for t in all_titles())


def test_a_broad_match_is_counted_only_up_to_the_cap(demo_db, monkeypatch):
    monkeypatch.setattr(title_reads, "COUNT_CAP", 30)
    me = make_user()
    broad = titles.search_titles(Filters(sort="title"), me, page=2)
    assert (broad.total, broad.capped) == (30, True)
    assert len(broad.rows) == titles.PAGE_SIZE  # the pages themselves are not cut
    narrow = titles.search_titles(Filters(media_type="Series"), me, page=1)
    assert narrow.capped is False and narrow.total == len([t for t in all_titles() if t["media_type"] == "Series"])
    at = open_app(me, page="app_pages/explore.py")
    assert "more than 30 titles" in texts(at)
    prefix = engine.scalar("SELECT LEFT(title, 1) FROM media GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1")
    searched = titles.search_titles(resolve(Filters(query=prefix)), me)  # counted in the page's statement
    assert len(everything(resolve(Filters(query=prefix)), me)) > 30
    assert (searched.total, searched.capped) == (30, True)


def test_titles_in_my_playlists_or_watchlist_are_marked(demo_db):
    me = make_user()
    rows = titles.search_titles(Filters(sort="title"), me).rows
    in_playlist, on_watchlist = rows[0]["media_id"], rows[1]["media_id"]
    playlists.add_item(me, playlists.create_playlist(me, "Marked"), in_playlist)
    watchlist.set_status(me, on_watchlist, "plan_to_watch")
    marked = {r["media_id"] for r in titles.search_titles(Filters(sort="title"), me).rows if r["in_my_lists"]}
    assert marked == {in_playlist, on_watchlist}
    someone_else = make_user()
    assert not any(r["in_my_lists"] for r in titles.search_titles(Filters(sort="title"), someone_else).rows)


# --- pages of a text search kept for a while (core.titles.search_titles) ------------------------------------
def broad_text() -> str:
    """The letter most titles start with: a text search with more than a page of matches."""
    return engine.scalar("SELECT LEFT(title, 1) FROM media GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1")


def counting_searches(monkeypatch) -> list:
    """Each call of db.titles.search_titles (the statement that scores the text), recorded."""
    calls = []
    real = title_reads.search_titles
    monkeypatch.setattr(title_reads, "search_titles", lambda *args, **kw: calls.append(args) or real(*args, **kw))
    return calls


# Each kept-page test runs with search text and without (the whole catalog, filtered and sorted).
WITH_AND_WITHOUT_TEXT = pytest.mark.parametrize("with_text", [True, False], ids=["text", "no text"])


def relevance_texts() -> list[str]:
    """Texts whose relevance order has ties and several kinds of match: the word most titles have in their
    title or description, the most credited surname (titles through people) and a two-letter start."""
    texts = engine.fetch_all("SELECT title, description FROM media")
    words = Counter(w for t in texts for w in set(fulltext_words(f"{t['title']} {t['description'] or ''}")))
    surname = engine.scalar("""SELECT SUBSTRING_INDEX(p.name, ' ', -1) FROM people p
                               JOIN media_cast mc ON mc.person_id = p.person_id
                              GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1""")
    start = engine.scalar("SELECT LEFT(title, 2) FROM media GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1")
    return [min(words, key=lambda w: (-words[w], w)), surname, start]


def test_a_search_by_relevance_is_ranked_in_memory_as_the_database_ranks_it(demo_db):
    """core.search.rank orders a relevance search without a statement over every match; its pages, the total
    and the order must be the database's own (db.titles.search_titles), also after ratings moved a tie."""
    me = make_user()
    for text in relevance_texts():
        resolved = resolve(Filters(query=text))
        assert resolved.ranked_in_memory() and not resolve(Filters(query=text, media_type="Movie")).ranked_in_memory()
        by_database = title_reads.search_titles(resolved, me, per_page=1000)
        assert by_database.total > 3
        assert titles.search_titles(resolved, me, per_page=1000) == by_database
        assert titles.search_titles(resolved, me, page=2, per_page=3) == title_reads.search_titles(
            resolved, me, page=2, per_page=3)
        assert titles.search_titles(resolved, me, page=by_database.total + 1, per_page=1).total == by_database.total
    # Ratings since the index was built: the last of two tied titles gets more ratings than the first.
    resolved = resolve(Filters(query=relevance_texts()[0]))
    rows = title_reads.search_titles(resolved, me, per_page=1000).rows
    scores = {h.id: h.score for h in resolved.hits.titles}
    upper, lower = next((a, b) for a, b in zip(rows, rows[1:], strict=False)
                        if scores.get(a["media_id"]) == scores.get(b["media_id"]))
    for _ in range(upper["rating_count"] - lower["rating_count"] + 1):
        reviews.save_review(make_user(), lower["media_id"], 6, "")
    recent_reads.forget_all()
    mine = ids(titles.search_titles(resolve(Filters(query=relevance_texts()[0])), me, per_page=1000))
    assert mine.index(lower["media_id"]) < mine.index(upper["media_id"])


def test_a_server_with_a_small_group_concat_limit_still_ranks_every_credit(demo_db, swap_database):
    """MariaDB cuts a JSON_ARRAYAGG at the server's group_concat_max_len with only a warning; the credits a
    relevance search ranks in memory come as such arrays (db.titles.credited). A server configured with the
    smallest limit must still give the database's own pages."""
    surname, me = relevance_texts()[1], make_user()
    configured = engine.scalar("SELECT @@GLOBAL.group_concat_max_len")
    set_server_limit(4)
    try:
        swap_database(demo_db)  # new connections, made under the small limit
        resolved = resolve(Filters(query=surname))
        assert resolved.ranked_in_memory()
        by_database = title_reads.search_titles(resolved, me, per_page=1000)
        assert by_database.total > 3
        assert titles.search_titles(resolved, me, per_page=1000) == by_database
    finally:
        set_server_limit(configured)


def set_server_limit(length: int) -> None:
    with engine.default().engine.connect() as conn:
        conn.exec_driver_sql(f"SET GLOBAL group_concat_max_len = {int(length)}")


@WITH_AND_WITHOUT_TEXT
def test_a_kept_search_page_shows_each_viewer_their_own_marks_and_live_figures(demo_db, monkeypatch, with_text):
    me, other, rater = make_user(), make_user(), make_user()
    text = broad_text() if with_text else ""
    live = title_reads.search_titles(resolve(Filters(query=text, sort="count")), me)  # the statement itself
    marked = live.rows[1]["media_id"]
    watchlist.set_status(other, marked, "plan_to_watch")  # before the search below, so it may use the kept page
    searches = counting_searches(monkeypatch)
    mine = titles.search_titles(resolve(Filters(query=text, sort="count")), me)
    theirs = titles.search_titles(resolve(Filters(query=text, sort="count")), other)
    assert len(searches) == 1  # the second viewer's page was the kept one
    assert ids(mine) == ids(theirs) == ids(live) and mine.total == theirs.total == live.total
    assert [r["media_id"] for r in theirs.rows if r["in_my_lists"]] == [marked]
    assert not any(r["in_my_lists"] for r in mine.rows)
    first = mine.rows[0]
    reviews.save_review(rater, first["media_id"], 7, "")  # someone else's rating: the card shows it at once
    again = titles.search_titles(resolve(Filters(query=text, sort="count")), other)
    assert len(searches) == 1
    assert again.rows[0]["rating_count"] == first["rating_count"] + 1


@WITH_AND_WITHOUT_TEXT
def test_my_own_rating_reorders_my_search_at_once_and_others_within_the_keeping_time(demo_db, monkeypatch,
                                                                                       with_text):
    me, watcher = make_user(), make_user()
    filters = Filters(query=broad_text() if with_text else "", sort="count")
    rows = titles.search_titles(filters, me).rows
    # Two neighbours in the "number of ratings" order, the lower one the fewest ratings behind.
    upper, lower = min(zip(rows, rows[1:], strict=False), key=lambda p: p[0]["rating_count"] - p[1]["rating_count"])
    titles.search_titles(resolve(filters), watcher)
    for _ in range(upper["rating_count"] - lower["rating_count"]):  # others bring the lower one level...
        reviews.save_review(make_user(), lower["media_id"], 6, "")
    reviews.save_review(me, lower["media_id"], 6, "")  # ...and my rating puts it one ahead
    kept = ids(titles.search_titles(resolve(filters), watcher))
    assert kept.index(lower["media_id"]) > kept.index(upper["media_id"])  # the watcher's page is the kept one
    mine = ids(titles.search_titles(resolve(filters), me))
    assert mine.index(lower["media_id"]) < mine.index(upper["media_id"])  # I wrote since: mine is read again
    later = recent_reads.clock() + titles.SEARCH_KEEP_SECONDS + 1
    monkeypatch.setattr(recent_reads, "clock", lambda: later)
    assert ids(titles.search_titles(resolve(filters), watcher)) == mine


@WITH_AND_WITHOUT_TEXT
def test_a_title_added_meanwhile_shows_in_a_kept_search_at_once(demo_db, with_text):
    me = make_user()
    filters = Filters(query="Sholay" if with_text else "", sort="title")
    before = titles.search_titles(resolve(filters), me)
    with engine.transaction(None) as conn:  # the catalog changes, not by me
        added = engine.execute(conn, "INSERT INTO media (title, media_type) VALUES ('Sholay Returns', 'Movie')"
                               ).lastrowid
    try:
        after = titles.search_titles(resolve(filters), me)
        assert after.total == before.total + 1
        assert added not in ids(before) and (added in ids(after) or not with_text)
    finally:
        with engine.transaction(None) as conn:
            engine.execute(conn, "DELETE FROM media WHERE media_id = :m", m=added)


# --- the page -----------------------------------------------------------------------------------------------
def cards(at) -> list[str]:
    """The media ids of the grid's cards, in order."""
    return [str(card["id"]) for card in cards_shown(at)]


def test_explore_shows_a_full_page_with_the_total_and_pages_on(demo_db):
    at = open_app(make_user(), page="app_pages/explore.py")
    assert not at.exception
    total = len(all_titles())
    assert f"{total} titles" in texts(at)
    first = cards(at)
    assert len(first) == titles.PAGE_SIZE
    assert f"Page 1 of {-(-total // titles.PAGE_SIZE)}" in texts(at)
    button(at, "Next ›").click().run()
    assert "Page 2 of" in texts(at)
    assert not set(cards(at)) & set(first)


def test_a_click_on_a_card_opens_its_title(demo_db):
    """What a click on a card's title leaves (ui.card_grid's callback) opens that title's page in the next
    run, with its id in the address, and only once. The browser tests click the card itself."""
    at = open_app(make_user(), page="app_pages/explore.py")
    card = cards_shown(at)[3]
    at.session_state[PENDING_OPEN] = card["id"]
    at.run()
    assert not at.exception
    assert at.title[0].value == md(card["title"]) and at.query_params["id"] == str(card["id"])
    assert PENDING_OPEN not in at.session_state


def test_a_film_card_logs_a_watch_of_its_film(demo_db):
    """A film's card offers "Log" (a series' card does not: its episodes are marked on its page); the click
    (what the card's callback leaves: ui.card_grid) opens the "Log a watch" dialog of that film, which
    writes to the diary. The browser tests click the card itself."""
    me = make_user()
    at = open_app(me, page="app_pages/explore.py")
    [grid] = card_grids(at).values()
    kinds = {r["media_id"]: r["media_type"] for r in all_titles()}
    assert {kinds[card["id"]] == "Movie" for card in grid} == {True, False}, "both kinds on the first page"
    assert all(card["log"] == (kinds[card["id"]] == "Movie") for card in grid)
    film = [card for card in grid if card["log"]][1]
    assert film["href"] == f"media?id={film['id']}"
    at.session_state[OPEN_DIALOG] = film["id"]
    at.run()
    assert md(film["title"]) in shown(at)
    button(at, "Log it").click().run()
    assert not at.exception
    assert f"Logged a watch of '{film['title']}' in your diary." in shown(at)
    [entry] = events.mine_for_title(me, film["id"])  # one watch of that film, none of another
    assert entry["episode_id"] is None
    assert engine.scalar("SELECT COUNT(*) FROM watch_events WHERE username = :u", u=me) == 1


def test_a_card_says_what_its_title_is(demo_db):
    """A card's lines: the year (or "year unknown") and the type, the rating with its count or "No ratings
    yet", and "Listed" only for a title on my watchlist or in one of my playlists."""
    me = make_user()
    rows = {r["media_id"]: r for r in engine.fetch_all(
        "SELECT media_id, title, media_type, release_year, average_rating, rating_count FROM media")}
    at = open_app(me, page="app_pages/explore.py")
    first = cards_shown(at)[0]
    watchlist.set_status(me, first["id"], "plan_to_watch")
    at.run()
    shown_cards = cards_shown(at)
    assert any(rows[card["id"]]["rating_count"] for card in shown_cards)
    for card in shown_cards:
        row = rows[card["id"]]
        assert card["title"] == row["title"]
        assert card["lines"][0] == f"{row['release_year'] or 'year unknown'} · {row['media_type']}"
        count = row["rating_count"]
        assert card["lines"][1] == (f"★ {row['average_rating']:.1f} · {count} rating{'s' * (count != 1)}" if count
                                    else "No ratings yet")
        assert card["listed"] == (card["id"] == first["id"])


def test_a_search_shows_matching_people_and_picking_one_shows_their_titles(demo_db):
    person = engine.fetch_one("""SELECT p.person_id, p.name FROM people p
                                 JOIN media_cast mc ON mc.person_id = p.person_id
                                WHERE CHAR_LENGTH(SUBSTRING_INDEX(p.name, ' ', -1)) >= 4 LIMIT 1""")
    me = make_user()
    at = open_app(me, page="app_pages/explore.py")
    at.text_input(key="q").set_value(person["name"]).run()
    assert not at.exception
    assert cards(at)
    at.button(key=f"explore_person_{person['person_id']}").click().run()
    assert at.query_params["person"] == str(person["person_id"])
    assert at.text_input(key="q").value == ""
    expected = {r["media_id"] for r in everything(Filters(person_id=person["person_id"]), me)}
    assert {int(i) for i in cards(at)} == expected


@pytest.mark.parametrize("text", ["' OR 1=1 --", "%"])
def test_hostile_searches_on_the_page_find_nothing_and_say_what_to_change(demo_db, text):
    at = open_app(make_user(), page="app_pages/explore.py")
    at.text_input(key="q").set_value(text).run()
    assert not at.exception
    assert cards(at) == []
    assert "No titles match" in texts(at) and "three or more letters" in texts(at)


def test_no_results_suggests_each_filter_that_is_on(demo_db):
    at = open_app(make_user(), page="app_pages/explore.py")
    at.text_input(key="q").set_value("zzqxwords nowhere").run()
    at.selectbox(key="type").set_value("Series").run()
    at.slider(key="rating").set_value(10.0).run()
    shown = texts(at)
    assert "No titles match" in shown
    for hint in ("fewer or shorter search words", "both films and series", "a lower minimum rating"):
        assert hint in shown


def test_person_link_narrows_to_their_titles_and_a_broken_one_is_explained(demo_db):
    person = engine.fetch_one("SELECT p.person_id, p.name FROM people p JOIN media_crew c ON c.person_id = p.person_id "
                            "LIMIT 1")
    me = make_user()
    at = open_app(me, page="app_pages/explore.py", query={"person": person["person_id"]})
    assert not at.exception
    assert person["name"] in shown(at)  # as read: a name like "A.R. Murugadoss" is escaped in Markdown
    expected = {r["media_id"] for r in everything(Filters(person_id=person["person_id"]), me)}
    assert {int(i) for i in cards(at)} == expected
    for broken in ("abc", "999999"):
        at = open_app(me, page="app_pages/explore.py", query={"person": broken})
        assert not at.exception
        assert "showing all titles instead" in texts(at)
        assert len(cards(at)) == titles.PAGE_SIZE


def test_an_empty_catalog_says_what_to_do(empty_db):
    at = open_app(make_user(), page="app_pages/explore.py")
    assert not at.exception
    assert "The catalog has no titles yet" in texts(at)


def test_explore_statements_do_not_grow_with_cards_or_my_lists(demo_db):
    fresh, busy = make_user(), make_busy_user()
    counts = {}
    for who in (fresh, busy):
        at = open_app(who, page="app_pages/explore.py")
        assert len(cards(at)) == titles.PAGE_SIZE
        counts[who] = rerun_statements(at)
        # a search with every filter on still fits
        at.text_input(key="q").set_value("love").run()
        at.multiselect(key="genre").select(titles.genres()[0]["genre_id"]).run()
        counts[(who, "filtered")] = rerun_statements(at)
    assert counts[fresh] == counts[busy] <= PAGE_BUDGET
    assert counts[(fresh, "filtered")] == counts[(busy, "filtered")] <= PAGE_BUDGET


# --- hostile input and stale pages (viewer QA pass) --------------------
@pytest.mark.parametrize("raw", ["2147483648", "99999999999999999999", "7" * 5000])
def test_a_huge_person_id_in_an_explore_link_names_no_such_person(demo_db, raw):
    # It said "The person link is not valid" about a plain number.
    at = open_app(make_user(), page="app_pages/explore.py", query={"person": raw})
    assert not at.exception
    text = shown(at)
    assert f"There is no person with id {raw[:20]} (maybe removed): showing all titles instead." in text
    assert "not valid" not in text


# --- Explore: the pager after a filter change ------------------------------------------------------------------
def test_changing_a_filter_on_page_2_starts_again_on_page_1(demo_db):
    at = open_app(make_user(), page="app_pages/explore.py")
    at.button(key="explore_page_next").click().run()
    assert any(c.value.startswith("Page 2 of") for c in at.caption)
    at.selectbox(key="type").select("Movie").run()
    assert at.session_state["explore_page"] == 1
    assert any(c.value.startswith("Page 1 of") for c in at.caption)


# --- the search in the address (issue 13, part 3) ------------------------------------------------------------
def test_a_search_link_opens_with_its_filters_sort_and_page(demo_db):
    at = open_app(make_user(), page="app_pages/explore.py",
                  query={"type": "Movie", "sort": "year", "rating": "0.5", "page": "2"})
    assert not at.exception
    assert at.selectbox(key="type").value == "Movie"
    assert at.selectbox(key="sort").value == "year"
    assert at.slider(key="rating").value == 0.5
    total = len(everything(Filters(media_type="Movie", min_rating=0.5), "nobody"))
    assert total > titles.PAGE_SIZE  # else there is no page 2 to open
    assert any(c.value.startswith(f"Page 2 of {-(-total // titles.PAGE_SIZE)}") for c in at.caption)
    assert "sorted by newest first" in texts(at)
    broken = {"type": "Film", "rating": "11", "page": "x", "genre": "No such genre", "from": "99"}
    at = open_app(make_user(), page="app_pages/explore.py", query=broken)
    assert not at.exception
    assert f"{len(all_titles())} titles" in texts(at)  # every title, from the first page
    assert any(c.value.startswith("Page 1 of") for c in at.caption)


def test_each_change_to_the_search_is_written_to_the_address(demo_db):
    genre = titles.genres()[0]
    at = open_app(make_user(), page="app_pages/explore.py")
    at.button(key="explore_page_next").click().run()
    assert at.query_params["page"] == "2"
    at.text_input(key="q").set_value("love").run()
    at.multiselect(key="genre").select(genre["genre_id"]).run()
    at.number_input(key="from").set_value(1990).run()
    assert dict(at.query_params) == {"q": "love", "genre": genre["name"], "from": "1990"}  # back on page 1
    at.text_input(key="q").set_value("").run()
    assert "q" not in at.query_params


def test_relevance_is_offered_only_with_search_text(demo_db):
    at = open_app(make_user(), page="app_pages/explore.py", query={"sort": "relevance"})
    assert "Relevance" not in at.selectbox(key="sort").options
    assert at.selectbox(key="sort").value == "count"
    assert "sorted by number of ratings" in texts(at)
    at.text_input(key="q").set_value("love").run()
    assert at.selectbox(key="sort").value == "relevance"
    assert "sorted by relevance" in texts(at)
    at.selectbox(key="sort").set_value("title").run()
    at.text_input(key="q").set_value("").run()
    assert at.selectbox(key="sort").value == "title"  # a chosen order stays


def test_a_person_in_the_cast_and_crew_of_one_title_counts_it_once(demo_db):
    person = engine.fetch_one("""SELECT p.person_id, p.name FROM people p
                                 JOIN media_cast c ON c.person_id = p.person_id
                                 JOIN media_crew w ON w.person_id = p.person_id AND w.media_id = c.media_id
                                ORDER BY p.person_id LIMIT 1""")
    assert person, "the demo data has someone who acts in a title they also directed, wrote or produced"
    at = open_app(make_user(), page="app_pages/explore.py")
    at.text_input(key="q").set_value(person["name"]).run()
    [offered] = [b.label for b in at.button if b.key == f"explore_person_{person['person_id']}"]
    at.button(key=f"explore_person_{person['person_id']}").click().run()
    shown_count = next(c.value.split(" · ")[0] for c in at.caption if " · sorted by " in c.value)
    assert offered.endswith(f" · {shown_count}")  # "Aamir Khan · 12 titles" leads to 12 titles
