"""History import and export: times, rows per second, and match rates against two catalogs.

Builds two throwaway databases on the server (names ending in _bench_history_*; dropped at the end unless
--keep): the demo data set, and a catalog of MovieLens latest-small's 9,742 films with their IMDb and TMDb
ids (titles as MovieLens writes them: "Matrix, The"). Into each it imports the real Letterboxd export
(diary, ratings, reviews, watched, watchlist and 25 lists) as a fresh user, end to end: reading the ZIP,
matching, the preview, the batched commit; then the same file again (which must write nothing). Then, on
the MovieLens catalog, it imports a generated account (10,000 diary watches of 5,000 films, 5,000 ratings with
reviews, 4,700 watchlist entries), times that account's export, and counts the statements of its statistics
beside those of a demo account.

Needs ../shared/data (the Letterboxd export and MovieLens); the project itself never does.

    .venv/bin/python benchmarks/bench_history.py [--server mysql+mysqlconnector://root@127.0.0.1:3306/]
"""
from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy.engine import make_url  # noqa: E402

from core import accounts, export, my_stats  # noqa: E402
from core import reset as reset_database  # noqa: E402
from core.history_import import preview, read_upload  # noqa: E402
from core.history_import.commit import commit  # noqa: E402
from db import bulk, engine, migrations, schema  # noqa: E402
from db import statement_counter as stats  # noqa: E402
from db.config import REQUIRED_QUERY  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
PASSWORD_HASH = "$2b$04$P336gfh85k8dTalde1DAVeZjY8QorbCESVFnCbHFf9kaDmUx6SIua"


def use(url) -> None:
    import os

    os.environ["STREAMSYNC_DB_URL"] = url.render_as_string(hide_password=False)
    engine.dispose_engine()


def letterboxd_zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*.csv")):
            archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def movielens_rows(folder: Path) -> list[tuple]:
    links = {r["movieId"]: r for r in csv.DictReader(io.StringIO((folder / "links.csv").read_text("utf-8")))}
    rows, seen_imdb, seen_tmdb = [], set(), set()
    for movie in csv.DictReader(io.StringIO((folder / "movies.csv").read_text("utf-8"))):
        title = movie["title"].strip()
        year = None
        found = re.search(r"\((\d{4})\)\s*$", title)
        if found:
            year, title = int(found.group(1)), title[:found.start()].strip()
        # "City of Lost Children, The (Cité des enfants perdus, La)": keep the first title
        title = re.sub(r"\s*\((?:a\.k\.a\. )?[^()]*\)\s*$", "", title).strip() or title
        link = links.get(movie["movieId"], {})
        imdb = f"tt{int(link['imdbId']):07d}" if link.get("imdbId") else None
        tmdb = int(link["tmdbId"]) if link.get("tmdbId") else None
        # MovieLens links a few ids to two films; the catalog keeps each id once (uq_media_imdb, uq_media_tmdb)
        imdb = None if imdb in seen_imdb else imdb
        tmdb = None if tmdb in seen_tmdb else tmdb
        seen_imdb.add(imdb)
        seen_tmdb.add(tmdb)
        rows.append((title[:255], year if year and 1888 <= year <= 2100 else None, "Movie", imdb, tmdb))
    return rows


def build_movielens(url, folder: Path) -> None:
    schema.recreate_database(url)
    migrations.upgrade_url(url)
    use(url)
    with engine.get_engine().connect() as conn:
        bulk.insert_rows(conn, "media", ("title", "release_year", "media_type", "imdb_id", "tmdb_id"),
                         movielens_rows(folder))


def fresh_user(name: str) -> str:
    accounts.create_account(name, firstname="Bench", lastname="Import", email=f"{name}@example.test", dob=None,
                      password_hash=PASSWORD_HASH)
    return name


def import_once(name: str, data: bytes, user: str) -> dict:
    started = time.perf_counter()
    with stats.measure() as read_stats:
        parsed = read_upload(name, data)
        seen = preview.build(parsed, user)
    previewed = time.perf_counter()
    report = commit(seen, name, data, policy="take_file")
    done = time.perf_counter()
    return {"records": len(parsed.records), "matches": seen.match_counts(), "preview_s": previewed - started,
            "commit_s": done - previewed, "total_s": done - started, "written": sum(report.written.values()),
            "preview_statements": read_stats.statements, "stopped": report.stopped}


