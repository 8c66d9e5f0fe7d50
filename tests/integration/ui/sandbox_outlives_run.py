"""Run by tests/integration/ui/test_sandbox_start.py in a fresh interpreter: the window starts
its sandbox, then stays idle past the point where the shared thread pool lets its idle
threads go. The sandbox's processes die with the thread that started them (PR_SET_PDEATHSIG
follows the thread, not the process: app/sandbox/processes.py), so they must have been
started on a thread that is kept: this checks they are still running and still answer.

The shared pool's 30 s expiry is shortened to 0.2 s here (Qt's own setting, so the wait is
seconds, not minutes); the sandbox's own pool is left as the app makes it. Real Qt
(offscreen), the real runtime. Prints what it saw as JSON."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QThreadPool
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.integration.ui.sandbox_retry_run import sandboxed_window, until

IDLE_MS = 3000  # fifteen times the shortened expiry


def main() -> None:
    qt = QApplication([])
    QThreadPool.globalInstance().setExpiryTimeout(200)
    later, window, starter = sandboxed_window(Path(tempfile.mkdtemp()))
    seen: dict[str, object] = {}
    try:
        starter.start()
        window.session.refresh()
        until(lambda: window.model.rowCount() > 0 and window.current is None)
        seen["first"] = window.model.rowCount()
        QTest.qWait(IDLE_MS)
        assert later.sandbox is not None
        seen["running"] = [proc.poll() is None for proc in later.sandbox.procs]
        listings: list[object] = []
        window.signals.listing_arrived.connect(listings.append)
        window.session.refresh()  # the broker asked again, after the idle time
        until(lambda: bool(listings) and window.current is None)
        rows = len(getattr(listings[0], "accounts", ())) if listings else -1
        seen["again"] = [rows, window.banner.isVisible()]
        window.sandbox_picker.stop()  # type: ignore[union-attr]
        window.close()
        del qt
    finally:
        later.stop()
    print(json.dumps(seen))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
