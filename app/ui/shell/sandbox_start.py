"""Sandbox mode starts its services while the window shows: the window comes first, then (on a
worker) the private bus, the Secret Service, the broker and the login gateway; the storage
emulator (Azurite, seeded with the demo containers) only when the Blob tab first needs it.

Until the broker is up the accounts list says what it waits for, and the broker runtime's
import waits for it (preload.hold: the runtime decides at import, once, whether a broker
answers), so a listing or sign-in asked for meanwhile simply waits on its worker. A service
that does not start is explained in the window with what to do, and can be started again:
nothing was imported that decided against it. The GUI thread never waits on any of it.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThreadPool, QTimer

from app.core.broker import preload
from app.core.broker.errors import BrokerUnavailable
from app.ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    from app.sandbox.later import LaterSandbox
    from app.sandbox.storage.azurite import StorageEmulator
    from app.ui.shell.main_window import MainWindow

logger = logging.getLogger(__name__)
STARTING = "Starting the sandbox broker…"
STARTING_TEXT = (
    "Its private D-Bus bus, Secret Service and login endpoints are starting; the accounts are "
    "listed as soon as it answers. The window works meanwhile."
)
SERVICES_REMEDY = (
    "Install what it names (scripts/setup.sh installs everything the sandbox needs), then "
    "choose Start the sandbox again. The window stays usable meanwhile: nothing was signed in "
    "or changed."
)
STORAGE_FAILED = "The storage emulator did not start"
STORAGE_REMEDY = (
    "The rest of the app works without it, and the pane still connects to a storage account "
    "URL you enter. Fix what it says, then choose Start it again."
)


NO_SERVICES = RuntimeError(
    "It needs the sandbox's services, which did not start: the message below the accounts says why."
)


def why(error: BaseException) -> str:
    """A start's failure in words: the launcher's own sentence, or what went wrong."""
    from app.sandbox.launcher import SandboxError
    from app.sandbox.storage.azurite import StorageError

    if isinstance(error, SandboxError | StorageError) or error is NO_SERVICES:
        return str(error)
    return f"{type(error).__name__}: {error}"


_pool: QThreadPool | None = None


def sandbox_pool() -> QThreadPool:
    """One thread for the sandbox's starts, kept while the process runs: every process the
    sandbox starts dies with the thread that started it (processes.py), and the shared pool
    lets an idle thread go after 30 s. Its own, too: a listing waiting for the broker holds
    a thread of the shared pool, which has as many as the machine has cores."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
        _pool.setExpiryTimeout(-1)
    return _pool


class SandboxStart(QObject):
    """Starts the later sandbox's services for this window; `services` and `storage` say how
    far each got ("idle", "starting", "up", "failed"; storage also "wanted": asked for while
    the services still start)."""

    def __init__(self, later: LaterSandbox, window: MainWindow) -> None:
        super().__init__(window)
        self.later, self.window = later, window
        self.runner = TaskRunner(sandbox_pool())
        self.services = self.storage = "idle"
        self.export = os.environ.update  # what a program inside needs, for this process
        self.step = ""
        self.timer = QTimer(self)  # what the storage start does now, read from its worker
        self.timer.setInterval(100)
        self.timer.timeout.connect(self._show_step)
        window.storage_tab.needs_storage = self.start_storage
        window.signals.broker_unavailable.connect(self._offer_again)
        preload.hold()  # from now on: the runtime's import waits for the services
        self._say_starting()  # in the window's first paint

    def _say_starting(self) -> None:
        note = self.window.accounts_view.note
        note.show_text(STARTING, STARTING_TEXT, closable=False, tone="info")

    # ---- the broker's services --------------------------------------------------------------
    def start(self) -> None:
        """Start the bus, Secret Service, broker and gateway on a worker."""
        if self.services in ("starting", "up"):
            return
        self.services = "starting"
        preload.hold()
        self._say_starting()
        work, done = self._start_services, self.services_up
        self.runner.run("Starting the sandbox broker", work, done, self._failed)

    def _start_services(self) -> dict[str, str]:  # on the worker
        return self.later.make().start_services(export=False)

    def services_up(self, env: dict[str, str]) -> None:
        """The services are up (their environment): exported, the runtime may load."""
        self.export(env)  # on the GUI thread, before the runtime's import may run
        self.services = "up"
        self.window.accounts_view.note.hide()
        picker = self.window.sandbox_picker
        if picker is not None:
            picker.control = self.later.control
        preload.release()
        logger.info("sandbox services up")
        if self.storage == "wanted":
            self._start_storage()

    def _failed(self, error: BaseException) -> None:
        self.services = "failed"
        self.later.forget()  # it tore itself down, its folder too: a new one starts again
        self.window.accounts_view.note.hide()
        refusal = BrokerUnavailable(
            "sandbox", f"The sandbox's services did not start. {why(error)}", SERVICES_REMEDY
        )
        preload.release(refusal)  # calls waiting for the runtime are refused with it
        logger.warning("sandbox services did not start: %s", type(error).__name__)
        if self.window.session.current is None:  # else the waiting call's failure says it
            self.window.signals.broker_unavailable.emit(refusal)
        if self.storage == "wanted":
            self._storage_failed(NO_SERVICES)

    def _offer_again(self, unavailable: BrokerUnavailable) -> None:
        if unavailable.kind == "sandbox" and self.services == "failed":
            self.window.banner.offer("Start the sandbox again", self.again)

    def again(self) -> None:
        self.window.banner.hide()
        self.start()
        self.window.session.refresh()  # waits for the services on its worker

    # ---- storage ------------------------------------------------------------------------------
    def start_storage(self) -> None:
        """The Blob tab needs storage: the emulator starts (after the services, if they are
        still starting)."""
        if self.storage in ("starting", "up", "wanted"):
            return
        self.storage = "wanted"
        if self.services != "up":
            self.window.storage_tab.storage_starting("waiting for the sandbox's broker")
        if self.services == "up":
            self._start_storage()
        elif self.services == "failed":
            self._storage_failed(NO_SERVICES)

    def _start_storage(self) -> None:
        self.storage, self.step = "starting", ""
        self.window.storage_tab.storage_starting("getting ready")  # its thread may be busy
        self.timer.start()
        done, failed = self._storage_up, self._storage_failed
        self.runner.run("Starting the storage emulator", self._storage_work, done, failed)

    def _storage_work(self) -> StorageEmulator:  # on the worker
        from app.sandbox.storage.azurite import seed_demo

        sandbox = self.later.make()
        emulator = sandbox.start_storage()
        sandbox.step = "the demo containers (3 of 3)"
        seed_demo(emulator)
        return emulator

    def _show_step(self) -> None:
        sandbox = self.later.sandbox
        step = sandbox.step if sandbox is not None else ""
        if step and step != self.step:
            self.step = step
            self.window.storage_tab.storage_starting(step)

    def _storage_up(self, emulator: Any) -> None:
        self.timer.stop()
        self.storage = "up"
        sandbox = self.later.make()
        self.export({k: v for k, v in sandbox.env.items() if k == "AZURE_STORAGE_ACCOUNT_URL"})
        self.window.storage_tab.storage_ready(emulator.account_url, str(emulator.ca_path))

    def _storage_failed(self, error: BaseException) -> None:
        self.timer.stop()
        self.storage = "failed"
        logger.warning("storage emulator did not start: %s", type(error).__name__)
        text = f"{why(error)} {STORAGE_REMEDY}"
        self.window.storage_tab.storage_failed(STORAGE_FAILED, text, self._storage_again)

    def _storage_again(self) -> None:
        self.storage = "idle"
        self.start_storage()
