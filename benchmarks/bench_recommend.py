#!/usr/bin/env python3
"""Recommendations measured on MovieLens through the project's own code, with the protocol of
core/rec_evaluation.py, beside two anchors computed here on the same split (most rated; item-kNN).

    .venv/bin/python benchmarks/bench_recommend.py [PATH_TO_MOVIELENS] --seed 0 [--seed 1 ...]
    .venv/bin/python benchmarks/bench_recommend.py --at DATABASE_URL [--at ...] [--users 500]

PATH defaults to ../shared/data/movielens-latest-small. For each seed: a throwaway database (dropped at the
end) built through the migrations; the catalog through core.catalog_import.movielens; the training ratings
as users' reviews (0.5-5 stars -> 1-10) in bulk; `train-recommender`'s own training; then
core.recommend.for_user(user, limit=10) for every evaluated user, as Home calls it, timed per call.

--at: only time For you on an existing database (a `manage.py reset --scale large`, which trains the
recommender): core.recommend.for_user(user) exactly as Home calls it, for --users accounts drawn with a fixed
seed, after one untimed call. It only reads.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import rec_evaluation, recommend
from core.catalog_import.movielens import import_movielens
from db import bulk, migrations, schema
from db import recommend as recommend_sql
from db.config import REQUIRED_QUERY
from db.engine import dispose_engine, fetch_all

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "movielens-latest-small"
PASSWORD_HASH = "$2b$04$P336gfh85k8dTalde1DAVeZjY8QorbCESVFnCbHFf9kaDmUx6SIua"  # nobody logs in as these
KNN_NEIGHBOURS = 50


def username(user_id: int) -> str:
    return f"ml{user_id:06d}"


def load_training(conn, train: pd.DataFrame, media_ids: dict[int, int]) -> int:
    """Users and their training ratings as reviews, through the bulk loader; rating figures recomputed."""
    users = sorted(train["userId"].unique())
    created = datetime(2020, 1, 1)
    rows = train[train["movieId"].isin(list(media_ids))]
    with bulk.bulk_session(conn):
        bulk.insert_rows(conn, "users", ("username", "firstname", "lastname", "email", "password_hash", "created_at"),
                         ((username(int(u)), "MovieLens", f"User {u}", f"{username(int(u))}@example.test",
                           PASSWORD_HASH, created) for u in users))
        stamp = [datetime.fromtimestamp(int(t), UTC).replace(tzinfo=None) for t in rows["timestamp"]]
        bulk.insert_rows(conn, "reviews", ("username", "media_id", "review_text", "rating", "created_at", "updated_at"),
                         ((username(int(u)), media_ids[int(m)], "", max(1, min(10, round(r * 2))), s, s)
                          for u, m, r, s in zip(rows["userId"], rows["movieId"], rows["rating"], stamp, strict=False)))
        bulk.recompute_ratings(conn)
    return len(rows)


def anchors(train: pd.DataFrame, relevant: dict[int, set[int]]) -> dict[str, rec_evaluation.Scores]:
    """Most rated, and item-kNN (cosine on who rated what, KNN_NEIGHBOURS per title), on the same split."""
    users = {u: i for i, u in enumerate(sorted(train["userId"].unique()))}
    rated = train["movieId"].value_counts()
    items = np.array(sorted(rated.index))
    col = {m: i for i, m in enumerate(items)}
    X = sp.csr_matrix((np.ones(len(train)), (train["userId"].map(users), train["movieId"].map(col))),
                      shape=(len(users), len(items)))
    counts = np.asarray(X.sum(axis=0)).ravel()
    # item-kNN over titles rated twice or more (a dense 6,000² matrix rather than 9,000²); the rest score 0
    shared = np.flatnonzero(counts >= 2)
    Xs = X[:, shared]
    norms = np.sqrt(counts[shared])
    S = (Xs.T @ Xs).toarray() / np.outer(norms, norms)
    np.fill_diagonal(S, 0)
    cut = np.argpartition(-S, KNN_NEIGHBOURS, axis=1)[:, KNN_NEIGHBOURS:]
    np.put_along_axis(S, cut, 0, axis=1)

    def knn_scores(user: int) -> np.ndarray:
        scores = np.zeros(len(items))
        if user in users:
            scores[shared] = np.asarray(Xs[users[user]] @ S).ravel()
        return scores

    def ranked(scores: np.ndarray, user: int) -> list[int]:
        row = users.get(user)
        scores = scores.astype(float).copy()
        if row is not None:
            scores[X[row].indices] = -np.inf
        return items[np.argsort(-scores, kind="stable")[:rec_evaluation.K]].tolist()

    return {
        "most rated": rec_evaluation.evaluate(relevant, lambda u: ranked(counts, u)),
        "item-kNN": rec_evaluation.evaluate(
            relevant, lambda u: ranked(knn_scores(u), u)),
    }


def run_seed(data: Path, seed: int, server_url) -> dict:
    ratings = pd.read_csv(data / "ratings.csv")
    train, test = rec_evaluation.split(ratings, seed)
    relevant = rec_evaluation.relevant_by_user(test)
    url = server_url.set(database=f"{os.environ.get('STREAMSYNC_TEST_PREFIX', 'streamsync')}_bench_recs_test")
    schema.recreate_database(url)
    migrations.upgrade_url(url)
    os.environ["STREAMSYNC_DB_URL"] = url.render_as_string(hide_password=False)
    dispose_engine()
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            imported = import_movielens(conn, data)
            loaded = load_training(conn, train, imported.media_ids)
        with engine.connect() as conn:
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            outcome = recommend.train(conn)
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        movie_of = {media_id: movie_id for movie_id, media_id in imported.media_ids.items()}
        times, picks = [], {}
        for user in relevant:
            started = time.perf_counter()
            rows = recommend.for_user(username(user), limit=rec_evaluation.K)
            times.append((time.perf_counter() - started) * 1000)
            picks[user] = [movie_of.get(r["media_id"]) for r in rows]
        ours = rec_evaluation.evaluate(relevant, lambda u: picks[u])
        return {"seed": seed, "ours": ours, "anchors": anchors(train, relevant), "train": outcome,
                "loaded": loaded, "titles": imported.inserted, "p50": float(np.percentile(times, 50)),
                "p95": float(np.percentile(times, 95)), "rss_mb": max(rss_before, rss_after) / 1024}
    finally:
        engine.dispose()
        dispose_engine()
        schema.drop_database(url)


def time_for_you(url, users: int) -> dict:
    """ms per call of Home's For you for `users` accounts of the database at url (drawn with seed 0), twice:
    the first pass finds most of each account's rows on disk or in the OS cache unless the server's buffer
    pool holds the database, the second finds them in the buffer pool (a server sized for its data)."""
    os.environ["STREAMSYNC_DB_URL"] = url.render_as_string(hide_password=False)
    dispose_engine()
    try:
        names = [r["username"] for r in fetch_all("SELECT username FROM users ORDER BY username")]
        neighbours = recommend_sql.neighbour_count()
        pool_mb = int(fetch_all("SELECT @@innodb_buffer_pool_size DIV 1048576 AS mb")[0]["mb"])
        chosen = [names[i] for i in np.random.default_rng(0).permutation(len(names))[:users]]
        passes = []
        for _ in range(2):
            times = []
            for name in chosen:
                started = time.perf_counter()
                recommend.for_user(name)
                times.append((time.perf_counter() - started) * 1000)
            passes.append(times)
    finally:
        dispose_engine()
    return {"database": url.database, "accounts": len(names), "timed": len(chosen), "neighbours": neighbours,
            "pool_mb": pool_mb, "passes": [(float(np.percentile(t, 50)), float(np.percentile(t, 95)), max(t))
                                           for t in passes]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_DATA, help="a MovieLens directory")
    parser.add_argument("--seed", type=int, action="append", help="split seed (repeatable); default 0")
    parser.add_argument("--server", default=os.environ.get("STREAMSYNC_TEST_SERVER_URL",
                                                           "mysql+mysqlconnector://root@127.0.0.1:3306/"),
                        help="the server to make the throwaway database on")
    parser.add_argument("--at", action="append", metavar="DATABASE_URL",
                        help="only time For you on this existing, trained database (repeatable)")
    parser.add_argument("--users", type=int, default=500, help="with --at: how many accounts to time")
    args = parser.parse_args()
    if args.at:
        print("| database | accounts | neighbours | buffer pool | pass | calls | ms/call p50 | p95 | max |")
        print("|---|---|---|---|---|---|---|---|---|", flush=True)
        for at in args.at:
            r = time_for_you(make_url(at).update_query_dict(REQUIRED_QUERY), args.users)
            for name, (p50, p95, slowest) in zip(("first", "again"), r["passes"], strict=True):
                print(f"| {r['database']} | {r['accounts']:,} | {r['neighbours']:,} | {r['pool_mb']:,} MB | {name} | "
                      f"{r['timed']:,} | {p50:.1f} | {p95:.1f} | {slowest:.1f} |", flush=True)
        return 0
    if not (args.path / "ratings.csv").is_file():
        print(f"No MovieLens ratings.csv in {args.path}", file=sys.stderr)
        return 2
    server = make_url(args.server).update_query_dict(REQUIRED_QUERY)
    print("| seed | method | recall@10 | precision@10 | hit rate | users | ms/call p50 | p95 |")
    print("|---|---|---|---|---|---|---|---|", flush=True)
    for seed in args.seed or [0]:
        result = run_seed(args.path, seed, server)
        ours = result["ours"]
        for name, scores in result["anchors"].items():
            print(f"| {seed} | {name} (anchor) | {scores.recall:.4f} | {scores.precision:.4f} | "
                  f"{scores.hit_rate:.3f} | {scores.users} | | |")
        print(f"| {seed} | **StreamSync (EASE neighbours, SQL)** | **{ours.recall:.4f}** | {ours.precision:.4f} | "
              f"{ours.hit_rate:.3f} | {ours.users} | {result['p50']:.1f} | {result['p95']:.1f} |")
        t = result["train"]
        print(f"<!-- seed {seed}: {result['titles']:,} titles, {result['loaded']:,} training ratings; training "
              f"{t.seconds:.1f} s, {t.titles_learned:,} titles learned, {t.neighbour_rows:,} neighbour rows; "
              f"peak RSS {result['rss_mb']:.0f} MB -->", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
