"""What start-up built is frozen out of the garbage collector's walks; what is made later
is still collected (copbot/heap.py)."""

from __future__ import annotations

import gc
import weakref

from copbot.heap import freeze_start_up_objects


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_start_up_objects_are_frozen_and_later_garbage_is_still_collected() -> None:
    gc.unfreeze()
    kept = [Node() for _ in range(100)]  # start-up state the process keeps
    dropped = weakref.ref(Node())  # start-up garbage: collected before the freeze
    try:
        frozen = freeze_start_up_objects()
        assert frozen == gc.get_freeze_count() > 100
        assert dropped() is None
        walked = {id(o) for o in gc.get_objects()}  # what a full collection walks
        assert not walked & {id(node) for node in kept}
        later = weakref.ref(Node())  # made after start-up: collected as before
        gc.collect()
        assert later() is None
    finally:
        gc.unfreeze()
