"""The Blob storage tab: the blob pane is built when the tab first opens (its modules are not
needed at start-up) and always browses with the active account's credential, nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.core.broker.records import Account
from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from app.core.settings.records import AccountRecord
from app.ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    from app.ui.storage.pane import BlobPane


class StorageTab(QWidget):
    # The pane's own signals, passed on (the pane may not exist yet when they are connected).
    url_connected = Signal(str)  # a storage account URL connected: remember it
    download_folder = Signal(str)  # a download goes into this folder: remember it
    sign_in_wanted = Signal()  # storage needs the active account to sign in again
    token_refused = Signal(object, object)  # BrokerError, scopes: no token for the pane
    interactive = Signal(int)  # the pane's own sign-in shows the broker's window over this one

    def __init__(
        self,
        runner: TaskRunner,
        recent: Callable[[], list[str]],
        url: str | None = None,
        ca: str | None = None,
    ) -> None:
        super().__init__()
        QVBoxLayout(self).setContentsMargins(0, 0, 0, 0)
        self.runner = runner
        self.recent = recent
        self.url, self.ca = url, ca  # the sandbox emulator's account URL and CA
        self.credential: tuple[Any, str | None] = (None, None)
        self.seed = False  # azure-identity-broker's credential ("as your code would")
        self.active: tuple[Broker, Account, Profile, AccountRecord, int] | None = None
        self._pane: BlobPane | None = None
        # Sandbox mode: starts the storage emulator when the pane is first built (then
        # storage_starting, storage_ready or storage_failed; app/ui/shell/sandbox_start.py).
        self.needs_storage: Callable[[], None] | None = None
        self.waiting = False  # the pane's busy bar says the emulator is starting

    def showEvent(self, event: QShowEvent) -> None:
        self.pane  # noqa: B018 - built when the tab first opens
        super().showEvent(event)

    @property
    def built(self) -> bool:
        return self._pane is not None

    @property
    def pane(self) -> BlobPane:
        """The blob pane, built on first use."""
        if self._pane is None:
            from app.ui.storage.pane import BlobPane  # imported here: not needed at start-up

            pane = BlobPane(self.runner, connection_verify=self.ca or True)
            pane.url_connected.connect(self._connected)
            pane.download_folder.connect(self.download_folder)
            pane.sign_in_wanted.connect(self.sign_in_wanted)
            pane.token_refused.connect(self.token_refused)
            pane.interactive.connect(self.interactive)
            pane.seed_action.setChecked(self.seed)
            pane.seed_action.toggled.connect(self._choose)
            pane.set_recent(self.recent())
            if self.url:
                pane.url.setCurrentText(self.url)
            layout = self.layout()
            assert layout is not None
            layout.addWidget(pane)
            pane.show()  # now: a layout shows a widget added to a shown one only later, and
            self._pane = pane  # until then the window measured its room without the pane
            pane.set_credential(*self.credential)
            if self.needs_storage is not None:
                self.needs_storage()
        return self._pane

    # ---- the sandbox's storage emulator, started on first need ----------------------------
    def storage_starting(self, step: str) -> None:
        """What the emulator's start does now, in the pane's busy bar (Cancel: stop waiting)."""
        if self._pane is None or (self._pane.task is not None and not self.waiting):
            return
        self.waiting = True
        label = f"Starting the storage emulator: {step}…"
        self._pane.transfers.show_busy(label, self._stop_waiting)

    def _stop_waiting(self) -> None:
        self.waiting = False
        if self._pane is not None:
            self._pane.say("The storage emulator is still starting: its URL is filled in, and "
                           "connected, once it is up.")  # fmt: skip

    def storage_ready(self, url: str, ca: str) -> None:
        """The emulator is up: its URL in the field, and connected for the active account."""
        self.url, self.ca = url, ca
        if self._pane is None:
            return
        pane = self._pane
        if self.waiting:
            self.waiting = False
            pane.transfers.done()
        pane.connection_verify = ca
        pane.url.setCurrentText(url)
        if pane.credential is not None and pane.browser is None and pane.task is None:
            pane.connect_storage()

    def storage_failed(self, title: str, text: str, again: Callable[[], None]) -> None:
        if self._pane is None:
            return
        if self.waiting:
            self.waiting = False
            self._pane.transfers.done()
        self._pane.banner.show_text(title, text)
        self._pane.banner.offer("Start it again", again)

    def use_account(
        self,
        active: tuple[Broker, Account, Profile, AccountRecord, int] | None,
    ) -> None:
        """Browse with the active account's credential (None: nobody is active): the app's
        own (a broker account's, silent only) or azure-identity-broker's, as chosen."""
        self.active = active
        if active is None:
            self.use(None, None)
            return
        broker, account, profile, record, handle = active
        # azure-identity is imported on first use, not at start-up (warm_up() preloads it).
        if self.seed:
            from app.core.credentials.interactive import SeedAccountCredential

            credential: Any = SeedAccountCredential(profile, record, handle, broker.limits)
        else:
            from app.core.credentials.account import BrokerAccountCredential

            credential = BrokerAccountCredential(broker, account, profile)
        self.use(credential, account.username)

    def _choose(self, seed: bool) -> None:
        self.seed = seed
        self.use_account(self.active)

    def use(self, credential: Any, username: str | None) -> None:
        """Browse with this credential (None: nobody is active)."""
        self.credential = (credential, username)
        if self._pane is not None:
            self._pane.set_credential(credential, username)

    def show_recent(self) -> None:
        if self._pane is not None:
            self._pane.set_recent(self.recent())

    def _connected(self, url: str) -> None:
        self.url_connected.emit(url)
        self.show_recent()
