"""The command line against the session sandbox, in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m app ARGS`, or with "-c", CODE: that code, in a fresh interpreter."""
    command = [sys.executable, *args] if args[0] == "-c" else [sys.executable, "-m", "app", *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=180, cwd=ROOT, env={**os.environ, **env}
    )


def test_list_accounts_prints_what_the_broker_knows(control):
    result = run("--list-accounts")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    adele = next(line for line in lines if line.startswith("adele@contoso.example"))
    assert "Work or school" in adele and "Adele Vance" in adele
    assert any(line.startswith("alex@outlook.example") and "Personal" in line for line in lines)


def test_list_accounts_rejects_a_bad_tenant_with_a_field_message():
    result = run("--list-accounts", "--tenant", "contoso/B2C_1_signin")
    assert result.returncode == 2
    assert "tenant" in result.stderr and "B2C" in result.stderr


def test_the_window_is_shown_before_the_azure_sdk_is_imported(control, tmp_path):
    probe = tmp_path / "probe.json"
    settings = tmp_path / "config"
    result = run("--startup-probe", str(probe), XDG_CONFIG_HOME=str(settings))
    assert result.returncode == 0, result.stderr[-2000:]
    shown = json.loads(probe.read_text())
    assert shown["sdk_modules"] == []
    assert shown["shown"] > 0
    assert "Traceback" not in result.stderr


FRESH_WINDOW = """
import sys, tempfile, threading
from pathlib import Path
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
from app.core.broker import Broker
from app.core.store import Store
from app.ui.application import build_window
from app.ui.tasks import TaskRunner

loaded_on = []
sys.addaudithook(lambda event, args: event == "import" and args[0] == "pymsalruntime"
                 and loaded_on.append(threading.current_thread() is threading.main_thread()))
app = QApplication([])
tmp = Path(tempfile.mkdtemp())
window = build_window(Broker(), TaskRunner(), None, Store(tmp / "s.json"),
                      QSettings(str(tmp / "w.ini"), QSettings.Format.IniFormat))
window.show()
window.refresh()
def listed():
    if window.current is None and window.model.rowCount():
        print(window.model.rowCount(), loaded_on)
        app.quit()
timer = QTimer()
timer.timeout.connect(listed)
timer.start(20)
QTimer.singleShot(120000, app.quit)
app.exec()
"""


def test_a_fresh_window_loads_the_broker_runtime_off_the_gui_thread(control):
    result = run("-c", FRESH_WINDOW)
    assert result.returncode == 0, result.stderr[-2000:]
    rows, loaded_on_main_thread = result.stdout.split(maxsplit=1)
    assert int(rows) >= 5
    assert loaded_on_main_thread.strip() == "[False]"


PII_BEFORE_LOAD = """
import sys
from app.core import broker
broker.set_pii_logging(True)  # as the diagnostics dock does, on the GUI thread
print("loaded" if "pymsalruntime" in sys.modules else "not loaded")
import pymsalruntime
told = []
# The native runtime cannot report its PII setting: record what it is told instead.
pymsalruntime.set_is_pii_enabled = told.append
broker.load_runtime()
broker.set_pii_logging(False)
print(told)
"""


def test_pii_logging_chosen_before_the_runtime_loads_is_applied_when_it_does(control):
    result = run("-c", PII_BEFORE_LOAD)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split("\n")[:2] == ["not loaded", "[1, 0]"]
