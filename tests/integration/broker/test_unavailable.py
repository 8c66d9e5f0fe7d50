"""Broker availability is a state with a reason, never a crash: each of the three ways the
runtime can fail to load, produced for real in a fresh interpreter (the outcome is decided
once per process, at import)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

PROBE = (
    "import json; from app.core.broker.runtime import Broker; "
    "from app.core.guidance.statuses import for_unavailable; "
    "u = Broker().unavailable; "
    "print(json.dumps(u and dict(kind=u.kind, reason=u.reason, remedy=u.remedy, "
    "title=for_unavailable(u).title)))"
)


def probe(*python_args: str, env: dict[str, str] | None = None) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, *python_args, "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_wheel_missing():
    # -S: no site-packages at all, so `import pymsalruntime` raises a real ImportError.
    outcome = probe("-S", env={"PYTHONPATH": str(ROOT)})
    assert outcome["kind"] == "wheel-missing"
    assert "pip install pymsalruntime" in outcome["remedy"]


def test_system_libraries_missing(tmp_path):
    # A copy of the real package whose native library cannot be loaded: ctypes.CDLL raises the
    # same OSError a missing libwebkit2gtk gives. (We cannot uninstall system libraries here.)
    import pymsalruntime  # noqa: F401 - the session sandbox is up, so this import succeeds

    package = Path(sys.modules["pymsalruntime"].__file__).parent  # type: ignore[arg-type]
    shutil.copytree(package, tmp_path / "pymsalruntime")
    (tmp_path / "pymsalruntime" / "libmsalruntime.so").write_bytes(b"not a shared object")
    outcome = probe(env={"PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])})
    assert outcome["kind"] == "system-libraries"
    assert "libmsalruntime.so" in outcome["reason"]
    assert "apt-get install libwebkit2gtk-4.1-0" in outcome["remedy"]


def test_no_broker_answering(tmp_path):
    # A real, empty session bus: nothing owns com.microsoft.identity.broker1.
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        address = bus.stdout.readline().decode().strip()  # type: ignore[union-attr]
        outcome = probe(env={"DBUS_SESSION_BUS_ADDRESS": address})
    finally:
        bus.terminate()
        bus.wait(5)
        bus.stdout.close()  # type: ignore[union-attr]
    assert outcome["kind"] == "no-broker"
    assert "Broker cannot be initialized" in outcome["reason"]
    assert "--sandbox" in outcome["remedy"]
    assert outcome["title"]


@pytest.mark.parametrize("address", ["unix:path=/nonexistent/bus"])
def test_no_session_bus_at_all(address):
    outcome = probe(env={"DBUS_SESSION_BUS_ADDRESS": address})
    assert outcome["kind"] == "no-broker"
