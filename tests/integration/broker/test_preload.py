"""The broker runtime's library preloaded (app/core/broker/preload.py), in a fresh interpreter
against the session sandbox (the runtime loads once per process): after `preload.start()` and
`wait()`, libmsalruntime.so is mapped while pymsalruntime is not yet imported, and the import
that follows still finds the broker (it decides there whether one answers): the accounts list
as without the preload. Speed is benchmarks/event_loop_gap.py's (round 0)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.helpers import ROOT

SCRIPT = r"""
import json, sys
from pathlib import Path
from app.core.broker import preload

maps = lambda: Path("/proc/self/maps").read_text()
before = "libmsalruntime.so" in maps()
preload.start()
preload.wait()
mapped = "libmsalruntime.so" in maps()
imported_early = "pymsalruntime" in sys.modules
from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
accounts = Broker().discover_accounts(Profile())
print(json.dumps({"before": before, "mapped": mapped, "imported_early": imported_early,
                  "accounts": sorted(a.username for a in accounts)}))
"""


def run(script: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_the_preloaded_library_is_the_one_the_runtime_then_uses():
    preloaded = run(SCRIPT)
    assert preloaded["before"] is False and preloaded["mapped"] is True
    assert preloaded["imported_early"] is False
    plain = run(SCRIPT.replace("preload.start()", "pass"))
    assert plain["mapped"] is False  # nothing else loads it early: the preload did
    assert preloaded["accounts"] == plain["accounts"]
    assert "adele@contoso.example" in preloaded["accounts"]
