"""A user's costly reads, kept a few minutes in this process until the user writes again.

Home's picks for you read up to 8,000 learned neighbour rows (18.7 ms a render at 100,000 titles under load,
the largest single cost of a loaded large-scale server; issue 15) and change with what the user does: a
rating, a watch, a list. Every transaction the user commits in this process (any page, an import, a
dialog) makes the kept answer old at once (db.engine.commits_by), so "rate a title and your picks change"
holds. What others do (their ratings move the popular titles, a retraining, the same user on another
worker process) reaches the answer within KEEP_SECONDS.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from db import engine

T = TypeVar("T")

KEEP_SECONDS = 300
MAX_KEPT = 4096  # answers in all (a few rows each): past it the least recently used go

clock = time.monotonic  # tests move it on
_kept: OrderedDict[tuple, tuple[float, int, object]] = OrderedDict()
_lock = threading.Lock()


def kept(username: str, read: Callable[[str], T]) -> T:
    """read(username), or the answer it gave less than KEEP_SECONDS ago if username has committed nothing in
    this process since. The answer is shared: callers must not change it."""
    key = (engine.default(), read, username)
    commits = engine.commits_by(username)  # before reading: a commit during the read makes the answer old
    now = clock()
    with _lock:
        found = _kept.get(key)
        if found is not None and found[0] > now and found[1] == commits:
            _kept.move_to_end(key)
            return found[2]  # type: ignore[return-value]
    answer = read(username)  # outside the lock: other users' reads need not wait for this one
    with _lock:
        _kept[key] = (now + KEEP_SECONDS, commits, answer)
        _kept.move_to_end(key)
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)
    return answer
