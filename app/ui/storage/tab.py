"""The Blob storage tab: the blob pane is built when the tab first opens (its modules are not
needed at start-up) and always browses with the active account's credential, nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.core.broker.errors import BrokerError
from app.ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    from app.ui.storage.pane import BlobPane


class StorageTab(QWidget):
    def __init__(
        self,
        runner: TaskRunner,
        recent: Callable[[], list[str]],
        remember_url: Callable[[str], None],
        sign_in_again: Callable[[], None],
        token_failed: Callable[[BrokerError, tuple[str, ...]], None],
        url: str | None = None,
        ca: str | None = None,
    ) -> None:
        super().__init__()
        QVBoxLayout(self).setContentsMargins(0, 0, 0, 0)
        self.runner = runner
        self.recent = recent
        self.remember_url = remember_url
        self.sign_in_again = sign_in_again
        self.token_failed = token_failed  # the broker refused the pane's credential a token
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
            pane.recent_changed = self._remember
            pane.sign_in_again = self.sign_in_again
            pane.token_failed = self.token_failed
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

    def _remember(self, url: str) -> None:
        self.remember_url(url)
        self.show_recent()
