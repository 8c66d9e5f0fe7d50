"""What start-up imports, in fresh interpreters so no other test's imports count.

Before the window's frame is shown (app.__main__, the one-window lock, application.run and the
frame): none of the modules the window is built from (main_window.BUILD_MODULES), no settings
store, no Qt network module, no Azure SDK. While it is built (those modules): still none of
the ARM code, which is imported on the worker or when its window opens."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from app.ui.shell.opening import BUILD_MODULES

LATER = (
    "azure.mgmt",
    "azure.core.pipeline.transport",
    "app.core.arm.client",
    "app.core.arm.discover",
    "app.core.matrix.arm_tenants",
    "app.ui.arm.window",
    "app.ui.matrix.window",
)
AFTER_THE_FRAME = (
    *BUILD_MODULES,
    "app.core.settings.store",
    "PySide6.QtNetwork",
    *(("platformdirs",) if sys.platform.startswith("linux") else ()),  # location.py
    "azure",
    "msal",
    "pymsalruntime",
)


def loaded_after(*imports: str) -> list[str]:
    code = "import json, sys\n" + "".join(f"import {m}\n" for m in imports)
    code += "print(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    loaded: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    assert all(m in loaded for m in imports)  # the probe did import them
    return loaded


def among(loaded: list[str], prefixes: tuple[str, ...]) -> list[str]:
    return [m for m in loaded if any(m == p or m.startswith(p + ".") for p in prefixes)]


def test_building_the_main_window_imports_no_arm_management_code():
    assert among(loaded_after("app.ui.shell.main_window", *BUILD_MODULES), LATER) == []


def test_what_runs_before_the_frame_is_shown_imports_nothing_the_frame_can_wait_for():
    loaded = loaded_after("app.__main__", "app.ui.shell.one_window", "app.ui.shell.application")
    assert among(loaded, AFTER_THE_FRAME) == []


BUILT_AFTER_ITS_MODULES = """
import importlib, json, sys, tempfile
from pathlib import Path
from PySide6.QtWidgets import QApplication
from app.ui.shell.application import build_window  # before the frame, as in python -m app
from app.ui.shell.opening import BUILD_MODULES
for name in BUILD_MODULES:
    importlib.import_module(name)
app = QApplication(sys.argv)
before = set(sys.modules)
from app.core.broker.runtime import Broker
from app.core.settings.store import Store
from app.ui.common.tasks import TaskRunner
folder = Path(tempfile.mkdtemp())
window = build_window(Broker(), TaskRunner(), None, Store(folder / "settings.json"))
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_building_the_window_imports_nothing_its_opening_steps_did_not():
    """Each step of the opening is one turn of the event loop; an import left to the build
    itself would make its turn that much longer (the frame then stops repainting)."""
    out = subprocess.run(
        [sys.executable, "-c", BUILT_AFTER_ITS_MODULES],
        capture_output=True, text=True, timeout=120, check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    late = json.loads(out.stdout.strip().splitlines()[-1])
    assert [m for m in late if m.startswith(("app.", "PySide6."))] == []
