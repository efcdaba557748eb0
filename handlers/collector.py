"""The cyclic garbage collector's settings for a long-running bot process.

Every update makes a few hundred short-lived objects (PTB's Update, the flow's messages and
replies), nearly all freed at once by reference counting. CPython's cyclic collector still runs
after every 700 new objects, and each of its full passes walks every object alive, the tables
and catalogs loaded at start-up included. In ``benchmarks/run.py`` with 1,000 workers at once it
took a quarter of the process's CPU. Once the process has started, what it has loaded stays for
its whole life, so it is frozen (``gc.freeze``: never walked again), and the youngest generation
is collected every 10,000 new objects: cycles wait a little longer to be freed, nothing else
changes.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000


def settle_collector() -> None:
    """Call once everything the process keeps for good has been loaded."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
