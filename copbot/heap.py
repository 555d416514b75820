"""What start-up built stays out of the garbage collector's way.

Modules, translation catalogs, the ORM's model metadata and the platform clients live as
long as the process, yet every full collection of CPython's cyclic garbage collector
walks them all: ~130,000 objects after start-up, ~40 ms a collection on the 2-core
development machine, during which the event loop answers nobody. One came every few
hundred commands (benchmarks/core_commands.py: a share's CPU went from 0.69-0.73 ms to
0.83 ms in a round with one). ``gc.freeze()`` moves them into a generation the collector
never walks; what is created later is collected as before.
"""

from __future__ import annotations

import gc


def freeze_start_up_objects() -> int:
    """Collect what start-up already dropped (so it is freed, not kept for good), then
    freeze the rest; returns how many objects are frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