def generated_account(rows: list[tuple], size: int) -> bytes:
    """Letterboxd's import format: `size` films rated with a review and each watched twice (2 * size diary
    watches), the next `size` on the watchlist."""
    diary = io.StringIO()
    writer = csv.writer(diary)
    writer.writerow(["Title", "Year", "imdbID", "tmdbID", "WatchedDate"])
    for n, (title, year, _, imdb, tmdb) in enumerate(rows[:size]):
        for day in (date(2015, 1, 1) + timedelta(days=n % 3000), date(2023, 1, 1) + timedelta(days=n % 1000)):
            writer.writerow([title, year, imdb, tmdb, day.isoformat()])
    films = io.StringIO()
    writer = csv.writer(films)
    writer.writerow(["Title", "Year", "imdbID", "tmdbID", "Rating10", "Review"])
    for n, (title, year, _, imdb, tmdb) in enumerate(rows[:size]):
        writer.writerow([title, year, imdb, tmdb, n % 10 + 1, f"Review number {n} of {title}."])
    watchlist = io.StringIO()
    writer = csv.writer(watchlist)
    writer.writerow(["Title", "Year", "imdbID", "tmdbID"])
    for title, year, _, imdb, tmdb in rows[size:2 * size]:
        writer.writerow([title, year, imdb, tmdb])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("films.csv", films.getvalue())
        archive.writestr("diary.csv", diary.getvalue())
        archive.writestr("watchlist.csv", watchlist.getvalue())
    return buffer.getvalue()


def report_import(catalog: str, first: dict, again: dict) -> None:
    m = first["matches"]
    print(f"| {catalog} | {first['records']:,} | {m['matched by id']:,} | {m['matched by title']:,} | "
          f"{m['ambiguous']:,} | {m['unmatched']:,} | {first['written']:,} | {first['preview_s']:.2f} | "
          f"{first['commit_s']:.2f} | {first['total_s']:.2f} | {first['records'] / first['total_s']:,.0f} | "
          f"{first['preview_statements']} | {again['written']} in {again['total_s']:.2f} s |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="mysql+mysqlconnector://root@127.0.0.1:3306/")
    parser.add_argument("--letterboxd", type=Path, default=SHARED / "letterboxd-export-patrickmjones")
    parser.add_argument("--movielens", type=Path, default=SHARED / "movielens-latest-small")
    parser.add_argument("--keep", action="store_true", help="keep the two databases")
    args = parser.parse_args()
    server = make_url(args.server).update_query_dict(REQUIRED_QUERY)
    demo_url = server.set(database="streamsync_bench_history_demo")
    lens_url = server.set(database="streamsync_bench_history_movielens")
    data = letterboxd_zip(args.letterboxd)
    failures = []
    try:
        print("building the demo database and the MovieLens catalog ...", flush=True)
        use(demo_url)
        reset_database.rebuild(demo_url, scale="demo", seed=42, quiet=True)
        build_movielens(lens_url, args.movielens)
        print("\n| catalog | records | by id | by title/year | ambiguous | unmatched | rows written | preview s | "
              "commit s | total s | records/s | preview statements | the same file again |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for label, url in (("demo (91 titles)", demo_url), ("MovieLens (9,742 films)", lens_url)):
            use(url)
            user = fresh_user("bench_importer")
            first = import_once("letterboxd.zip", data, user)
            again = import_once("letterboxd.zip", data, user)
            report_import(label, first, again)
            if first["total_s"] > 10 or again["written"] or first["stopped"]:
                failures.append(f"{label}: over 10 s, or not idempotent, or stopped")
        use(lens_url)
        account = fresh_user("bench_exporter")
        generated = import_once("account.zip", generated_account(movielens_rows(args.movielens), 5000), account)
        started = time.perf_counter()
        with stats.measure() as m:
            made = export.build(account)
        seconds = time.perf_counter() - started
        rows = sum(made.counts.values())
        print(f"\nExport of an account with {rows:,} rows ({made.counts}): {seconds:.2f} s, {m.statements} "
              f"statements, {len(made.data) / 1024:,.0f} KB. (Its import: {generated['written']:,} rows in "
              f"{generated['total_s']:.2f} s.)")
        if seconds > 5:
            failures.append("export over 5 s")
        counts = {}
        for label, url, user in (("demo user001", demo_url, "user001"), ("10,000-watch account", lens_url, account)):
            use(url)
            my_stats.load(user)  # the connection's first statements are not the page's
            with stats.measure() as m:
                started = time.perf_counter()
                figures = my_stats.load(user)
                took = time.perf_counter() - started
            counts[label] = m.statements
            print(f"My statistics of {label} ({figures.totals['watches']:,} watches): {m.statements} statements, "
                  f"{took * 1000:.0f} ms")
        if len(set(counts.values())) != 1 or max(counts.values()) > 10:
            failures.append(f"statistics statements differ or exceed 10: {counts}")
    finally:
        if not args.keep:
            schema.drop_database(demo_url)
            schema.drop_database(lens_url)
    for failure in failures:
        print(f"! {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
