"""Costly reads kept a few minutes in this process, until the reader writes again.

Home's picks for you read up to 8,000 learned neighbour rows (18.7 ms a render at 100,000 titles under load,
the largest single cost of a loaded large-scale server; issue 15) and change with what the user does: a
rating, a watch, a list. Explore's search scores every title a common word finds (8,000 at 100,000 titles,
36 ms), and Explore runs again with the same text for every page, filter, sort and "Log a watch" click.

A kept answer is old for whoever has committed a transaction in this process since it was read (any page,
an import, a dialog: db.engine.last_commit), so "rate a title and your picks change" holds, and a moderator
sees their own edit in their next search. What others do (their ratings move the popular titles, an edit, a
retraining, the same user on another worker process) reaches the answer within its keeping time.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
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
    return shared((read, username), username, lambda: read(username))


def shared(key: Hashable, reader: str, read: Callable[[], T], seconds: float = KEEP_SECONDS) -> T:
    """read(), or the answer it gave for key less than `seconds` ago, read by anyone, if `reader` has
    committed nothing in this process since. For answers that are the same for everyone who asks (the key
    says everything the answer depends on); callers must not change them."""
    key = (engine.default(), key)
    now = clock()
    with _lock:
        found = _kept.get(key)
        if found is not None and found[0] > now and engine.last_commit(reader) <= found[1]:
            _kept.move_to_end(key)
            return found[2]  # type: ignore[return-value]
    read_at = engine.commit_sequence()  # before reading: a commit during the read makes the answer old
    answer = read()  # outside the lock: other reads need not wait for this one
    with _lock:
        _kept[key] = (now + seconds, read_at, answer)
        _kept.move_to_end(key)
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)
    return answer


def forget_all() -> None:
    """Drop every kept answer, as a new process starts (the tests start each test so)."""
    with _lock:
        _kept.clear()
