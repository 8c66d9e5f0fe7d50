"""How --self-test reports (app.selftest): every line in the report file as it is found, a check
that raises as a failure line, a check that hangs stopped by the watchdog with its traceback.
Run in a child process with stand-in checks (the real ones load the broker runtime: the frozen
bundle's self-test is tests/integration/packaging); the child's exit status is what a CI step
reads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

HEADER = """
import sys, threading
from pathlib import Path
from app import selftest

def first(report):
    report.ok("first check")

def raises(report):
    raise KeyError("no such thing")

def hangs(report):
    threading.Event().wait()

def last(report):
    report.ok("last check")

selftest.WATCHDOG = 0.5
"""


def self_test(tmp_path: Path, checks: str) -> tuple[int, str]:
    report = tmp_path / "report.txt"
    code = f"{HEADER}\nselftest.CHECKS = ({checks},)\nsys.exit(selftest.run(Path(sys.argv[1])))"
    result = subprocess.run(
        [sys.executable, "-c", code, str(report)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    return result.returncode, report.read_text(encoding="utf-8")


def test_a_check_that_raises_is_a_failure_line_and_the_rest_still_run(tmp_path: Path) -> None:
    code, report = self_test(tmp_path, "first, raises, last")
    assert code == 1
    lines = report.splitlines()
    assert lines[1:] == [
        "ok   first check",
        "FAIL raises broke: KeyError: 'no such thing'",
        "ok   last check",
        "note self-test failed: 1 problem",
    ]
    assert lines[0].startswith("note self-test of ")


def test_a_check_that_hangs_is_stopped_and_named_with_what_came_before_kept(
    tmp_path: Path,
) -> None:
    code, report = self_test(tmp_path, "first, hangs, last")
    assert code == 1  # faulthandler's exit: what build.py and the workflow read
    assert "ok   first check" in report and "last check" not in report
    assert "Timeout (0:00:00.500000)!" in report
    assert "in hangs" in report  # the hanging check's frame, named in the report


def test_nothing_failed_is_exit_status_zero(tmp_path: Path) -> None:
    code, report = self_test(tmp_path, "first, last")
    assert code == 0 and report.splitlines()[-1] == "note self-test passed"
