"""The frozen app's entry point (packaging/launch.py): with --self-test nothing escapes to the
windowed bootloader's dialog, which a CI runner never clicks; without it, an exception still
reaches the bootloader (the only thing a windowed app can show when it cannot start). The
frozen bundle's own run of this is in test_bundle.py."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

# app.__main__ cannot be imported: as if the bundle had lost a module.
BROKEN = """
import runpy, sys
sys.modules["app.__main__"] = None
sys.argv = ["BrokerAccountManager", *sys.argv[1:]]
runpy.run_path("packaging/launch.py", run_name="__main__")
"""


def launch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BROKEN, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_a_self_test_that_breaks_before_reporting_writes_why_and_exits_3(tmp_path: Path):
    report = tmp_path / "report.txt"
    result = launch("--self-test", str(report))
    assert result.returncode == 3
    text = report.read_text(encoding="utf-8")
    assert text.startswith("FAIL the self-test broke before it could report:\n")
    assert "ModuleNotFoundError" in text and "app.__main__" in text
    if os.name == "posix":  # private to the user, as every file the app writes
        assert stat.S_IMODE(report.stat().st_mode) == 0o600


def test_without_a_report_file_it_is_said_on_stderr(tmp_path: Path):
    result = launch("--self-test")
    assert result.returncode == 3 and "ModuleNotFoundError" in result.stderr
    missing = tmp_path / "no such folder" / "report.txt"
    result = launch("--self-test", str(missing))  # the report cannot be written: stderr
    assert result.returncode == 3 and "before it could report" in result.stderr


def test_a_users_run_still_raises_to_the_bootloader():
    result = launch()
    assert result.returncode == 1
    assert result.stderr.rstrip().splitlines()[-1].startswith("ModuleNotFoundError")
