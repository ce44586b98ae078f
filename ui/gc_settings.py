"""How often Python's cyclic garbage collector runs in a StreamSync server process.

Python's defaults (700, 10, 10) run a young collection every 700 new container objects and a full one about
every hundred young ones. A page run makes tens of thousands of objects (protobuf messages, rows, widgets)
that reference counting frees anyway, so under load a worker ran about 130 young and one full collection
per second, each full one walking everything the process holds (Streamlit, the search index, sessions):
in issue 15's measurement a tenth of a worker's time at large scale, with every session waiting. With a
young collection every 10,000 objects the same load ran 13 young and one full collection a minute, and a
worker served 16 % more page runs at large scale, 4 % more on the demo (docs/deployment.md). Cyclic garbage
waits a little longer to be freed; the 10-minute soak stays flat with this setting.
"""
from __future__ import annotations

import gc

THRESHOLDS = (10_000, 10, 10)


def apply() -> None:
    """Set the collector's thresholds for this process and freeze what it holds so far (the server calls it
    once when it starts, after importing the app's modules). Frozen objects are never walked again: a full
    collection walked the 143,000 objects of Streamlit, pandas, altair and SQLAlchemy's modules, 127 ms with
    every session of the worker waiting (this machine, 30 Nov 2026), for objects that live as long as the
    process. Only what the sessions make since is collected."""
    gc.set_threshold(*THRESHOLDS)
    gc.freeze()
