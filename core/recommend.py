"""Recommendations: For you (learned neighbours, with the titles behind each pick), Similar titles,
Trending this week, Friends are watching, and training the model (`manage.py train-recommender`).

Serving is SQL over the neighbours table (db.recommend); training is core.recommend_model on everyone's
signals. Before the first training, or for someone with no signals yet, For you is the damped average of
the most rated titles, so a fresh instance recommends something sensible at once.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sqlalchemy.engine import Connection

from core import recent_reads, recommend_model
from db import recommend as sql

LIMIT = 12
MIN_RATINGS = 3  # "Top rated" needs this many ratings, so one 10/10 does not top the list
POPULAR_REASON = "Popular and well rated on StreamSync"
ONBOARDING_RATINGS = 5  # Home asks a newcomer to rate this many titles they know


def reason(because_1: str | None, because_2: str | None) -> str:
    """"Because you liked Sholay and Deewaar", or the popular fallback."""
    liked = " and ".join(name for name in (because_1, because_2) if name)
    return f"Because you liked {liked}" if liked else POPULAR_REASON


def for_user(username: str, limit: int = LIMIT) -> list[dict]:
    """Titles the user has not rated, listed or watched, each with a `reason` (one statement)."""
    rows = sql.recommendations(username, limit=limit)
    for row in rows:
        row["reason"] = reason(row["because_1"], row["because_2"]) if not row["popular"] else POPULAR_REASON
    return rows


def kept_for_user(username: str) -> list[dict]:
    """for_user(username) as Home shows it: kept a few minutes until the user writes anything
    (core.recent_reads), so a rating changes the picks at the next render and browsing reads them once."""
    return recent_reads.kept(username, for_user)


def similar(media_id: int, limit: int = sql.SIMILAR_LIMIT) -> list[dict]:
    return sql.similar_titles(media_id, limit)


def trending(limit: int = LIMIT) -> list[dict]:
    return sql.trending(limit=limit)


def friends_watching(username: str, limit: int = LIMIT) -> list[dict]:
    return sql.friends_watching(username, limit)


# --- training ---------------------------------------------------------------------------------------------
class TrainingRefused(Exception):
    """Training could not run (nothing to learn from, or another training holds the lock); the message says
    why and what happens meanwhile. The live neighbours table is untouched."""


@dataclass(frozen=True)
class TrainingOutcome:
    users: int
    titles_seen: int
    signals: int
    titles_learned: int
    neighbour_rows: int
    vanished_rows: int
    seconds: float


def _codes(values: list) -> tuple[np.ndarray, np.ndarray]:
    """(codes, uniques) for a list of hashable values, as pandas.factorize does, without pandas."""
    uniques, codes = np.unique(np.asarray(values, dtype=object), return_inverse=True)
    return codes.astype(np.int64), uniques


def train(conn: Connection, say: Callable[[str], None] = lambda _: None,
          max_titles: int = recommend_model.MAX_TITLES, neighbours: int = recommend_model.NEIGHBOURS,
          content_weight: float = recommend_model.CONTENT_WEIGHT) -> TrainingOutcome:
    """Learn title neighbours from every user's signals and swap them in whole. conn: a connection of the
    training's own (it holds the training lock). Raises TrainingRefused with a clear message."""
    started = time.perf_counter()
    if not sql.acquire_training_lock(conn):
        raise TrainingRefused("Another train-recommender is running; the neighbours it writes will be used "
                              "when it ends.")
    # Signals go into numpy arrays batch by batch: millions of Python rows at once would take gigabytes.
    user_code: dict[str, int] = {}
    parts: list[tuple[np.ndarray, ...]] = []
    for batch in sql.stream_signals(conn):
        parts.append((np.fromiter((user_code.setdefault(r[0], len(user_code)) for r in batch), np.int64, len(batch)),
                      np.fromiter((r[1] for r in batch), np.int64, len(batch)),
                      np.fromiter((r[2] for r in batch), np.float64, len(batch)),
                      np.fromiter((r[3] for r in batch), np.int8, len(batch))))
    columns = [np.concatenate(column) for column in zip(*parts, strict=True)] if parts else [np.zeros(0)] * 4
    user_codes, items, weights, rated = columns
    say(f"read {len(user_codes):,} signals")
    n_users = len(user_code)
    del user_code, parts, columns
    if n_users < 2:
        raise TrainingRefused(
            f"Nothing to learn from yet: {n_users} user{'s' if n_users != 1 else ''} with ratings, lists or "
            "watches (at least 2 are needed). Recommendations use the damped average of the most rated titles "
            "until then; the neighbours table is unchanged.")
    media_ids, item_codes = np.unique(items, return_inverse=True)
    X = recommend_model.interaction_matrix(user_codes, item_codes, weights, rated, n_users, len(media_ids))
    signals = X.nnz
    del items, weights, rated, user_codes, item_codes
    features = _feature_matrix(conn, media_ids) if content_weight > 0 else None
    model = recommend_model.learn(X, media_ids, features, max_titles=max_titles, neighbours=neighbours,
                                  content_weight=content_weight)
    if model.titles == 0:
        raise TrainingRefused(
            f"Nothing to learn from yet: no title has signals from {recommend_model.MIN_SUPPORT} users. "
            "Recommendations use the damped average until then; the neighbours table is unchanged.")
    say(f"learned {model.titles:,} titles from {model.users:,} users; writing {len(model.weights):,} neighbours")
    sql.start_staging(conn)
    try:
        levels = recommend_model.strength_levels(model.weights, model.titles, sql.LEVELS)
        written = sql.write_staging(conn, zip(model.sources.tolist(), levels.tolist(), model.targets.tolist(),
                                              model.weights.tolist(), strict=True))
        vanished = sql.drop_vanished_titles(conn)
        sql.swap_in_staging(conn)
    except BaseException:
        sql.drop_staging(conn)
        raise
    return TrainingOutcome(n_users, len(media_ids), signals, model.titles, written - vanished, vanished,
                           time.perf_counter() - started)


def _feature_matrix(conn: Connection, media_ids: np.ndarray) -> sp.csr_matrix | None:
    """Feature × title 0/1 matrix over media_ids' columns (type, genres, lead cast, key crew)."""
    rows = sql.content_features(conn)
    if not rows:
        return None
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    column = np.searchsorted(media_ids, ids)
    known = (column < len(media_ids)) & (media_ids[np.minimum(column, len(media_ids) - 1)] == ids)
    codes, names = _codes([r[1] for r in rows])
    matrix = sp.csr_matrix((np.ones(int(known.sum())), (codes[known], column[known])),
                           shape=(len(names), len(media_ids)))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0  # a feature listed twice (a director who also wrote) is still one feature
    return matrix
