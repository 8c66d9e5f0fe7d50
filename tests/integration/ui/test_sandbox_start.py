"""Sandbox mode's services start while the window shows (app/ui/shell/sandbox_start.py).

`python -m app --sandbox` runs in a fresh interpreter (the runtime decides at import, once per
process, whether a broker answers: only a new process shows the window before its sandbox is
up), with the start-up probe recording what the window said when shown and what it showed
once the accounts were listed. The Blob tab's storage start runs in this process, with the
real widgets: a second storage emulator and endpoint for the session sandbox (its CA and
signing keys, so the session broker's tokens pass), started the way the window starts it.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.sandbox.later import LaterSandbox
from app.sandbox.launcher import Sandbox
from app.sandbox.storage.azurite import DEMO_TREE
from app.ui.shell.sandbox_start import STARTING, STORAGE_FAILED, SandboxStart
from tests.helpers import ROOT
from tests.integration.ui.helpers import new_window, select


def start_window(tmp_path: Path, **env: str) -> dict[str, object]:
    """`python -m app --sandbox` until its accounts are listed (or it says why not)."""
    probe = tmp_path / "probe.json"
    result = subprocess.run(
        [sys.executable, "-m", "app", "--sandbox", "--startup-probe", str(probe)],
        capture_output=True, text=True, timeout=180, cwd=ROOT,
        env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), **env},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    return json.loads(probe.read_text())  # type: ignore[no-any-return]


def test_the_window_shows_before_the_sandbox_is_up_and_says_what_it_waits_for(tmp_path):
    seen = start_window(tmp_path)
    assert seen["waiting"] == STARTING  # said when the window was shown
    assert seen["sdk_modules"] == []  # and nothing of the Azure SDK or cryptography yet
    assert seen["listed"] > seen["shown"]  # type: ignore[operator]
    assert seen["rows"] >= 5 and seen["banner"] == ""  # type: ignore[operator]
    assert seen["storage"] is None  # the Blob tab never opened: no emulator started


def test_a_sandbox_that_cannot_start_is_explained_and_loads_no_runtime(tmp_path):
    empty = tmp_path / "bin"  # no dbus-daemon, no gnome-keyring-daemon on this PATH
    empty.mkdir()
    seen = start_window(tmp_path, PATH=str(empty))
    assert seen["banner"] == "The sandbox broker did not start"
    assert seen["offer"] == "Start the sandbox again"
    assert seen["rows"] == 0
    assert seen["broker_loaded"] is False  # nothing decided there is no broker: it can retry


def run_fresh(module: str) -> dict[str, Any]:
    """tests/integration/ui/MODULE.py in a fresh interpreter: what it saw (its last line)."""
    done = subprocess.run(
        [sys.executable, "-m", f"tests.integration.ui.{module}"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_a_sandbox_that_failed_to_start_starts_again_once_fixed():
    seen = run_fresh("sandbox_retry_run")
    title, text, offer = seen["failed"]
    assert title == "The sandbox broker did not start" and offer == "Start the sandbox again"
    assert "dbus-daemon" in text and "scripts/setup.sh" in text  # why, and what to do
    assert seen["imported"] is False
    state, rows, banner_shown = seen["again"]
    assert state == "up" and rows >= 5 and not banner_shown  # the accounts listed, message gone


def test_the_sandbox_outlives_the_thread_pools_idle_expiry():
    seen = run_fresh("sandbox_outlives_run")
    assert seen["first"] >= 5
    assert seen["running"] and all(seen["running"])  # bus, keyring, broker, gateway
    rows, banner_shown = seen["again"]
    assert rows == seen["first"] and not banner_shown


def view_of(sandbox: Sandbox, workdir: Path) -> Sandbox:
    """The session sandbox's services, with no storage yet and a folder of its own."""
    view = copy.copy(sandbox)
    view.workdir, view._own_dir, view.procs = workdir, False, []
    view.env, view.storage = dict(sandbox.env), None
    return view


@pytest.fixture
def later(sandbox: Sandbox, tmp_path: Path) -> Iterator[LaterSandbox]:
    later = LaterSandbox()
    later.sandbox = view_of(sandbox, tmp_path / "view")
    later.sandbox.workdir.mkdir()
    yield later
    later.sandbox.control = None  # the session's: not this view's to close
    later.sandbox.stop()


def window_with(qtbot, later: LaterSandbox, tmp_path: Path):  # type: ignore[no-untyped-def]
    window = new_window(qtbot, later, tmp_path)
    starter = SandboxStart(later, window)
    assert later.sandbox is not None
    starter.services_up(later.sandbox.env)  # already up: the session sandbox's
    window.show()
    qtbot.waitExposed(window)
    window.session.refresh()
    qtbot.waitUntil(lambda: window.current is None and window.model.rowCount() > 0)
    select(window, "megan@contoso.example")
    window.act_active.trigger()
    qtbot.waitUntil(lambda: window.current is None)
    return window, starter


def test_the_blob_tab_starts_storage_when_it_first_needs_it(qtbot, later, tmp_path):
    window, starter = window_with(qtbot, later, tmp_path)
    assert starter.storage == "idle" and later.storage is None  # not before the tab opens
    tab = window.storage_tab
    with qtbot.waitSignal(tab.url_connected, timeout=60000) as connected:
        window.tabs.setCurrentWidget(tab)
        bar = window.blobs.transfers
        assert bar.isVisible() and bar.label.startswith("Starting the storage emulator: ")
    emulator = later.storage
    assert emulator is not None and connected.args == [emulator.account_url]
    assert window.blobs.url.currentText() == emulator.account_url
    assert not bar.isVisible() and not window.blobs.banner.isVisible()
    seeded = {box.name for box in emulator.shared_key_client().list_containers()}
    assert set(DEMO_TREE) <= seeded
    window.sandbox_picker.stop()


@pytest.mark.expect_log("storage emulator did not start")
def test_a_storage_emulator_that_cannot_start_is_explained_and_can_start_again(
    qtbot, later, tmp_path, monkeypatch
):
    window, starter = window_with(qtbot, later, tmp_path)
    path = os.environ["PATH"]
    monkeypatch.setenv("PATH", str(tmp_path))  # no node on it: the emulator cannot run
    window.tabs.setCurrentWidget(window.storage_tab)
    pane = window.blobs
    qtbot.waitUntil(lambda: starter.storage == "failed", timeout=30000)
    assert pane.banner.title.text() == STORAGE_FAILED
    assert "npm ci" in pane.banner.body.text()  # what to do
    assert pane.banner.action.isVisible() and pane.banner.action.text() == "Start it again"
    assert pane.url.isEnabled() and pane.connect_button.isEnabled()  # the pane stays usable
    assert not pane.transfers.isVisible()
    monkeypatch.setenv("PATH", path)
    with qtbot.waitSignal(window.storage_tab.url_connected, timeout=60000):
        pane.banner.action.click()
    assert later.storage is not None and starter.storage == "up"
    window.sandbox_picker.stop()
