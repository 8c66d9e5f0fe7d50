"""Once the window is up, the start-up heap is frozen and young collections wait longer."""

from __future__ import annotations

import gc

from app.ui.shell.application import GC_YOUNG, settle_heap


def test_settle_heap_freezes_what_is_alive_and_raises_the_young_threshold() -> None:
    before = gc.get_threshold()
    alive = [object() for _ in range(10)], {"kept": []}
    try:
        settle_heap()
        assert gc.get_threshold() == (GC_YOUNG, *before[1:])
        assert gc.get_freeze_count() > 0
        assert not any(gc.is_tracked(o) and o is alive[1] for o in gc.get_objects())  # frozen
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_young_garbage_is_collected_before_the_freeze() -> None:
    """Only the young generations are collected (a full collection found nothing to free and
    stopped the window 40-56 ms): what start-up just left is freed, not frozen."""
    import weakref

    class Node:
        pass

    before = gc.get_threshold()
    cycle = Node()
    cycle.self = cycle  # type: ignore[attr-defined]
    gone = weakref.ref(cycle)
    del cycle
    try:
        settle_heap()
        assert gone() is None
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
