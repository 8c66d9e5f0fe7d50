"""Start-up stays free of the ARM code: importing the main window (what start-up imports before
the window is up) loads neither azure-mgmt-core's pipeline nor the ARM client, discovery or
their windows; those are imported on the worker or when their window is opened. A fresh
interpreter, so no other test's imports count."""

from __future__ import annotations

import json
import subprocess
import sys

LATER = (
    "azure.mgmt",
    "azure.core.pipeline.transport",
    "app.core.arm.client",
    "app.core.arm.discover",
    "app.core.matrix.arm_tenants",
    "app.ui.arm.window",
    "app.ui.matrix.window",
)


def test_importing_the_main_window_imports_no_arm_management_code():
    code = (
        "import json, sys\n"
        "import app.ui.shell.main_window\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert "app.ui.shell.main_window" in loaded  # the probe did import it
    early = [m for m in loaded if any(m == p or m.startswith(p + ".") for p in LATER)]
    assert early == []
