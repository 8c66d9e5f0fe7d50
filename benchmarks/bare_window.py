"""The baseline for benchmarks/startup.py: a bare PySide6 window, shown and probed the way the
app is (`--startup-probe FILE`: write the time once the event loop has run, then quit)."""

import json
import sys
import time

from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1100, 720)
window.show()
if "--startup-probe" in sys.argv:
    path = sys.argv[sys.argv.index("--startup-probe") + 1]

    def write() -> None:
        with open(path, "w") as f:
            json.dump({"shown": time.time(), "sdk_modules": []}, f)
        app.quit()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, write)
sys.exit(app.exec())
