"""The Blob storage tab: the blob pane is built when the tab first opens (its modules are not
needed at start-up) and always browses with the active account's credential, nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    from app.ui.storage.pane import BlobPane


class StorageTab(QWidget):
    # The pane's own signals, passed on (the pane may not exist yet when they are connected).
    url_connected = Signal(str)  # a storage account URL connected: remember it
    download_folder = Signal(str)  # a download goes into this folder: remember it
    sign_in_wanted = Signal()  # storage needs the active account to sign in again
    token_refused = Signal(object, object)  # BrokerError, scopes: no token for the pane

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
        self._pane: BlobPane | None = None

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
            pane.set_recent(self.recent())
            if self.url:
                pane.url.setCurrentText(self.url)
            layout = self.layout()
            assert layout is not None
            layout.addWidget(pane)
            self._pane = pane
            pane.set_credential(*self.credential)
        return self._pane

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
