#!/usr/bin/env python3
"""Typo-tolerant search measured on queries generated from the catalog itself (none hand-picked):

- exact title: the title as stored; a hit when the first result has that title (duplicates count);
- one typo: one edit (deletion, substitution, transposition, insertion) in a word of 5 or more letters of the
  title; a hit when the title is in the top 5;
- prefix: the title's first 3 or 4 characters; a hit when it is on Explore's first page (24);
- person with one typo: one edit in a word of 5 or more letters of a name; a hit when the person is in the top 5.

    .venv/bin/python benchmarks/bench_search.py --db URL [--samples 500] [--seed 0]
    .venv/bin/python benchmarks/bench_search.py --movielens PATH    # a throwaway database with that catalog

Latency: core.search.text_hits (the catalog-version read and the index lookup), p50/p95 over every query,
after the index is built (its build time is printed separately); and Explore's whole first page
(core.search.resolve + db.catalog.search_titles) for the typo queries.
"""
from __future__ import annotations

import argparse
import os
import random
import string
import sys
import time
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import search, search_index
from core.catalog_import.movielens import import_movielens
from core.search import Filters
from db import catalog, core, migrations, schema
from db.config import REQUIRED_QUERY
from db.core import fetch_all

PAGE = 24


def one_edit(rng: random.Random, text: str) -> str | None:
    """text with one random edit inside one of its words of 5+ letters, or None when it has none."""
    words = [(i, w) for i, w in enumerate(text.split(" ")) if sum(c.isalpha() for c in w) >= 5]
    if not words:
        return None
    i, word = rng.choice(words)
    letters = [k for k, c in enumerate(word) if c.isalpha()]
    at = rng.choice(letters)
    kind = rng.choice(("deletion", "substitution", "transposition", "insertion"))
    if kind == "deletion":
        edited = word[:at] + word[at + 1:]
    elif kind == "substitution":
        edited = word[:at] + rng.choice([c for c in string.ascii_lowercase if c != word[at].lower()]) + word[at + 1:]
    elif kind == "transposition" and at + 1 < len(word) and word[at + 1] != word[at]:
        edited = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    else:
        edited = word[:at] + rng.choice(string.ascii_lowercase) + word[at:]
    parts = text.split(" ")
    parts[i] = edited
    return " ".join(parts)


def timed(fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    return result, (time.perf_counter() - started) * 1000


def run(samples: int, seed: int) -> None:
    rng = random.Random(seed)
    titles = fetch_all("SELECT media_id, title FROM media")
    people = fetch_all("SELECT person_id, name FROM people")
    _, build_ms = timed(search.index)
    print(f"catalog: {len(titles):,} titles, {len(people):,} people; index built in {build_ms:,.0f} ms")
    picked = rng.sample(titles, min(samples, len(titles)))
    picked_people = rng.sample(people, min(samples, len(people)))
    results: dict[str, list[bool]] = {}
    latency: list[float] = []

    def record(kind: str, ok: bool) -> None:
        results.setdefault(kind, []).append(ok)

    for row in picked:
        key = search_index.normalize(row["title"])
        hits, ms = timed(search.text_hits, row["title"])
        latency.append(ms)
        first = hits.titles[0].id if hits and hits.titles else None
        index = search.index()
        record("exact title, top 1", first is not None and search_index.normalize(index.title_name(first)) == key)
        typo = one_edit(rng, row["title"])
        if typo:
            hits, ms = timed(search.text_hits, typo)
            latency.append(ms)
            record("one typo, top 5", row["media_id"] in [h.id for h in hits.titles[:5]] if hits else False)
        for length in (3, 4):
            prefix = row["title"][:length]
            if len(prefix.strip()) < length:
                continue
            hits, ms = timed(search.text_hits, prefix)
            latency.append(ms)
            record(f"{length}-letter prefix, page 1",
                   row["media_id"] in [h.id for h in hits.titles[:PAGE]] if hits else False)
    for row in picked_people:
        typo = one_edit(rng, row["name"])
        if typo:
            hits, ms = timed(search.text_hits, typo)
            latency.append(ms)
            record("person, one typo, top 5", row["person_id"] in [h.id for h in hits.people[:5]] if hits else False)
    page_ms = []
    for row in picked[:100]:
        typo = one_edit(rng, row["title"]) or row["title"]
        _, ms = timed(lambda q: catalog.search_titles(search.resolve(Filters(query=q)), "bench_viewer"), typo)
        page_ms.append(ms)
    odd = ["x" * 500, "!!!???...", "🎬🍿", "   ", "' OR 1=1 --", "a"]
    odd_ms = [timed(search.text_hits, q)[1] for q in odd]
    print("| query kind | queries | hit rate |")
    print("|---|---|---|")
    for kind, oks in results.items():
        print(f"| {kind} | {len(oks)} | {100 * sum(oks) / len(oks):.1f}% |")
    print(f"index lookup (version read included): p50 {np.percentile(latency, 50):.1f} ms, "
          f"p95 {np.percentile(latency, 95):.1f} ms over {len(latency)} queries")
    print(f"Explore first page for a typo query (resolve + search_titles): p50 {np.percentile(page_ms, 50):.1f} ms, "
          f"p95 {np.percentile(page_ms, 95):.1f} ms")
    print(f"odd input (500 chars, punctuation, emoji, blank, SQL, one letter): max {max(odd_ms):.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", help="a StreamSync database URL whose catalog to search")
    where.add_argument("--movielens", type=Path, help="a MovieLens directory, imported into a throwaway database")
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.db:
        os.environ["STREAMSYNC_DB_URL"] = args.db
        run(args.samples, args.seed)
        return 0
    server = make_url(os.environ.get("STREAMSYNC_TEST_SERVER_URL", "mysql+mysqlconnector://root@127.0.0.1:3306/"))
    url = server.update_query_dict(REQUIRED_QUERY).set(
        database=f"{os.environ.get('STREAMSYNC_TEST_PREFIX', 'streamsync')}_bench_search_test")
    schema.recreate_database(url)
    try:
        migrations.upgrade_url(url)
        engine = create_engine(url, poolclass=NullPool)
        with engine.connect() as conn:
            import_movielens(conn, args.movielens)
        engine.dispose()
        os.environ["STREAMSYNC_DB_URL"] = url.render_as_string(hide_password=False)
        core.dispose_engine()
        run(args.samples, args.seed)
    finally:
        core.dispose_engine()
        schema.drop_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
