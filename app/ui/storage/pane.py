"""The blob pane: proves the active account's credential works against a storage account.

It sees only a TokenCredential (never the broker). Listing is lazy and paged; transfers run
on a worker with progress read by a GUI timer and a Cancel that leaves nothing partial. Once
connected it follows the active account: a new credential reloads it, none says why not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core.storage.blobs import BlobBrowser, TransferCancelled
from app.core.storage.names import StorageUrlError, validate_account_url
from app.ui.common.tasks import Task, TaskRunner
from app.ui.common.widgets import Banner, error_style
from app.ui.storage import errors
from app.ui.storage.actions import PaneActions
from app.ui.storage.banner_area import BannerArea
from app.ui.storage.filter import FolderFilter
from app.ui.storage.model import BlobModel, Node
from app.ui.storage.navigation import Breadcrumbs, FolderTree, FolderTreeModel, KeepOpen, path_of
from app.ui.storage.operations import BlobOperations
from app.ui.storage.parts import Asker, Transfer, TransferBar, seed_action
from app.ui.storage.queueing import Transfers
from app.ui.storage.table import BlobTable

logger = logging.getLogger(__name__)
NOBODY = "Make an account active to browse storage with its credential."
FOLDERS_FROM = 560  # narrower, the folder tree is hidden until asked for


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
        self.connecting: BlobBrowser | None = None  # until its first listing answers

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
        self.model.failed.connect(self._stop_connecting)  # a method: gone with the pane
        self.model.failed.connect(self.show_error)
        self.model.page_loaded.connect(self._listed)
        self.operations = ops = BlobOperations(self)
        self.properties, self.download, self.upload = ops.properties, ops.download, ops.upload
        self.upload_paths, self.new_container, self.delete = (
            ops.upload_paths, ops.new_container, ops.delete)  # fmt: skip
        # `tree`: the flat table of the folder shown (`open`), beside the folder tree.
        self.tree = BlobTable(self.upload_paths, self.model)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.tree.activated.connect(self._activated)
        self.folder_model = FolderTreeModel(self.model)
        self.folders = FolderTree(self.folder_model)
        for chosen in (self.folders.clicked, self.folders.activated):
            chosen.connect(lambda i: self.go_to(self.folder_model.node(i)))
        self.crumbs = Breadcrumbs(self.go_to, self.up, self.tree)
        self.model.modelReset.connect(lambda: self._shown(self.model.root))
        self.model.rowsRemoved.connect(self._maybe_gone)
        self.tree.selectionModel().selectionChanged.connect(lambda *_: self._update())

        # A toolbar, not a row of buttons: it never pushes the accounts list's State column
        # off-screen; its actions also have shortcuts and the tree's context menu (actions.py).
        self.toolbar = QToolBar("Storage actions")
        self.toolbar.setIconSize(QSize(16, 16))
        ops = self.operations
        slots = {"reload": self.reload, "properties": ops.properties, "download": ops.download,
                 "upload": ops.upload, "new": ops.new_container, "delete": ops.delete,
                 "copy_url": ops.copy_url, "upload_folder": ops.upload_folder,
                 "preview": ops.preview}  # fmt: skip
        self.pane_actions = PaneActions(self, self.toolbar, self.tree, slots, ops.preview)
        self.buttons = self.pane_actions.actions
        self.expanded = KeepOpen(self, self.model, self.open)
        self.seed_action = seed_action(self.toolbar)  # which credential browses
        self.folder_filter = FolderFilter(self.tree, self.model, self.say)
        self.filter = self.folder_filter.edit
        self.transfers = TransferBar()
        self.cancel_button = self.transfers.cancel_button
        self.queue = Transfers(self)  # the transfer list: waiting, running, finished
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
        self.banner_area = BannerArea(self.banner)  # all of its advice, scrolled if need be
        layout.addWidget(self.banner_area)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.filter)
        layout.addWidget(self.crumbs)
        self.split = QSplitter()
        self.split.addWidget(self.folders)
        self.split.addWidget(self.tree)
        self.split.setStretchFactor(1, 1)
        self.split.setCollapsible(1, False)
        self.crumbs.tree_button.toggled.connect(self._show_folders)
        self.wide: bool | None = None  # whether the pane has room for the folder tree
        layout.addWidget(self.queue.under(self.split), 1)  # the transfer list below
        layout.addWidget(self.transfers)
        layout.addWidget(self.status)
        self.url_error.hide()
        self._shown(self.model.root)
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
        self.follows = True
        self.say("")
        browser = BlobBrowser(url, self.credential, connection_verify=self.connection_verify)
        self._use(browser)
        # Said at once, with a Cancel: the first listing is what connects (blobs.py gives it
        # seconds, not retries), and an address that never answers is not waited out.
        self.connecting = browser
        host = url.split("://", 1)[1].split("/", 1)[0]
        self.transfers.show_busy(f"Connecting to {host}…", self.cancel_connect)
        self.model.fetchMore(QModelIndex())

    def _listed(self, _rows: int) -> None:
        """A page arrived: the first one proves the URL (only then is it a recent URL)."""
        browser = self.connecting
        if browser is not None and browser is self.browser and browser.reached:
            self._stop_connecting()
            self.url_connected.emit(browser.account_url)

    def _stop_connecting(self, _error: object = None) -> None:
        self.connecting = None
        if self.transfer is None:  # the bar showed the connecting
            self.transfers.done()

    def cancel_connect(self) -> None:
        """Stop waiting for the account (its late answer is dropped: the tree was reset)."""
        browser, self.follows = self.connecting, False
        self._use(None)
        host = browser.account_url.split("://", 1)[1] if browser else "the account"
        self.say(f"Not connected: connecting to {host} was cancelled. Connect tries again.")

    def _use(self, browser: BlobBrowser | None) -> None:
        old, self.browser = self.browser, browser
        self.queue.stop_all("the connection changed before it started: nothing sent")
        self._stop_connecting()
        self.model.reset(browser)
        if old is not None:
            old.close()
        self._update()

    def _update(self) -> None:
        chosen = [node for _, node in self.operations.selected()]
        # a transfer asked for while another call runs waits in the list: not "busy"
        idle, queues = self.task is None, self.task is None or self.transfer is not None
        self.pane_actions.update(self.browser is not None, idle, self.current(), chosen, queues)

    # ---- what happened -----------------------------------------------------------------------
    def show_error(self, error: BaseException) -> None:
        errors.show_error(self, error)

    def step_up(self, claims: str) -> None:
        """Answer the storage service's claims challenge: the broker's sign-in window for the
        active account, asking for those claims; then connect again (the SDK client keeps its
        token until it expires, so a new client asks the credential afresh)."""
        credential, handle = self.credential, int(self.window().winId())
        self.interactive.emit(handle)
        self.expanded.remember(self.shown_node)  # reconnecting reopens what was open
        self._run(
            "Signing in with the requested claims" if claims else "Signing in as your code would",
            lambda: credential.step_up(handle, claims),
            lambda _: self.connect_storage(),
        )

    def say(self, text: str) -> None:
        """A line under the tree: where a download went, what a cancel left, why not."""
        self.status.setText(text)
        self.status.setVisible(bool(text))

    # ---- where the table is ---------------------------------------------------------------
    def open(self, index: QModelIndex | QPersistentModelIndex, keep: bool = False) -> None:
        """Show this container or folder (invalid: the account's containers) in the table,
        listing its first page; `keep`: the current row is one of its rows (else cleared)."""
        index = self.model.index(index.row(), 0, index.parent()) if index.isValid() else index
        node = self.model.node(index)
        if not node.expandable:
            return
        if not keep:
            self.tree.selectionModel().clear()
        self.tree.setRootIndex(index)
        self.model.arrange(index)
        self._shown(node)
        if self.model.canFetchMore(index):
            self.model.fetchMore(index)
        if self.folder_filter.text:
            self.folder_filter.apply()  # the filter follows the folder shown
        self._update()

    def up(self) -> None:
        if self.shown_node.parent is not None:
            self.go_to(self.shown_node.parent)

    def go_to(self, node: Node) -> None:
        self.open(self.model._index_of(node))

    def _shown(self, node: Node) -> None:
        self.shown_node = node
        self.crumbs.show_path(node, self.browser.account_url if self.browser else "")
        where = self.folder_model.index_of(node) if node.parent is not None else QModelIndex()
        if where.isValid() and self.folders.currentIndex() != where:
            self.folders.setCurrentIndex(where)
            self.folders.scrollTo(where)

    def _maybe_gone(self, *_: object) -> None:
        """The folder shown (or one above it) was deleted or reloaded away: the table shows
        the level above the highest one gone."""
        gone = next((n for n in path_of(self.shown_node) if n.gone), None)
        if gone is not None and gone.parent is not None:
            self.go_to(gone.parent)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """A row of another folder made current (a test, a reconnect): its folder is shown."""
        if current.isValid() and current.parent() != self.tree.rootIndex():
            self.open(current.parent(), keep=True)
        self._update()

    def _activated(self, index: QModelIndex) -> None:
        """Enter or a double-click on a container or folder opens it (a blob's: a preview)."""
        if index.isValid() and self.model.node(index).kind in ("container", "folder"):
            self.open(index.siblingAtColumn(0))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Narrow, the folder tree is hidden (Folders shows it; the breadcrumbs lead) so that
        Name, Size and Modified fit; wide enough, it shows. Decided only when crossing."""
        super().resizeEvent(event)
        if (wide := self.width() >= FOLDERS_FROM) != self.wide:
            self.wide = wide
            self.crumbs.tree_button.setChecked(wide)
            self._show_folders(wide)

    def _show_folders(self, shown: bool) -> None:
        self.folders.setVisible(shown)
        if shown:
            self.split.setSizes([min(200, self.width() // 3), self.width()])

    # ---- selection ----------------------------------------------------------------
    def current(self) -> Node | None:
        """The row the keyboard is on; with none, the container or folder shown."""
        index = self.tree.currentIndex()
        if index.isValid():
            return self.model.node(index)
        shown = self.shown_node
        return shown if shown.parent is not None else None

    # ---- actions ---------------------------------------------------------------------------
    def reload(self) -> None:
        """The folder shown, listed again (at the top: the containers)."""
        self.model.refetch(self.model._index_of(self.shown_node))

    def reload_containers(self) -> None:
        """The account's containers listed again (one was made), the folder shown reopened."""
        self.expanded.remember(self.shown_node)
        self.model.refetch(QModelIndex())

    def _run(
        self,
        label: str,
        fn: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> bool:
        """Run one storage call at a time; False (and the user told why) while one runs.
        Transfers do not come here to be refused: they wait their turn (queueing.py)."""
        if self.task is not None:
            stop = ", or Cancel it" if self.transfer is not None else ""
            self.say(f"Not started: “{self.task.label}” is still running. Wait for it{stop}.")
            return False
        self.banner.hide()
        self.task = self.runner.run(label, fn, done, failed or self._failed)
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
        self.queue.pump()  # the next transfer waiting, if any

    @property
    def transfer(self) -> Transfer | None:
        """The transfer running now, the one Cancel stops."""
        return self.transfers.transfer

    def cancel_transfer(self) -> None:
        if self.transfer is not None:
            self.transfers.cancel()
