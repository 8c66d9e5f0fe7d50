"""The blob pane: proves the active account's credential works against a storage account.

It sees only a TokenCredential (never the broker). Listing is lazy and paged; transfers run
on a worker with progress read by a GUI timer and a Cancel that leaves nothing partial. Once
connected it follows the active account: a new credential reloads it, none says why not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core.broker.errors import broker_cause
from app.core.guidance.explain import explain
from app.core.guidance.limits import where
from app.core.guidance.storage import challenge_claims
from app.core.storage import names as rules
from app.core.storage.blobs import BlobBrowser, TransferCancelled
from app.core.storage.details import human_size
from app.core.storage.names import StorageUrlError, validate_account_url
from app.ui.common.tasks import Task, TaskRunner
from app.ui.common.widgets import Banner, error_style
from app.ui.storage.filter import FolderFilter
from app.ui.storage.model import BlobModel, Node
from app.ui.storage.parts import Asker, BlobTree, Transfer, TransferBar, refused, seed_action

logger = logging.getLogger(__name__)
NOBODY = "Make an account active to browse storage with its credential."


class BlobPane(QWidget):
    url_connected = Signal(str)  # connected to this account URL (remembered as recent)
    download_folder = Signal(str)  # a download goes into this folder: remember it (swept)
    sign_in_wanted = Signal()  # storage needs the active account to sign in again
    # The broker refused the credential a token (BrokerError, scopes): the window's banner
    # says so, once.
    token_refused = Signal(object, object)
    interactive = Signal(int)  # the broker's window may open over the window with this handle

    def __init__(
        self,
        runner: TaskRunner,
        connection_verify: str | bool = True,
        asker: Asker | None = None,
    ) -> None:
        super().__init__()
        self.runner = runner
        self.connection_verify = connection_verify
        self.asker = asker or Asker(self)
        self.credential: Any = None
        self.username: str | None = None
        self.browser: BlobBrowser | None = None
        self.follows = False  # connected once: reconnect with every new active account
        self.task: Task | None = None

        self.url = QComboBox()
        self.url.setEditable(True)
        self.url.setAccessibleName("Storage account URL")
        self.url.setMinimumContentsLength(12)
        edit = self.url.lineEdit()
        assert edit is not None  # an editable combo box has one
        edit.setPlaceholderText("https://<account>.blob.core.windows.net")
        edit.returnPressed.connect(self.connect_storage)
        self.connect_button = QPushButton("Connect")
        self.connect_button.clicked.connect(self.connect_storage)
        self.url_error = QLabel()
        self.url_error.setStyleSheet(error_style())
        self.url_error.setWordWrap(True)
        self.who = QLabel(NOBODY)
        self.who.setWordWrap(True)
        self.banner = Banner("error")

        self.model = BlobModel(None, runner)
        self.model.failed.connect(self.show_error)
        self.tree = BlobTree(self.upload_paths, self.model)
        self.tree.selectionModel().currentChanged.connect(lambda *_: self._update())

        # A toolbar, not a row of buttons: in a narrow pane the rest goes behind its » menu
        # instead of pushing the accounts list's State column off-screen.
        self.toolbar = QToolBar("Storage actions")
        self.toolbar.setIconSize(QSize(16, 16))
        self.buttons: dict[str, QAction] = {}
        for key, text, slot in (
            ("reload", "Reload", self.reload),
            ("properties", "Properties", self.properties),
            ("download", "Download…", self.download),
            ("upload", "Upload…", self.upload),
            ("new", "New container…", self.new_container),
            ("delete", "Delete…", self.delete),
        ):
            action = self.toolbar.addAction(text, slot)
            action.setToolTip(text.rstrip("…"))
            self.buttons[key] = action
        self.seed_action = seed_action(self.toolbar)  # which credential browses
        self.folder_filter = FolderFilter(self.tree, self.model, self.say)
        self.filter = self.folder_filter.edit
        self.transfers = TransferBar()
        self.cancel_button = self.transfers.cancel_button
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Storage status")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()

        top = QHBoxLayout()
        top.addWidget(self.url, 1)
        top.addWidget(self.connect_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.who)
        layout.addLayout(top)
        layout.addWidget(self.url_error)
        layout.addWidget(self.banner)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.transfers)
        layout.addWidget(self.status)
        self.url_error.hide()
        self._update()

    # ---- what to browse with ---------------------------------------------------------------
    def set_recent(self, urls: list[str]) -> None:
        current = self.url.currentText()
        self.url.clear()
        self.url.addItems(urls)
        self.url.setCurrentText(current or (urls[0] if urls else ""))

    def set_credential(self, credential: Any, who: str | None) -> None:
        """The active account changed: browse again with its credential, or say why not."""
        self.credential, self.username = credential, who
        self.who.setText(f"Browsing as <b>{who}</b>" if who else NOBODY)
        if credential is None:
            self.banner.hide()
            if self.follows:
                self.say("Not connected: no account is active under this profile. Make one "
                         "active and the pane connects again with its credential.")  # fmt: skip
            self._use(None)
        elif self.follows:
            self.connect_storage()

    def connect_storage(self) -> None:
        self.banner.hide()
        self.url_error.hide()
        if self.credential is None:
            self._use(None)
            self.say("Connecting needs an active account: make one active (Ctrl+Enter) first.")
            return
        try:
            url = validate_account_url(self.url.currentText())
        except StorageUrlError as exc:
            self.url_error.setText(str(exc))
            self.url_error.show()
            return
        self.url_connected.emit(url)
        self.follows = True
        self.say("")
        self._use(BlobBrowser(url, self.credential, connection_verify=self.connection_verify))
        self.model.fetchMore(QModelIndex())

    def _use(self, browser: BlobBrowser | None) -> None:
        old, self.browser = self.browser, browser
        self.cancel_transfer()
        self.model.reset(browser)
        if old is not None:
            old.close()
        self._update()

    def _update(self) -> None:
        node = self.current()
        kind = node.kind if node is not None else None
        idle = self.browser is not None and self.task is None
        enabled = {
            "reload": self.browser is not None,
            "properties": idle and kind == "file",
            "download": idle and kind == "file",
            "upload": idle and kind in ("container", "folder", "file"),
            "new": idle,
            "delete": idle and kind in ("container", "file"),
        }
        for key, action in self.buttons.items():
            action.setEnabled(enabled[key])

    # ---- what happened -----------------------------------------------------------------------
    def show_error(self, error: BaseException) -> None:
        refusal = broker_cause(error)
        if refusal is not None:
            self.token_refused.emit(refusal, getattr(self.credential, "asked", ()))
            self.say(f"No storage token for {self.username}: the message above the accounts "
                     "says why and what to do.")  # fmt: skip
            return
        # A sign-in the broker cannot show in this session is not offered: the fix says why.
        advice = where(explain(error), getattr(self.credential, "limits", None))
        # A full disk is this computer's, not the account's: no name in front of it.
        # Said as storage's (the account's own token may be fine), unless it is this computer's.
        about = f"Blob storage for {self.username}" if self.username else "Blob storage"
        self.banner.show_guidance(advice, "" if advice.local else about)
        claims = challenge_claims(error)
        itself = getattr(self.credential, "signs_in_itself", False)
        if claims and self.credential is not None:
            if not advice.blocked_here:
                self.banner.offer("Sign in with the requested claims", lambda: self.step_up(claims))
            else:  # the window's note above the accounts says why, too
                self.say("Storage asks for a new sign-in, which the broker cannot show here.")
        elif itself and advice.code == "AuthenticationRequired" and not advice.blocked_here:
            self.banner.offer("Sign in as your code would", lambda: self.step_up(""))
        elif advice.needs_interaction:
            self.banner.offer("Sign in again", self.sign_in_wanted.emit)

    def step_up(self, claims: str) -> None:
        """Answer the storage service's claims challenge: the broker's sign-in window for the
        active account, asking for those claims; then connect again (the SDK client keeps its
        token until it expires, so a new client asks the credential afresh)."""
        credential, handle = self.credential, int(self.window().winId())
        self.interactive.emit(handle)
        self._run(
            "Signing in with the requested claims" if claims else "Signing in as your code would",
            lambda: credential.step_up(handle, claims),
            lambda _: self.connect_storage(),
        )

    def say(self, text: str) -> None:
        """A line under the tree: where a download went, what a cancel left, why not."""
        self.status.setText(text)
        self.status.setVisible(bool(text))

    # ---- selection ----------------------------------------------------------------
    def current(self) -> Node | None:
        index = self.tree.currentIndex()
        return self.model.node(index) if index.isValid() else None

    def _target(self, index: QModelIndex | None = None) -> tuple[str, str] | None:
        """(container, folder prefix) that an upload lands in."""
        node = self.model.node(index) if index is not None and index.isValid() else self.current()
        if node is None or node.kind == "root":
            return None
        if node.kind == "file":
            node = node.parent if node.parent is not None else node
        prefix = node.name if node.kind == "folder" else ""
        return node.container, prefix

    # ---- actions ---------------------------------------------------------------------------
    def reload(self) -> None:
        self.model.refetch(QModelIndex())

    def _run(self, label: str, fn: Callable[[], Any], done: Callable[[Any], None]) -> bool:
        """Run one storage call at a time; False (and the user told why) while one runs."""
        if self.task is not None:
            stop = ", or Cancel it" if self.transfer is not None else ""
            self.say(f"Not started: “{self.task.label}” is still running. Wait for it{stop}.")
            return False
        self.banner.hide()
        self.task = self.runner.run(label, fn, done, self._failed)
        self.task.finished.connect(self._finished)
        self._update()
        return True

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, TransferCancelled):
            transfer = self.transfer
            self.say(transfer.cancelled_text if transfer else "Cancelled.")
        else:
            self.show_error(error)

    def _finished(self) -> None:
        self.task = None
        self.transfers.done()
        self._update()

    def properties(self) -> None:
        node, browser = self.current(), self.browser
        if node is None or node.kind != "file" or browser is None:
            return
        container, name = node.container, node.name
        self._run(
            "reading properties",
            lambda: browser.properties(container, name),
            self.asker.show_properties,
        )

    def _start_transfer(
        self, transfer: Transfer, work: Callable[[Transfer], Any], done: Callable[[Any], str]
    ) -> bool:
        """The transfer the user sees is the one Cancel stops: it becomes the pane's only if
        it starts."""
        if not self._run(transfer.label, lambda: work(transfer), lambda r: self.say(done(r))):
            return False
        self.say("")
        self.transfers.show_transfer(transfer)
        return True

    @property
    def transfer(self) -> Transfer | None:
        """The transfer running now, the one Cancel stops."""
        return self.transfers.transfer

    def cancel_transfer(self) -> None:
        self.transfers.cancel()

    def download(self) -> None:
        node, browser = self.current(), self.browser
        if node is None or node.kind != "file" or browser is None:
            return
        target = self.asker.save_path(node.name.rsplit("/", 1)[-1])
        if target is None:
            return
        container, name = node.container, node.name
        # Remembered before anything is written: a download killed mid-way leaves its
        # temporary in this folder, and the next start sweeps the folders remembered.
        self.download_folder.emit(str(target.parent))
        transfer = Transfer(f"Downloading {name}")
        transfer.cancelled_text = f"Download cancelled: nothing was written to {target}."
        self._start_transfer(
            transfer,
            lambda t: browser.download(container, name, target, t.progress, t.cancelled),
            lambda size: f"Saved {name} ({human_size(size)}) to {target}",
        )

    def upload(self) -> None:
        self.upload_paths(self.asker.open_paths(), None)

    def upload_paths(self, paths: list[Path], index: QModelIndex | None) -> None:
        target, browser = self._target(index), self.browser
        if not paths or browser is None:
            return
        if target is None:
            self.banner.show_text("Choose where to upload", "Select a container or a folder.")
            return
        container, prefix = target
        if any(refused(self.banner, rules.validate_blob_name, prefix + p.name) for p in paths):
            return

        def work(transfer: Transfer) -> int:
            total = 0
            for path in paths:
                total += browser.upload(
                    container, prefix + path.name, path, transfer.progress, transfer.cancelled
                )
            return total

        names = ", ".join(p.name for p in paths)
        where = f"{container}/{prefix}"
        transfer = Transfer(f"Uploading {names}")
        transfer.cancelled_text = f"Upload cancelled: nothing was committed to {where}."
        uploaded = lambda size: f"Uploaded {names} ({human_size(size)}) to {where}"  # noqa: E731
        if self._start_transfer(transfer, work, uploaded):
            assert self.task is not None
            self.task.finished.connect(lambda: self._reload_level(index))

    def _reload_level(self, index: QModelIndex | None) -> None:
        node = self.model.node(index) if index is not None and index.isValid() else self.current()
        while node is not None and node.kind == "file":
            node = node.parent
        if node is not None and self.browser is not None:
            self.model.refetch(self.model._index_of(node))

    def new_container(self) -> None:
        browser = self.browser
        name = self.asker.text(f"Name of the new container ({rules.CONTAINER_NAME_RULE}):")
        if browser is None or not name or refused(self.banner, rules.validate_container_name, name):
            return
        self._run("creating a container", lambda: browser.create_container(name),
                  lambda _: self.reload())  # fmt: skip

    def delete(self) -> None:
        node, browser = self.current(), self.browser
        if node is None or browser is None or node.kind in ("root", "folder"):
            return
        index = QPersistentModelIndex(self.tree.currentIndex())
        if node.kind == "container":
            question = f"Delete the container {node.name} and every blob in it?"
            fn: Callable[[], Any] = lambda: browser.delete_container(node.name)  # noqa: E731
        else:
            question = f"Delete {node.name} from {node.container}?"
            container = node.container
            fn = lambda: browser.delete_blob(container, node.name)  # noqa: E731
        if self.asker.confirm(question):
            self._run("deleting", fn, lambda _: self._removed(index))

    def _removed(self, index: QPersistentModelIndex) -> None:
        if index.isValid():  # the tree may have been reloaded meanwhile
            self.model.remove(self.model.index(index.row(), index.column(), index.parent()))
