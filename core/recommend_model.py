"""The recommender's model, in numpy: EASE (Steck 2019, "Embarrassingly Shallow Autoencoders"), a linear
item-to-item model with a closed form, learned on the most interacted titles and cut to the strongest
weights per title so SQL can serve it.

Why EASE: on MovieLens latest-small with the project's protocol (benchmarks/bench_recommend.py) it beats
the popularity and item-kNN anchors by a wide margin (see the benchmark); its one hyperparameter is stable
across seeds; training is one Gram matrix and one inversion, so its time and memory depend on how many
titles it keeps (MAX_TITLES: 3,000 titles is a 72 MB matrix and a second of LAPACK), not on how many ratings
there are. 3,000 titles rather than 2,000 or 4,500, lambda 100 rather than 60, 200 or 300, and no
genre/people side information (CONTENT_WEIGHT 0) measured best or as well (MovieLens, seeds 0-2, in a
numpy replica of training and serving); the rarely rated titles beyond 3,000 add noise more than reach. Titles outside
the kept set get no learned neighbours; recommendations fall back to the damped average for users whose
signals reach none.

Truncation: each source title i keeps the NEIGHBOURS targets j with the largest |B[i, j]| (negative weights
too: in EASE they push down what a user's history speaks against), and strength_levels() sorts every kept
row into nested levels by |B| over all sources, so the serving query can read the rows that add the most
to a user's scores first (db.recommend).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

MAX_TITLES = 3000     # the Gram matrix is MAX_TITLES² float64: 72 MB at 3,000
MIN_SUPPORT = 2       # a title seen by one user teaches nothing about co-occurrence
L2 = 100.0           # EASE's lambda, tuned on MovieLens (50-200 within 0.005 recall@10)
NEIGHBOURS = 255      # neighbours kept per source (MovieLens: 255 of 3,000 cost 0.004 recall@10 against all)
CONTENT_WEIGHT = 0.0  # how much one shared feature (genre, person, type) counts, against one user's 1.0
MIN_ABS_WEIGHT = 1e-5
_BLOCK = 512          # rows truncated at a time, to keep the index arrays small


@dataclass(frozen=True)
class Neighbours:
    sources: np.ndarray   # media ids
    targets: np.ndarray   # media ids
    weights: np.ndarray   # float32
    titles: int           # titles the model learned
    users: int


def interaction_matrix(user_codes: np.ndarray, item_codes: np.ndarray, weights: np.ndarray,
                       rated: np.ndarray, n_users: int, n_items: int) -> sp.csr_matrix:
    """Users × titles with one weight per pair (the signals of one pair are not added up): the rating's
    when the user rated the title (rated: 1 for a rating), otherwise the largest."""
    order = np.lexsort((-weights, -rated, item_codes, user_codes))
    u, i, w = user_codes[order], item_codes[order], weights[order]
    first = np.ones(len(u), dtype=bool)
    first[1:] = (u[1:] != u[:-1]) | (i[1:] != i[:-1])
    return sp.csr_matrix((w[first], (u[first], i[first])), shape=(n_users, n_items), dtype=np.float64)


def learn(X: sp.csr_matrix, media_ids: np.ndarray, features: sp.csr_matrix | None = None,
          max_titles: int = MAX_TITLES, l2: float = L2, neighbours: int = NEIGHBOURS,
          content_weight: float = CONTENT_WEIGHT) -> Neighbours:
    """EASE on the max_titles most interacted titles of X (users × titles; media_ids names its columns).
    features: optional feature × title 0/1 matrix added as extra rows scaled by content_weight."""
    support = np.asarray((X > 0).sum(axis=0)).ravel()
    eligible = np.flatnonzero(support >= MIN_SUPPORT)
    keep = eligible[np.argsort(-support[eligible], kind="stable")][:max_titles]
    keep.sort()
    users = int(np.count_nonzero(np.diff(X.indptr)))
    if len(keep) < 2:
        empty = np.array([], dtype=np.int64)
        return Neighbours(empty, empty, np.array([], dtype=np.float32), 0, users)
    Xk = X[:, keep]
    if features is not None and content_weight > 0:
        Xk = sp.vstack([Xk, features[:, keep] * content_weight]).tocsr()
    G = (Xk.T @ Xk).toarray()
    G[np.diag_indices_from(G)] += l2
    P = np.linalg.inv(G)
    del G
    P /= -np.diag(P)          # B[i, j] = -P[i, j] / P[j, j]
    P[np.diag_indices_from(P)] = 0.0
    sources, targets, weights = _strongest_per_row(P, neighbours)
    return Neighbours(media_ids[keep][sources], media_ids[keep][targets], weights, len(keep), users)


def _strongest_per_row(B: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, value) of the k largest |values| of each row, zeros and near-zeros left out."""
    k = min(k, B.shape[1] - 1)
    rows, cols, vals = [], [], []
    for start in range(0, B.shape[0], _BLOCK):
        block = B[start:start + _BLOCK]
        top = np.argpartition(-np.abs(block), k - 1, axis=1)[:, :k]
        picked = np.take_along_axis(block, top, axis=1)
        row = np.broadcast_to(np.arange(start, start + block.shape[0])[:, None], top.shape)
        strong = np.abs(picked) >= MIN_ABS_WEIGHT
        rows.append(row[strong])
        cols.append(top[strong])
        vals.append(picked[strong].astype(np.float32))
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)


def strength_levels(weights: np.ndarray, sources: int, levels: int) -> np.ndarray:
    """The first of `levels` nested levels that holds each neighbour row: level L < levels holds the
    sources * (2^L - 1) rows with the largest |weight| over all sources (as many rows as each source's
    2^L - 1 strongest would be, but a source with strong weights gets more of them and a weak one fewer),
    the last level holds every row. Reading a level then reads the rows that add the most to a score: on
    MovieLens (seeds 0-2, simulated) this beat each source's own strongest 2^L - 1 by 0.004 recall@10 at
    the same row budget."""
    strength = np.sort(np.abs(weights))[::-1]
    if not len(strength):
        return np.zeros(0, dtype=np.int64)
    above = [strength[min(len(strength), sources * (2 ** level - 1)) - 1] for level in range(1, levels)]
    return 1 + np.sum(np.abs(weights)[:, None] < np.asarray(above)[None, :], axis=1)
