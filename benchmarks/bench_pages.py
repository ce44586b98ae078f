"""Render every StreamSync page under Streamlit's AppTest as a logged-in demo account and print, per page,
the SQL statements one render issues and the median time of a render (the whole script run: session
check, queries and drawing), plus the Explore search query on its own.

  python benchmarks/bench_pages.py                       # the configured database
  python benchmarks/bench_pages.py --db URL --runs 7
  python benchmarks/bench_pages.py --demo URL --large URL   # both scales and the large/demo ratio

Budget (issue 4): at most 10 statements per render, large/demo time ratio at most 1.5 (1.3 for the pages
of the watch diary, issue 9: Diary, Calendar, Feed and the title page), the search under 100 ms at large
scale. Rows over budget are marked with "!"; the exit status is 1 when any is.
Statements are the most any render issued, counting one render with Streamlit's caches emptied (so a
cached read counts); times are the median of --runs renders after that one.
"""
from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

import streamlit as st  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.exc import DBAPIError  # noqa: E402

from core import auth, recent_reads, sample_library, search, titles  # noqa: E402
from core.search import Filters  # noqa: E402
from db import config, engine, schema, statement_counter  # noqa: E402
from db.errors import DatabaseUnavailable, DataRuleError  # noqa: E402
from ui.harness import open_app  # noqa: E402

# Outside `streamlit run`, AppTest and the cache warn about a missing runtime on every page: not news here.
# A filter, not a level: Streamlit resets its loggers' levels whenever it reads its configuration.
for _name in ("streamlit.runtime.scriptrunner_utils.script_run_context", "streamlit.runtime.caching.cache_data_api"):
    logging.getLogger(_name).addFilter(lambda record: record.levelno >= logging.ERROR)

MAX_STATEMENTS = 10
MAX_RATIO = 1.5
# Issue 9's tighter ratio for the pages of the watch diary.
DIARY_RATIO = 1.3
DIARY_PAGES = ("Media: series", "Media: popular film", "Diary", "Calendar", "Feed")
MAX_SEARCH_MS = 100.0
SEARCH_RUNS = 20
RESULTS_DIR = PROJECT_ROOT / "benchmarks" / "results"
BENCH_VIEWER = "bench_viewer"
BENCH_PASSWORD = "StreamSync!2024"  # the demo accounts' password


@dataclass(frozen=True)
class Scenario:
    """One page as one account sees it: the page file, URL query, and widget steps before measuring.
    A step is (widget kind, key, value): ("text_input", "q", "love"), ("button", "next", None)."""
    name: str
    account: str  # "user", "moderator", "admin" or "guest" (logged out): replaced by the account names given
    page: str
    query: dict = field(default_factory=dict)
    steps: tuple = ()
    reached: tuple | None = None  # (session_state key, value) that shows the steps got where they should


@dataclass
class Result:
    statements: int | None = None
    median_ms: float | None = None
    sql_ms: float | None = None
    error: str = ""


def scenarios(series_id: int | None, film_id: int | None, search: str) -> list[Scenario]:
    return [
        Scenario("Welcome (logged out)", "guest", "app_pages/landing.py"),
        Scenario("Log in (logged out)", "guest", "app_pages/login.py"),
        Scenario("Register (logged out)", "guest", "app_pages/register.py"),
        Scenario("Home", "user", "app_pages/home.py"),
        Scenario("Explore: search", "user", "app_pages/explore.py", steps=(("text_input", "q", search),)),
        Scenario("Explore: page 2, filters", "user", "app_pages/explore.py", steps=(
            ("selectbox", "type", "Movie"), ("slider", "rating", 5.0),
            ("selectbox", "sort", "rating"), ("button", "explore_page_next", None)),
                 reached=("explore_page", 2)),
        Scenario("Media: series", "user", "app_pages/media.py", query={"id": series_id}),
        Scenario("Media: popular film", "user", "app_pages/media.py", query={"id": film_id}),
        Scenario("Lists", "user", "app_pages/lists.py"),
        Scenario("Progress", "user", "app_pages/progress.py"),
        Scenario("Diary", "user", "app_pages/diary.py"),
        Scenario("Calendar", "user", "app_pages/calendar.py"),
        Scenario("Feed", "user", "app_pages/feed.py"),
        Scenario("Friends", "user", "app_pages/friends.py"),
        Scenario("Profile", "user", "app_pages/profile.py"),
        # reviews is a user-owned table: only an admin edits it in the table editor.
        Scenario("Table editor: reviews", "admin", "app_pages/moderation_editor.py",
                 steps=(("selectbox", "ed_table", "reviews"),)),
        Scenario("Reviews queue", "moderator", "app_pages/moderation_reviews.py"),
        Scenario("Dashboard", "admin", "app_pages/dashboard.py"),
        Scenario("Activity log", "admin", "app_pages/activity.py"),
        Scenario("Users", "admin", "app_pages/admin_users.py"),
    ]


