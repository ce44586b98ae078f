"""The recommender's evaluation protocol (ours; benchmarks/bench_recommend.py runs it), kept exactly:

- one number per rating row, in file order, from numpy.random.default_rng(seed).random(n);
- per user, the rows whose percentile rank of that number (pandas rank(pct=True)) is above 0.8 are the test
  set, the rest train;
- relevant = test ratings >= 4.0 stars; only users with at least one relevant title count;
- titles the user has in training are never in their top 10;
- recall@10 = hits / relevant titles, precision@10 = hits / 10, hit rate = share of users with a hit, each
  averaged over users.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

TEST_ABOVE = 0.8
RELEVANT_STARS = 4.0
K = 10


def split(ratings: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test) of a frame with userId, movieId, rating columns, in file order."""
    draw = np.random.default_rng(seed).random(len(ratings))
    pct = pd.Series(draw, index=ratings.index).groupby(ratings["userId"]).rank(pct=True)
    test = pct > TEST_ABOVE
    return ratings[~test], ratings[test]


def relevant_by_user(test: pd.DataFrame) -> dict[int, set[int]]:
    liked = test[test["rating"] >= RELEVANT_STARS]
    return {int(u): {int(m) for m in group} for u, group in liked.groupby("userId")["movieId"]}


@dataclass(frozen=True)
class Scores:
    recall: float
    precision: float
    hit_rate: float
    users: int


def evaluate(relevant: dict[int, set[int]], top_k: Callable[[int], Iterable[int]], k: int = K) -> Scores:
    """Score top_k(user) -> the user's ranked picks (only the first k count) against their relevant titles."""
    recalls, precisions, hits = [], [], []
    for user, wanted in relevant.items():
        picks = list(top_k(user))[:k]
        found = len(wanted & set(picks))
        recalls.append(found / len(wanted))
        precisions.append(found / k)
        hits.append(found > 0)
    if not recalls:
        return Scores(0.0, 0.0, 0.0, 0)
    return Scores(float(np.mean(recalls)), float(np.mean(precisions)), float(np.mean(hits)), len(recalls))
