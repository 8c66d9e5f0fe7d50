"""Guards the Qt binding pin: PySide6 6.12.0 loses a reference to True on every
Signal.emit() from Python and aborts the process after a few thousand emits, which a long
session of broker calls reaches."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    value = Signal(object, object)
    bare = Signal()


def test_emitting_signals_keeps_reference_counts(qapp):
    emitter = Emitter()
    seen: list[object] = []
    emitter.value.connect(lambda value, error: seen.append(value))
    emitter.bare.connect(lambda: None)
    before = (sys.getrefcount(True), sys.getrefcount(None))
    for i in range(500):
        emitter.value.emit(i, None)
        emitter.bare.emit()
    assert len(seen) == 500
    # The broken binding loses one reference per emit (1,000 here); allow unrelated jitter.
    true_drift = abs(sys.getrefcount(True) - before[0])
    none_drift = abs(sys.getrefcount(None) - before[1])
    assert max(true_drift, none_drift) < 50, (true_drift, none_drift)