def use_database(url) -> None:
    """Point the process's engine at url and forget cached reads of the previous database."""
    previous = engine.use(engine.Database(url))
    if previous is not None:
        previous.dispose()
    st.cache_data.clear()


def apply_step(at, kind: str, key: str, value) -> None:
    widget = getattr(at, kind)(key=key)
    if kind == "button":
        widget.click()
    else:
        widget.set_value(value)
    at.run()


def first_error(at) -> str:
    if at.exception:
        return f"exception: {at.exception[0].message}"[:120]
    if at.error:
        return f"error shown: {at.error[0].value}"[:120]
    return ""


def measure_page(scenario: Scenario, username: str | None, runs: int) -> Result:
    """Open the page as username, apply its steps, render it once cold (caches emptied), then `runs` times."""
    try:
        at = open_app(username, scenario.page, {k: v for k, v in scenario.query.items() if v is not None})
        for step in scenario.steps:
            apply_step(at, *step)
    except Exception as exc:
        return Result(error=f"setup: {type(exc).__name__}: {exc}"[:160])
    problem = first_error(at)
    if not problem and scenario.reached:
        key, wanted = scenario.reached
        if key not in at.session_state or at.session_state[key] != wanted:
            problem = f"setup: expected {key} = {wanted!r} after the steps"
    if problem:
        return Result(error=problem)
    # One render with Streamlit's caches emptied: the statement count of a cold render, the worst case.
    st.cache_data.clear()
    with statement_counter.measure() as cold:
        at.run()
    counts, times, sql_times = [cold.statements], [], []
    for _ in range(runs):
        with statement_counter.measure() as m:
            started = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - started) * 1000)
        counts.append(m.statements)
        sql_times.append(m.seconds * 1000)
    return Result(statements=max(counts), median_ms=statistics.median(times),
                  sql_ms=statistics.median(sql_times), error=first_error(at))


def ensure_bench_viewer() -> None:
    """BENCH_VIEWER, made on first use with the same library at every scale (3 playlists, 30 watchlist
    titles, 15 ratings, 4 series in progress, 4 friends, 2 requests, a diary of film watches, friends who
    watch, series with announced episodes): a large/demo ratio then measures the catalog's size, not how
    much one demo account happens to own at each scale."""
    sample_library.ensure_busy_viewer(BENCH_VIEWER, auth.hash_password(BENCH_PASSWORD))


def most_rated(media_type: str, viewer: str) -> int | None:
    rows = titles.search_titles(Filters(media_type=media_type, sort="count"), viewer, 1).rows
    return rows[0]["media_id"] if rows else None


def search_timing(term: str, viewer: str) -> dict:
    """Explore's search (the typo-tolerant index's matches, then the first page) as a worker runs it when it
    is first asked: the index's kept answers and the kept pages are forgotten before each run. Median of
    SEARCH_RUNS, after one run that builds the index."""
    def cold() -> titles.SearchPage:
        return titles.search_titles(search.resolve(Filters(query=term)), viewer, 1)

    cold()  # builds the index
    times, statements = [], 0
    for _ in range(SEARCH_RUNS):
        recent_reads.forget_all()
        search.index().forget_answers()
        with statement_counter.measure() as m:
            started = time.perf_counter()
            found = cold()
            times.append((time.perf_counter() - started) * 1000)
        statements = max(statements, m.statements)
    return {"term": term, "median_ms": statistics.median(times), "statements": statements, "total": found.total}


class NotLoaded(Exception):
    """The database is not a completely loaded StreamSync database (missing, foreign, or mid-reset)."""


def run_suite(url, accounts: dict[str, str], runs: int, terms: list[str], only: str = "") -> dict:
    use_database(url)
    with engine.read() as conn:
        marker = schema.reset_marker(conn)
    if marker is None or marker["loaded_at"] is None:
        raise NotLoaded(f"{url.database} was not made by reset_database.py, or its load has not finished")
    viewer = accounts["user"]
    if viewer == BENCH_VIEWER:
        ensure_bench_viewer()
    results = {"database": url.database, "scale": marker["scale"], "pages": {}, "search": []}
    for scenario in scenarios(most_rated("Series", viewer), most_rated("Movie", viewer), terms[0]):
        if only.lower() not in scenario.name.lower():
            continue
        result = measure_page(scenario, accounts[scenario.account], runs)
        results["pages"][scenario.name] = asdict(result)
        print(f"  {url.database}: {scenario.name:<28} {fmt(result.statements)} stmts "
              f"{fmt(result.median_ms, '.0f')} ms {result.error}", file=sys.stderr)
    results["search"] = [search_timing(term, viewer) for term in terms]
    return results


def fmt(value, spec: str = "") -> str:
    return "-" if value is None else format(value, spec)


