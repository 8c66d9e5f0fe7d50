"""The blob pane: proves the active account's credential works against a storage account.

It sees only a TokenCredential (never the broker). Listing is lazy and paged; transfers run
on a worker with progress read by a GUI timer and a Cancel that leaves nothing partial.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.core import guidance
from app.core.blobs import BlobBrowser, StorageUrlError, TransferCancelled, validate_account_url
from app.ui.blob_model import BlobModel, Node
from app.ui.tasks import Task, TaskRunner
from app.ui.widgets import Banner

logger = logging.getLogger(__name__)


class Asker:
    """The questions the pane asks; tests pass their own answers."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self.parent, "Please confirm", text)
        return answer == QMessageBox.StandardButton.Yes

    def text(self, prompt: str) -> str | None:
        value, ok = QInputDialog.getText(self.parent, "Broker Account Manager", prompt)
        return value if ok else None

    def save_path(self, suggested: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self.parent, "Download to", suggested)
        return Path(path) if path else None

    def open_paths(self) -> list[Path]:
        paths, _ = QFileDialog.getOpenFileNames(self.parent, "Upload files")
        return [Path(p) for p in paths]

    def show_properties(self, title: str, properties: dict[str, str]) -> None:
        text = "\n".join(f"{k}: {v}" for k, v in properties.items())
        QMessageBox.information(self.parent, title, text)


