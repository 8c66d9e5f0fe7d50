"""Build the onedir app with PyInstaller, report its size, then run its --self-test.

    python packaging/build.py [--distpath DIR] [--workpath DIR] [--no-self-test]

The same on every platform: scripts/build.sh runs it on Linux, .github/workflows/build.yml on
Windows (where the Inno Setup installer is then made from its output). Exit status: PyInstaller's,
else the self-test's; a self-test that has not finished within SELF_TEST_TIMEOUT seconds is
killed and fails the build with what it had written so far (a windowed Windows exe prints
nothing: its report file is printed here).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DIST = ROOT / "dist"  # packaging/installer.iss takes the build from here…
WORK = ROOT / "build" / "pyinstaller"  # …and the icon the spec renders from here
SELF_TEST_TIMEOUT = 300.0  # s; the app's own watchdog stops it at 240 s (app/selftest.py)
TIMED_OUT = 124  # as coreutils' timeout says so
sys.path.insert(0, str(HERE))
import bundle_tools as tools  # noqa: E402


def executable(dist: Path) -> Path:
    suffix = ".exe" if sys.platform == "win32" else ""
    return dist / tools.EXE_NAME / f"{tools.EXE_NAME}{suffix}"


def size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def build(dist: Path, work: Path) -> int:
    command = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", str(dist), "--workpath", str(work),
        str(HERE / "broker-account-manager.spec"),
    ]  # fmt: skip
    # The spec renders the .ico with Qt: no display needed.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def self_test(
    exe: Path, report: Path, timeout: float = SELF_TEST_TIMEOUT, console: bool | None = None
) -> int:
    """Run the built app's --self-test; the report file works for windowed Windows exes too
    (they have no console to print to: `console` False, as on Windows, prints the report)."""
    report.unlink(missing_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [str(exe), "--self-test", str(report)]
    try:
        code = subprocess.run(command, env=env, check=False, timeout=timeout).returncode
    except subprocess.TimeoutExpired:  # run() has killed it
        code = TIMED_OUT
    printed = console if console is not None else sys.platform != "win32"
    if not printed:
        text = report.read_text(encoding="utf-8") if report.exists() else "(no report written)\n"
        print(text, end="")
    if code == TIMED_OUT:
        print(f"self-test did not finish within {timeout:g} s: killed", file=sys.stderr)
    elif code:
        print(f"self-test failed with exit status {code} (report: {report})", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distpath", type=Path, default=DIST)
    parser.add_argument("--workpath", type=Path, default=WORK)
    parser.add_argument("--no-self-test", action="store_true")
    args = parser.parse_args(argv)
    code = build(args.distpath, args.workpath)
    if code:
        return code
    exe = executable(args.distpath)
    total, count = size(exe.parent)
    print(f"built {exe} ({total / 1e6:.0f} MB in {count} files)")
    if args.no_self_test:
        return 0
    return self_test(exe, args.distpath / "self-test.txt")


if __name__ == "__main__":
    sys.exit(main())