def page_rows(result: dict, other: dict | None = None) -> tuple[list[list[str]], bool]:
    """Table rows for one scale (other: the demo results, which adds the ratio column)."""
    rows, over = [], False
    for name, r in result["pages"].items():
        mark = ""
        if r["statements"] is not None and r["statements"] > MAX_STATEMENTS:
            mark, over = "!", True
        if other is None:
            rows.append([name, fmt(r["statements"]) + mark, fmt(r["median_ms"], ".0f"), fmt(r["sql_ms"], ".1f"),
                         r["error"]])
            continue
        base = other["pages"].get(name, {})
        base_mark = "!" if (base.get("statements") or 0) > MAX_STATEMENTS else ""
        over = over or bool(base_mark)
        ratio = (r["median_ms"] / base["median_ms"]) if r["median_ms"] and base.get("median_ms") else None
        limit = DIARY_RATIO if name in DIARY_PAGES else MAX_RATIO
        ratio_mark = "!" if ratio is not None and ratio > limit else ""
        over = over or bool(ratio_mark)
        rows.append([name, fmt(base.get("statements")) + base_mark, fmt(base.get("median_ms"), ".0f"),
                     fmt(r["statements"]) + mark, fmt(r["median_ms"], ".0f"), fmt(ratio, ".2f") + ratio_mark,
                     fmt(base.get("sql_ms"), ".1f"), fmt(r["sql_ms"], ".1f"), r["error"] or base.get("error", "")])
    return rows, over


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table, so the output pastes into the README as it is."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def search_lines(results: list[dict], large: bool) -> tuple[list[str], bool]:
    lines, over = [], False
    for run in results:
        for s in run["search"]:
            mark = "!" if large and run is results[-1] and s["median_ms"] > MAX_SEARCH_MS else ""
            over = over or bool(mark)
            lines.append(f"- search {s['term']!r} on {run['database']}: {s['median_ms']:.1f} ms median of "
                         f"{SEARCH_RUNS} ({s['statements']} statement(s), {s['total']:,} titles){mark}")
    return lines, over


def report(results: list[dict]) -> bool:
    """Print the table(s); True when something is over budget."""
    if len(results) == 1:
        rows, over = page_rows(results[0])
        print(f"\nPages on {results[0]['database']} (median of the renders):\n")
        print(table(["page", "statements", "median ms", "SQL ms", "note"], rows))
    else:
        demo, large = results
        rows, over = page_rows(large, demo)
        print(f"\nPages, demo ({demo['database']}) and large ({large['database']}):\n")
        print(table(["page", "demo stmts", "demo ms", "large stmts", "large ms", "large/demo", "demo SQL ms",
                     "large SQL ms", "note"], rows))
    lines, search_over = search_lines(results, large=len(results) == 2)
    print("\n" + "\n".join(lines))
    print(f"\nBudget: <= {MAX_STATEMENTS} statements per render, large/demo <= {MAX_RATIO} "
          f"({DIARY_RATIO} for {', '.join(DIARY_PAGES)}), "
          f"search < {MAX_SEARCH_MS:.0f} ms at large scale. '!' marks what is over.")
    return over or search_over


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL (default: the configured one)")
    parser.add_argument("--demo", help="demo-scale database URL (with --large: both scales and the ratio)")
    parser.add_argument("--large", help="large-scale database URL")
    parser.add_argument("--runs", type=int, default=7, help="renders per page after the warm-up (default 7)")
    parser.add_argument("--user", default=BENCH_VIEWER,
                        help="the viewer account (default bench_viewer: made with the same library at every "
                             "scale; a demo account such as user001 owns more at large scale)")
    parser.add_argument("--moderator", default="moderator")
    parser.add_argument("--admin", default="admin")
    parser.add_argument("--search", nargs="+", default=["love", "monsoon", "ra"],
                        help="search texts to time; the first is also typed into Explore (default: love monsoon ra)")
    parser.add_argument("--only", default="", help="only the pages whose name contains this text")
    args = parser.parse_args()
    if bool(args.demo) != bool(args.large):
        parser.error("--demo and --large go together")
    urls = [args.demo, args.large] if args.demo else [args.db or config.database_url()]
    urls = [make_url(u).update_query_dict(config.REQUIRED_QUERY) if isinstance(u, str) else u for u in urls]
    accounts = {"user": args.user, "moderator": args.moderator, "admin": args.admin, "guest": None}
    try:
        results = [run_suite(url, accounts, args.runs, args.search, args.only) for url in urls]
    except (NotLoaded, DatabaseUnavailable, DataRuleError, DBAPIError) as exc:
        print(f"bench_pages: cannot benchmark this database ({exc}). Is it a complete StreamSync database? "
              "Build it with reset_database.py (see benchmarks/README.md).", file=sys.stderr)
        return 1
    RESULTS_DIR.mkdir(exist_ok=True)
    for result in results:
        (RESULTS_DIR / f"pages-{result['database']}.json").write_text(json.dumps(result, indent=2, default=str))
    return 1 if report(results) else 0


if __name__ == "__main__":
    sys.exit(main())
