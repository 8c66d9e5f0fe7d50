"""One window per user and settings file: a second launch hands its command line to the
running window, which comes to the front, and leaves. Two windows on one settings file lose
nothing (saves merge, app.core.settings.merge), but users expect what Storage Explorer and
most desktop apps do; the headless modes (--list-accounts, --matrix, --self-test, token)
never come here and run beside the window.

Who is the one window is a lock (window.lock beside the settings file, app.core.files.lock),
held while it runs and let go however it ends: taking it is all a first launch does before
its window shows. The hand-over is a QLocalServer, which the window starts once it is shown
(importing Qt's network module first cost ~10 ms of the window's start): a Unix socket in the
user's runtime directory (0700, XDG_RUNTIME_DIR) where there is one, else in the temp folder
with owner-only access; a named pipe for the user alone on Windows. A launch that finds the
lock held connects, waiting up to HAND_OVER_S for a window that is still starting to listen.
No event-loop wait: the running window answers from its own loop, and the second launch waits
a bounded time for that answer (a hung window is not waited on: the second launch then opens a
window of its own).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from app.core.files.lock import try_lock
from app.core.settings.location import default_path

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalSocket

    from app.ui.shell.main_window import MainWindow

logger = logging.getLogger(__name__)
CONNECT_MS = 1000
ANSWER_MS = 5000
MAX_MESSAGE = 64 * 1024
ANSWER = b"raised\n"
HAND_OVER_S = 5.0  # a window that holds the lock listens within this, or is not waited for
LOCK_NAME = "window.lock"


class Launch(NamedTuple):
    """What a second launch asked for."""

    argv: list[str]
    sandbox: bool


class WindowLock:
    """This process's hold on being the one window for a settings file: `take()` is True once
    held (until `release()` or the process ends), False while another process holds it, None
    when it cannot be told (a folder that cannot be written: the hand-over alone decides)."""

    def __init__(self, settings: Path | None = None) -> None:
        self.path = (settings or default_path()).with_name(LOCK_NAME)
        self.fd: int | None = None

    def take(self) -> bool | None:
        if self.fd is not None:
            return True
        try:
            os.makedirs(self.path.parent, mode=0o700, exist_ok=True)
            self.fd = try_lock(self.path)
        except OSError as error:
            logger.info("cannot lock %s (%s): the hand-over decides", self.path, error)
            return None
        return self.fd is not None

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing lets go of the lock
            self.fd = None


def server_name(user: str | None = None, settings: str | None = None) -> str:
    """The same for every launch of this user on this settings file, another for anyone
    else's (a hash: the name must not carry the user's path into /tmp)."""
    import getpass
    import hashlib

    key = f"{user or getpass.getuser()}\0{settings or default_path()}"
    name = "broker-account-manager-" + hashlib.sha256(key.encode()).hexdigest()[:16]
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if sys.platform != "win32" and runtime and os.path.isdir(runtime):
        return os.path.join(runtime, name)
    return name


def hand_over(name: str, argv: list[str], sandbox: bool) -> bool:
    """True when a running window took this launch (it is in front now); False when none
    answered in time, and this launch should open its own."""
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    payload = json.dumps({"argv": argv, "sandbox": sandbox}).encode() + b"\n"
    socket.write(payload)
    socket.waitForBytesWritten(ANSWER_MS)
    answered = socket.waitForReadyRead(ANSWER_MS) and bytes(socket.readAll().data()) == ANSWER
    socket.disconnectFromServer()
    if not answered:
        logger.warning("the running window did not answer in %s ms: opening another", ANSWER_MS)
    return answered


class OneWindow:
    """The running window's side: holds the lock, listens, and calls `arrived` with each later
    launch. Made once the window is shown."""

    def __init__(self, name: str, lock: WindowLock) -> None:
        from PySide6.QtNetwork import QLocalServer

        self.name, self.lock = name, lock
        self.arrived: Callable[[Launch], None] = lambda launch: None
        self.server = QLocalServer()
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """False when this process cannot be the one window (it runs without: saves still
        merge). A socket file a crashed window left is replaced: with access options set, Qt
        makes the socket aside and renames it into place (measured; tests cover it)."""
        if self.server.listen(self.name):
            return True
        logger.info("cannot be the one window (%s): running beside", self.server.errorString())
        return False

    def close(self) -> None:
        """Let a launch after this one open its own window (restarting in sandbox mode)."""
        self.server.close()
        self.lock.release()

    def _accept(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            buffer = bytearray()
            socket.readyRead.connect(lambda s=socket, b=buffer: self._read(s, b))
            socket.disconnected.connect(socket.deleteLater)
            self._read(socket, buffer)

    def _read(self, socket: QLocalSocket, buffer: bytearray) -> None:
        buffer += bytes(socket.readAll().data())
        if b"\n" not in buffer:
            if len(buffer) > MAX_MESSAGE:
                socket.abort()
            return
        line = bytes(buffer).split(b"\n", 1)[0]
        buffer.clear()
        try:
            message = json.loads(line)
            launch = Launch([str(a) for a in message["argv"]], bool(message["sandbox"]))
        except (ValueError, KeyError, TypeError):
            logger.info("ignored a message that is not a launch")
            socket.abort()
            return
        socket.write(ANSWER)
        socket.flush()
        logger.info("a later launch came here (sandbox: %s)", launch.sandbox)
        self.arrived(launch)


def claim(argv: list[str], sandbox: bool) -> WindowLock | None:
    """Before anything slow (the window, the sandbox): None when a running window took this
    launch; else the lock this process holds as the one window (or could not take: it runs
    beside), for its OneWindow to listen with once the window is shown.

    Held elsewhere: a window runs, or one is starting and not listening yet; this launch hands
    over as soon as it listens, takes the lock if that window goes meanwhile (it crashed, or
    left to restart in sandbox mode), and after HAND_OVER_S opens a window beside it."""
    lock = WindowLock()
    held = lock.take()
    if held:
        return lock
    from PySide6.QtWidgets import QApplication

    QApplication.instance() or QApplication(sys.argv)  # the socket needs an event loop's
    name = server_name()
    give_up = time.monotonic() + (HAND_OVER_S if held is False else 0)  # None: ask once
    while True:
        if hand_over(name, argv, sandbox):
            print("Broker Account Manager is already running: its window is in front.",
                  file=sys.stderr)  # fmt: skip
            return None
        if lock.take() or time.monotonic() >= give_up:
            break
        time.sleep(0.05)
    if held is False and lock.fd is None:
        logger.warning("the window holding %s did not answer: opening another", lock.path)
    return lock


def listen(lock: WindowLock) -> OneWindow:
    """The one window's side, once it is shown: later launches come here."""
    one = OneWindow(server_name(), lock)
    one.listen()
    return one


def come_forward(window: MainWindow, launch: Launch, in_sandbox: bool) -> None:
    """The window in front (restored if minimised); where the launch asked for the other
    mode, which needs a process of its own, the notice says so and how."""
    from PySide6.QtCore import Qt  # not before the window: PySide makes its types then

    window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()
    if launch.sandbox and not in_sandbox:
        window.notice.show_text(
            "Started again with --sandbox",
            "This window uses this machine's broker. Simulated accounts need the app started "
            "in sandbox mode, in a process of its own.",
            tone="info",
        )
        if window.can_offer_sandbox:
            window.notice.offer("Restart with simulated accounts", window.sandbox_wanted.emit)
    elif in_sandbox and not launch.sandbox:
        window.notice.show_text(
            "Started again without --sandbox",
            "This window shows the sandbox's simulated accounts. To use this machine's "
            "broker, quit this window and start the app again.",
            tone="info",
        )
