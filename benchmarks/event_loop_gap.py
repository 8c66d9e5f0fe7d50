"""How long can the GUI event loop stall while the broker holds a call?

Runs the real main window against the sandbox, which holds `acquireTokenSilently` for
HOLD seconds, and records the largest gap between 10 ms heartbeat ticks. The baseline is the
same heartbeat over an idle loop of the same length, measured in the same run, so the ratio
says what the broker call costs the GUI on this (noisy) machine. Target: largest gap ≤ 50 ms.

    .venv/bin/python benchmarks/event_loop_gap.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.sandbox.launcher import Sandbox

HOLD = 3.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with Sandbox() as sandbox, tempfile.TemporaryDirectory() as tmp:
        from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        from app.core.broker.runtime import Broker
        from app.core.configurations.profile import Profile
        from app.core.settings.store import Store
        from app.ui.common.tasks import TaskRunner
        from app.ui.shell.application import build_window, settle_heap

        app = QApplication.instance() or QApplication(sys.argv)
        settings = QSettings(str(Path(tmp) / "w.ini"), QSettings.Format.IniFormat)
        window = build_window(
            Broker(), TaskRunner(), sandbox, Store(Path(tmp) / "s.json"), settings
        )
        window.show()
        settle_heap()  # as the app does once its window is up
        window.session.refresh()
        while window.current is not None or window.model.rowCount() == 0:
            QTest.qWait(20)

        def largest_gap(during_broker_call: bool) -> int:
            gaps: list[int] = []
            clock = QElapsedTimer()
            heartbeat = QTimer()
            heartbeat.setInterval(10)
            heartbeat.timeout.connect(lambda: gaps.append(clock.restart()))
            if during_broker_call:
                assert sandbox.control is not None
                sandbox.control.delay("acquireTokenSilently", HOLD)
                window.profile = Profile(scopes=(f"api://bench-{uuid.uuid4().hex[:8]}/.default",))
                while window.current is not None:
                    QTest.qWait(10)
                window.table.selectRow(0)
                clock.start()
                heartbeat.start()
                window.get_token()
                while window.current is not None:
                    QTest.qWait(5)
            else:
                clock.start()
                heartbeat.start()
                QTest.qWait(int(HOLD * 1000))
            heartbeat.stop()
            return max(gaps) - 10  # the gap beyond the heartbeat interval itself

        rows = []
        for _ in range(args.rounds):
            idle = largest_gap(False)
            held = largest_gap(True)
            rows.append((idle, held))
        window.sandbox_picker.stop()
        window.close()
        del app
    print(f"{'round':>5} {'idle loop (ms)':>15} {'held broker call (ms)':>22} {'ratio':>7}")
    for i, (idle, held) in enumerate(rows, 1):
        print(f"{i:>5} {idle:>15} {held:>22} {held / max(idle, 1):>7.2f}")
    worst = max(held for _, held in rows)
    print(
        f"largest event-loop gap during a {HOLD:g} s broker call: {worst} ms "
        f"(target <= 50 ms: {'met' if worst <= 50 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
