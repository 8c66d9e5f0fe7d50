"""packaging/build.py's self-test step, as the workflow runs it: a self-test that hangs is
killed and fails the build; a windowed exe's report (it has no console) is printed. The real
bundle's self-test runs in test_bundle.py; these use small stand-in executables."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest


def executable(folder: Path, body: str) -> Path:
    """A stand-in for the built exe: run with `--self-test REPORT`."""
    path = folder / "fake-exe"
    path.write_text(f"#!{sys.executable}\nimport sys, time\nreport = sys.argv[2]\n{body}\n")
    path.chmod(0o755)
    return path


def test_a_self_test_that_never_finishes_is_killed_and_fails_the_build(
    build: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    exe = executable(tmp_path, "time.sleep(600)")
    code = build.self_test(exe, tmp_path / "report.txt", timeout=1, console=False)
    assert code == build.TIMED_OUT
    printed = capsys.readouterr()
    assert "self-test did not finish within 1 s: killed" in printed.err
    assert "(no report written)" in printed.out


def test_a_windowed_exes_report_is_printed_and_its_failure_fails_the_build(
    build: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    body = "open(report, 'w').write('FAIL broker runtime cannot load\\n'); sys.exit(1)"
    code = build.self_test(executable(tmp_path, body), tmp_path / "r.txt", console=False)
    assert code == 1
    printed = capsys.readouterr()
    assert printed.out == "FAIL broker runtime cannot load\n"
    assert "self-test failed with exit status 1" in printed.err


def test_a_console_exe_is_not_printed_twice(build, tmp_path, capsys):
    body = "open(report, 'w').write('ok   everything\\n')"
    assert build.self_test(executable(tmp_path, body), tmp_path / "r.txt", console=True) == 0
    assert capsys.readouterr().out == ""  # it printed its own lines
