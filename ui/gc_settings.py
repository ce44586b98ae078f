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
    """Set the collector's thresholds for this process (the server calls it once when it starts)."""
    gc.set_threshold(*THRESHOLDS)
