"""One window per user and settings file (app.ui.shell.one_window), through real file locks
and Qt local sockets: the second launch is a process of its own, as it is for a user."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.ui.shell.one_window import HAND_OVER_S, Launch, OneWindow, WindowLock, server_name
from tests.helpers import ROOT

SECOND_LAUNCH = """
import sys
from app.ui.shell.one_window import claim, listen
lock = claim(["--sandbox", "-v"], True)
if lock is None:  # handed over
    sys.exit(0)
sys.exit(4 if lock.fd is None else 3 if listen(lock).server.isListening() else 5)

"""


@pytest.fixture
def place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """This user's runtime and config folders, for this process and the second launch."""
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = {"XDG_RUNTIME_DIR": str(runtime), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return {**os.environ, **env, "QT_QPA_PLATFORM": "offscreen"}


def second_launch(qtbot, env: dict[str, str]) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    """Run it while this process's event loop answers (the running window's side)."""
    process = subprocess.Popen(
        [sys.executable, "-c", SECOND_LAUNCH], cwd=ROOT, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=30000)
    out, err = process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def running_window() -> OneWindow:
    """This process as the one window: the lock held, then listening (as once shown)."""
    lock = WindowLock()
    assert lock.take() is True
    return OneWindow(server_name(), lock)


def test_a_second_launch_hands_its_command_line_to_the_running_window(qtbot, place):
    one = running_window()
    arrived: list[Launch] = []
    one.arrived = arrived.append
    assert one.listen()
    try:
        done = second_launch(qtbot, place)
    finally:
        one.close()
    assert done.returncode == 0, done.stderr
    assert "already running: its window is in front" in done.stderr
    assert arrived == [Launch(["--sandbox", "-v"], True)]


def test_with_no_window_running_the_launch_becomes_the_one_even_over_a_crashed_ones_name(
    qtbot, place
):
    if sys.platform != "win32":  # a pipe goes with its process; a Unix socket file stays
        Path(server_name()).write_text("")  # what a window that crashed leaves
    done = second_launch(qtbot, place)
    assert done.returncode == 3, done.stderr


def test_a_message_that_is_not_a_launch_is_dropped_and_the_window_still_answers(qtbot, place):
    from PySide6.QtNetwork import QLocalSocket

    one = running_window()
    arrived: list[Launch] = []
    one.arrived = arrived.append
    assert one.listen()
    stray = QLocalSocket()
    stray.connectToServer(one.name)
    assert stray.waitForConnected(5000)
    stray.write(b'{"argv": 5}\n')
    stray.flush()
    qtbot.waitUntil(lambda: stray.state() == QLocalSocket.LocalSocketState.UnconnectedState)
    assert arrived == []
    done = second_launch(qtbot, place)
    one.close()
    assert done.returncode == 0 and len(arrived) == 1


def test_the_name_is_per_user_and_settings_file_and_private(place):
    mine = server_name()
    assert mine == server_name()
    assert server_name(user="someone-else") != mine
    assert server_name(settings="/elsewhere/settings.json") != mine
    if sys.platform != "win32":  # Windows: a pipe name, the pipe for this user alone
        assert Path(mine).parent == Path(place["XDG_RUNTIME_DIR"])  # the user's 0700 folder
    assert "config" not in Path(mine).name  # a hash, not the user's path


def test_a_launch_while_the_first_window_is_still_starting_waits_for_it_to_listen(qtbot, place):
    """The first launch holds the lock before its window shows and listens after: a second
    launch in between hands over once it listens, and opens no window of its own."""
    lock = WindowLock()
    assert lock.take() is True
    process = subprocess.Popen(
        [sys.executable, "-c", SECOND_LAUNCH], cwd=ROOT, env=place, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    qtbot.wait(800)  # the second launch is waiting: nobody listens yet
    assert process.poll() is None
    one = OneWindow(server_name(), lock)
    arrived: list[Launch] = []
    one.arrived = arrived.append
    assert one.listen()
    try:
        qtbot.waitUntil(lambda: process.poll() is not None, timeout=30000)
    finally:
        one.close()
    assert process.returncode == 0, process.communicate()
    assert arrived == [Launch(["--sandbox", "-v"], True)]


def test_a_window_that_holds_the_lock_and_never_answers_is_not_waited_on_for_long(qtbot, place):
    lock = WindowLock()
    assert lock.take() is True  # held, and nothing ever listens
    try:
        done = second_launch(qtbot, place)
    finally:
        lock.release()
    assert done.returncode == 4, done.stderr  # it runs beside, without the lock
    assert "did not answer: opening another" in done.stderr
    assert HAND_OVER_S == 5.0  # what the user waits at most, as README says


def test_the_lock_goes_with_the_window_and_a_left_lock_file_does_not_hold(qtbot, place):
    one = running_window()
    path = one.lock.path
    assert path.is_file() and WindowLock().take() is False  # held: by this process
    one.close()
    assert path.is_file()  # the file may stay: only a held lock means a window runs
    done = second_launch(qtbot, place)
    assert done.returncode == 3, done.stderr  # took the lock and listens


def test_a_folder_that_cannot_hold_the_lock_leaves_the_hand_over_to_decide(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    lock = WindowLock(blocker / "settings.json")  # its folder is a file: cannot be made
    assert lock.take() is None and lock.fd is None
