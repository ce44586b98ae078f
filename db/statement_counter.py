"""Statement counter: how many SQL statements ran and how long they took, for tests and benchmarks.

Counts are process-wide (AppTest runs a page in its own thread, so a context variable would miss it);
measure() reads the difference between its start and its end.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

_lock = threading.Lock()
_totals = {"statements": 0, "seconds": 0.0}
_started = threading.local()


def before_execute(conn, cursor, statement, parameters, context, executemany):
    _started.at = time.perf_counter()


def after_execute(conn, cursor, statement, parameters, context, executemany):
    elapsed = time.perf_counter() - getattr(_started, "at", time.perf_counter())
    with _lock:
        _totals["statements"] += 1
        _totals["seconds"] += elapsed
    for listener in list(_listeners):
        listener(statement)


_listeners: list = []


@dataclass
class Measurement:
    statements: int = 0
    seconds: float = 0.0
    sql: list[str] = field(default_factory=list)


@contextmanager
def measure(keep_sql: bool = False):
    """with measure() as m: ...  then m.statements, m.seconds (time spent in the server round trips)."""
    m = Measurement()
    listener = m.sql.append if keep_sql else None
    if listener:
        _listeners.append(listener)
    with _lock:
        start = dict(_totals)
    try:
        yield m
    finally:
        if listener:
            _listeners.remove(listener)
        with _lock:
            m.statements = _totals["statements"] - start["statements"]
            m.seconds = _totals["seconds"] - start["seconds"]
