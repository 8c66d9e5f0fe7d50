"""Render the main window's states offscreen to docs/*.png against the sandbox, so the
screenshots in README stay current: `.venv/bin/python scripts/screenshots.py`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.sandbox.launcher import Sandbox  # noqa: E402


def main() -> None:
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    with Sandbox() as sandbox:
        from PySide6.QtCore import QElapsedTimer
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        from app.core.broker import Broker
        from app.ui.application import build_window
        from app.ui.tasks import TaskRunner

        app = QApplication.instance() or QApplication(sys.argv)
        window = build_window(Broker(), TaskRunner(), sandbox)
        window.resize(1100, 640)
        window.show()

        def settle(until) -> None:  # type: ignore[no-untyped-def]
            clock = QElapsedTimer()
            clock.start()
            while not until() and clock.elapsed() < 15000:
                QTest.qWait(25)
            QTest.qWait(100)

        def shot(name: str, widget=None) -> None:  # type: ignore[no-untyped-def]
            (widget or window).grab().save(str(docs / f"{name}.png"))
            print("wrote", docs / f"{name}.png")

        window.refresh()
        settle(lambda: window.current is None and window.model.rowCount() > 0)
        shot("accounts")
        window.table.selectRow(0)
        for username in ("adele@contoso.example",):
            row = next(i for i, r in enumerate(window.model.rows) if r.account.username == username)
            window.table.selectRow(window.proxy.mapFromSource(window.model.index(row, 0)).row())
        window.get_token()
        settle(lambda: window.current is None)
        window.make_active()
        settle(lambda: True)
        shot("token-inspector")
        row = next(
            i for i, r in enumerate(window.model.rows) if r.account.username.startswith("carl")
        )
        window.table.selectRow(window.proxy.mapFromSource(window.model.index(row, 0)).row())
        window.get_token()
        settle(lambda: window.current is None)
        shot("error-guidance")
        window.banner.hide()
        window.add_account()
        settle(lambda: window.sandbox_picker.dialog is not None)
        shot("sandbox-picker", window.sandbox_picker.dialog)
        window.sandbox_picker.dialog.reject()
        settle(lambda: window.current is None)
        window.close()
        del app


if __name__ == "__main__":
    main()
