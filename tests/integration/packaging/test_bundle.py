"""The frozen onedir app: what it contains, and its --self-test run from the bundle against
the session sandbox (and without a loadable broker runtime)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from tests.helpers import ROOT


def run(exe: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(exe), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=exe.parent,
        env={**os.environ, **env},
    )


def self_test(folder: Path, name: str, report: Path) -> tuple[int, str]:
    result = run(folder / name, "--self-test", str(report))
    assert report.read_text() in result.stdout  # printed and written alike
    return result.returncode, report.read_text()


def test_the_bundle_carries_the_native_broker_runtime(bundle: Path):
    found = [
        p
        for p in bundle.rglob("*msalruntime*")
        if not p.name.startswith("pymsalruntime") and not p.is_symlink()
    ]
    assert [p.relative_to(bundle).as_posix() for p in found] == [
        "_internal/pymsalruntime/libmsalruntime.so"
    ]
    assert found[0].read_bytes()[:4] == b"\x7fELF"


def test_the_bundle_carries_every_icon(bundle: Path):
    shipped = sorted(p.name for p in (ROOT / "resources" / "icons").glob("*.svg"))
    bundled = sorted(p.name for p in (bundle / "_internal" / "resources" / "icons").glob("*.svg"))
    assert bundled == shipped and "app.svg" in bundled


def test_the_broker_stack_is_left_to_the_host(bundle: Path):
    names = {p.name for p in bundle.rglob("*.so*")}
    for host in ("libwebkit2gtk-4.1.so.0", "libjavascriptcoregtk-4.1.so.0", "libgtk-3.so.0"):
        assert host not in names
    assert not [n for n in names if n.startswith(("libgst", "libflite", "libSvtAv1"))]
    assert "libQt6Widgets.so.6" in names and "libqxcb.so" in names and "libqoffscreen.so" in names
    assert "libqlinuxfb.so" not in names and "libqvnc.so" not in names


def test_frozen_self_test_passes_and_lists_the_sandbox_accounts(
    bundle: Path, tools: ModuleType, control, tmp_path
):
    expected = sorted(a.username for a in Broker().discover_accounts(Profile()))
    assert expected
    code, report = self_test(bundle, tools.EXE_NAME, tmp_path / "report.txt")
    assert code == 0, report
    assert "FAIL" not in report
    assert "frozen bundle" in report
    assert (
        f"the broker lists {len(expected)} accounts for the default profile: " + ", ".join(expected)
        in report
    )
    assert "ok   broker runtime loaded from " in report
    assert "main window: built and rendered offscreen" in report
    assert "not installed" not in report  # version metadata is bundled for the About box


def test_frozen_self_test_says_why_the_runtime_cannot_load(bundle: Path, tools, tmp_path):
    # A copy of the bundle (hard links) whose native runtime is not a loadable library: the
    # same OSError a host without libwebkit2gtk gives, which we cannot uninstall here.
    copy = tmp_path / "copy"
    shutil.copytree(bundle, copy, symlinks=True, copy_function=os.link)
    library = copy / "_internal" / "pymsalruntime" / "libmsalruntime.so"
    library.unlink()
    library.write_bytes(b"not a shared object")
    code, report = self_test(copy, tools.EXE_NAME, tmp_path / "report.txt")
    assert code == 1
    failure = next(line for line in report.splitlines() if line.startswith("FAIL"))
    assert "broker runtime cannot load" in failure and "libmsalruntime.so" in failure
    assert "apt-get install libwebkit2gtk-4.1-0" in failure
    assert "self-test failed: 1 problem\n" in report


def test_a_frozen_self_test_that_cannot_report_exits_3_not_a_dialog(bundle, tools, tmp_path):
    """What reaches the windowed bootloader shows a dialog on Windows; launch.py keeps it."""
    missing = tmp_path / "no such folder" / "report.txt"
    result = run(bundle / tools.EXE_NAME, "--self-test", str(missing))
    assert result.returncode == 3
    assert f"error: could not write the report to {missing}: The folder is gone: choose " in (
        result.stderr
    )  # said as what it is, not a traceback
    assert "Traceback" not in result.stderr


def test_frozen_app_runs_its_own_sandbox_broker(bundle: Path, tools):
    result = run(bundle / tools.EXE_NAME, "--sandbox", "--list-accounts")
    assert result.returncode == 0, result.stderr[-2000:]
    assert any(line.startswith("adele@contoso.example") for line in result.stdout.splitlines())


def test_frozen_app_shows_its_window_before_the_sdk_loads(bundle: Path, tools, control, tmp_path):
    probe = tmp_path / "probe.json"
    config = str(tmp_path / "config")
    result = run(bundle / tools.EXE_NAME, "--startup-probe", str(probe), XDG_CONFIG_HOME=config)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(probe.read_text())["sdk_modules"] == []


def test_frozen_window_starts_its_sandbox_behind_it(bundle: Path, tools, tmp_path):
    """The frozen app's own sandbox processes (`--sandbox-gateway`, the broker by activation)
    started by the window once it is shown, as from source."""
    probe = tmp_path / "probe.json"
    config = str(tmp_path / "config")
    result = run(
        bundle / tools.EXE_NAME, "--sandbox", "--startup-probe", str(probe), XDG_CONFIG_HOME=config
    )
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(probe.read_text())
    assert seen["waiting"] == "Starting the sandbox broker…" and seen["sdk_modules"] == []
    assert seen["rows"] >= 5 and seen["banner"] == "" and seen["storage"] is None