class Transfer:
    """Shared between the worker (writes progress, reads cancelled) and the GUI timer."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.done = 0
        self.total = 0
        self.cancel_event = threading.Event()

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def cancelled(self) -> bool:
        return self.cancel_event.is_set()


class BlobTree(QTreeView):
    """Accepts files dropped from the desktop: they are uploaded where they land."""

    def __init__(self, on_drop: Callable[[list[Path], QModelIndex], None]) -> None:
        super().__init__()
        self.on_drop = on_drop
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.on_drop(paths, self.indexAt(event.position().toPoint()))
            event.acceptProposedAction()


class BlobPane(QWidget):
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
        self.browser: BlobBrowser | None = None
        self.transfer: Transfer | None = None
        self.task: Task | None = None
        self.recent_changed: Callable[[str], None] = lambda url: None
        self.sign_in_again: Callable[[], None] | None = None

        self.url = QComboBox()
        self.url.setEditable(True)
        self.url.setAccessibleName("Storage account URL")
        self.url.lineEdit().setPlaceholderText("https://<account>.blob.core.windows.net")
        self.url.lineEdit().returnPressed.connect(self.connect_storage)
        self.connect_button = QPushButton("Connect")
        self.connect_button.clicked.connect(self.connect_storage)
        self.url_error = QLabel()
        self.url_error.setStyleSheet("color:#c62828;")
        self.url_error.setWordWrap(True)
        self.who = QLabel("Make an account active to browse storage with its credential.")
        self.who.setWordWrap(True)
        self.banner = Banner("error")

        self.model = BlobModel(None, runner)
        self.model.failed.connect(self.show_error)
        self.tree = BlobTree(self.upload_paths)
        self.tree.setAccessibleName("Containers and blobs")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Fixed widths, not ResizeToContents: that measures every row of a 100,000-row level.
        for column, width in ((1, 72), (2, 124), (3, 150), (4, 48)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)

        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("reload", "Reload", self.reload),
            ("properties", "Properties", self.properties),
            ("download", "Download…", self.download),
            ("upload", "Upload…", self.upload),
            ("new", "New container…", self.new_container),
            ("delete", "Delete…", self.delete),
        ):
            button = QPushButton(text)
            button.setAccessibleName(text.rstrip("…"))
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[key] = button
        buttons.addStretch(1)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Transfer progress")
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel the transfer")
        self.cancel_button.clicked.connect(self.cancel_transfer)
        self.cancel_button.hide()
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self._show_progress)

        top = QHBoxLayout()
        top.addWidget(self.url, 1)
        top.addWidget(self.connect_button)
        transfer_row = QHBoxLayout()
        transfer_row.addWidget(self.progress, 1)
        transfer_row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.who)
        layout.addLayout(top)
        layout.addWidget(self.url_error)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)
        layout.addLayout(transfer_row)
        self.url_error.hide()
        self._update()

    # ---- what to browse with ---------------------------------------------------------------
    def set_recent(self, urls: list[str]) -> None:
        current = self.url.currentText()
        self.url.clear()
        self.url.addItems(urls)
        self.url.setCurrentText(current or (urls[0] if urls else ""))

    def set_credential(self, credential: Any, who: str | None) -> None:
        """The active account changed: browse again with its credential (or stop)."""
        self.credential = credential
        self.who.setText(
            f"Browsing as <b>{who}</b>"
            if who
            else "Make an account active to browse storage with its credential."
        )
        if self.browser is not None or credential is None:
            self.connect_storage()

    def connect_storage(self) -> None:
        self.banner.hide()
        self.url_error.hide()
        if self.credential is None:
            self._use(None)
            return
        try:
            url = validate_account_url(self.url.currentText())
        except StorageUrlError as exc:
            self.url_error.setText(str(exc))
            self.url_error.show()
            return
        self.recent_changed(url)
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
        connected = self.browser is not None
        busy = self.task is not None
        for key, button in self.buttons.items():
            button.setEnabled(connected and (not busy or key in ("reload", "properties")))

    # ---- errors ----------------------------------------------------------------------------
    def show_error(self, error: BaseException) -> None:
        advice = guidance.explain(error)
        self.banner.show_guidance(advice)
        if advice.needs_interaction and self.sign_in_again is not None:
            self.banner.offer("Sign in again", self.sign_in_again)

    # ---- selection ---------------------------------------------------------------------------
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

    def _run(self, label: str, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        if self.task is not None:
            return
        self.banner.hide()

        def finished(value: Any) -> None:
            done(value)

        self.task = self.runner.run(label, fn, finished, self._failed)
        self.task.finished.connect(self._finished)
        self._update()

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, TransferCancelled):
            self.show_error(error)

    def _finished(self) -> None:
        self.task = None
        self.transfer = None
        self.timer.stop()
        self.progress.hide()
        self.cancel_button.hide()
        self._update()

    def properties(self) -> None:
        node, browser = self.current(), self.browser
        if node is None or node.kind != "file" or browser is None:
            return
        container, name = node.container, node.name
        self._run(
            "reading properties",
            lambda: browser.properties(container, name),
            lambda props: self.asker.show_properties(name, props),
        )

    def _start_transfer(self, label: str, work: Callable[[Transfer], Any]) -> None:
        transfer = Transfer(label)
        self.transfer = transfer
        self.progress.setFormat(f"{label} — %p%")
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.timer.start()
        self._run(label, lambda: work(transfer), lambda _: self._transfer_done(transfer))

    def _transfer_done(self, transfer: Transfer) -> None:
        logger.info("%s: %d bytes", transfer.label, transfer.done)

    def _show_progress(self) -> None:
        transfer = self.transfer
        if transfer is not None and transfer.total:
            self.progress.setValue(int(100 * transfer.done / transfer.total))

    def cancel_transfer(self) -> None:
        if self.transfer is not None:
            self.transfer.cancel_event.set()  # the worker stops at the next chunk, cleans up

    def download(self) -> None:
        node, browser = self.current(), self.browser
        if node is None or node.kind != "file" or browser is None:
            return
        target = self.asker.save_path(node.name.rsplit("/", 1)[-1])
        if target is None:
            return
        container, name = node.container, node.name
        self._start_transfer(
            f"Downloading {name}",
            lambda t: browser.download(container, name, target, t.progress, t.cancelled),
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

        def work(transfer: Transfer) -> int:
            total = 0
            for path in paths:
                total += browser.upload(
                    container, prefix + path.name, path, transfer.progress, transfer.cancelled
                )
            return total

        names = ", ".join(p.name for p in paths)
        self._start_transfer(f"Uploading {names}", work)
        self.task.finished.connect(lambda: self._reload_level(index))  # type: ignore[union-attr]

    def _reload_level(self, index: QModelIndex | None) -> None:
        node = self.model.node(index) if index is not None and index.isValid() else self.current()
        while node is not None and node.kind == "file":
            node = node.parent
        if node is not None and self.browser is not None:
            self.model.refetch(self.model._index_of(node))

    def new_container(self) -> None:
        browser = self.browser
        name = self.asker.text("Name of the new container (lower-case letters, digits, -):")
        if browser is None or not name:
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
            self.model.remove(QModelIndex(index))
