"""Run by tests/integration/ui/test_sandbox_start.py in a fresh interpreter (the runtime
decides at import, once per process, whether a broker answers): the window's sandbox fails to
start for real (no dbus-daemon on PATH), the window says so, then Start the sandbox again
(PATH restored) starts it and lists the accounts. Real Qt (offscreen), the real runtime.
Prints what it saw as JSON."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.core.broker.runtime import Broker
from app.core.settings.store import Store
from app.sandbox.later import LaterSandbox
from app.ui.common.tasks import TaskRunner
from app.ui.shell.application import build_window
from app.ui.shell.main_window import MainWindow
from app.ui.shell.sandbox_start import SandboxStart


def until(condition, seconds: float = 60) -> bool:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds * 20)):
        if condition():
            return True
        QTest.qWait(50)
    return False


def sandboxed_window(tmp: Path) -> tuple[LaterSandbox, MainWindow, SandboxStart]:
    """A window in sandbox mode as `python -m app --sandbox` builds it, shown, its sandbox not
    started yet; settings of its own in `tmp`."""
    later = LaterSandbox()
    settings = QSettings(str(tmp / "w.ini"), QSettings.Format.IniFormat)
    window = build_window(Broker(), TaskRunner(), later, Store(tmp / "s.json"), settings)
    starter = SandboxStart(later, window)
    window.show()
    return later, window, starter


def main() -> None:
    qt = QApplication([])
    tmp = Path(tempfile.mkdtemp())
    later, window, starter = sandboxed_window(tmp)
    path, os.environ["PATH"] = os.environ["PATH"], str(tmp)  # no dbus-daemon here
    seen: dict[str, object] = {}
    try:
        starter.start()
        window.session.refresh()
        banner = window.banner
        until(lambda: banner.action.isVisible() and window.current is None)
        seen["failed"] = [banner.title.text(), banner.body.text(), banner.action.text()]
        seen["imported"] = "pymsalruntime" in sys.modules
        os.environ["PATH"] = path
        banner.action.click()
        until(lambda: window.model.rowCount() > 0 and window.current is None)
        seen["again"] = [starter.services, window.model.rowCount(), banner.isVisible()]
        window.sandbox_picker.stop()  # type: ignore[union-attr]
        window.close()
        del qt
    finally:
        later.stop()
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
