"""One window: a second launch of the app brings the running one to the front and leaves;
the headless modes run beside it. The app itself, in fresh interpreters, against the session
sandbox's broker, with settings of the test's own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.ui.shell.one_window import Launch, come_forward, server_name
from tests.helpers import ROOT
from tests.integration.ui.helpers import new_window


def app(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "app", *args], cwd=ROOT, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def test_a_second_launch_brings_the_first_forward_and_headless_modes_run_beside(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    name = Path(server_name())
    first = app("-v", env=env)
    try:
        # the first window listens: its socket appears (or it died: said below)
        qtbot.waitUntil(lambda: name.exists() or first.poll() is not None, timeout=120000)
        assert first.poll() is None, first.communicate()
        second = subprocess.run(
            [sys.executable, "-m", "app"], cwd=ROOT, env=env, text=True, capture_output=True,
            timeout=60,
        )  # fmt: skip
        assert second.returncode == 0, second.stderr
        assert "already running: its window is in front" in second.stderr
        listing = subprocess.run(
            [sys.executable, "-m", "app", "--list-accounts"], cwd=ROOT, env=env, text=True,
            capture_output=True, timeout=120,
        )  # fmt: skip
        assert listing.returncode == 0, listing.stderr
        assert "adele@contoso.example" in listing.stdout  # beside the window, not handed over
    finally:
        first.send_signal(signal.SIGTERM)
        _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert "a later launch came here (sandbox: False)" in err
    assert not name.exists()  # the name goes with the window


def test_a_launch_asking_for_the_other_mode_is_told_what_it_needs(qtbot, sandbox, tmp_path):  # type: ignore[no-untyped-def]
    window = new_window(qtbot, sandbox, tmp_path)  # a window in sandbox mode
    window.showMinimized()
    come_forward(window, Launch([], sandbox=False), in_sandbox=True)
    assert not window.isMinimized() and window.isVisible()
    assert window.notice.title.text() == "Started again without --sandbox"
    assert "quit this window and start the app again" in window.notice.body.text()
    window.notice.hide()
    come_forward(window, Launch(["--sandbox"], sandbox=True), in_sandbox=True)
    assert window.notice.isHidden()  # the same mode: in front, nothing to say
    come_forward(window, Launch(["--sandbox"], sandbox=True), in_sandbox=False)
    assert window.notice.title.text() == "Started again with --sandbox"
    assert "in sandbox mode, in a process of its own" in window.notice.body.text()
