"""What the blob pane is made of besides the pane itself: the questions it asks (tests pass
their own answers) and a transfer's shared progress and how it reads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Qt, QTimer, SignalInstance
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QToolBar,
    QWidget,
)

from app.core.guidance.explain import explain
from app.core.storage.blobs import BlobBrowser
from app.core.storage.details import BlobDetails, human_size
from app.core.storage.names import StorageNameError
from app.core.storage.preview import Preview
from app.ui.common import files
from app.ui.common.tasks import Task
from app.ui.common.widgets import Banner
from app.ui.storage.model import BlobModel, Node

if TYPE_CHECKING:
    from PySide6.QtWidgets import QSplitter

    from app.ui.common.tasks import TaskRunner
    from app.ui.storage.banner_area import BannerArea
    from app.ui.storage.table import BlobTable


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

    def choose(self, text: str, choices: list[str]) -> str | None:
        """One of `choices` (buttons, the first the default), or None for Cancel."""
        box = QMessageBox(QMessageBox.Icon.Question, "Please confirm", text, parent=self.parent)
        buttons = [box.addButton(c, QMessageBox.ButtonRole.AcceptRole) for c in choices]
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(buttons[0])
        box.exec()
        clicked = box.clickedButton()
        return next((c for c, b in zip(choices, buttons, strict=True) if b is clicked), None)

    def save_path(self, suggested: str) -> Path | None:
        return files.save_path(self.parent, "download", "Download to", suggested)

    def open_paths(self) -> list[Path]:
        return files.open_paths(self.parent, "upload", "Upload files")

    def folder_path(self, kind: str, title: str) -> Path | None:
        """A folder to download into ("download") or to upload ("upload")."""
        return files.folder_path(self.parent, kind, title)

    def show_preview(self, preview: Preview, download: Callable[[], None]) -> None:
        from app.ui.storage.preview.dialog import PreviewDialog

        PreviewDialog(preview, self.parent, download).open()

    def show_properties(self, details: BlobDetails) -> None:
        from app.ui.storage.properties import PropertiesDialog

        PropertiesDialog(details, self.parent).open()


def progress_text(label: str, done: int, total: int, seconds: float) -> str:
    """ "Downloading a.bin — 1.2 MB of 3.0 MB · 24.0 MB/s · 2 s left" (speed and time left
    once there is something to measure)."""
    return f"{label} — {amounts(done, total, seconds)}"


def amounts(done: int, total: int, seconds: float) -> str:
    """ "1.2 MB of 3.0 MB · 24.0 MB/s · 2 s left": what the progress bar itself says."""
    text = f"{human_size(done)} of {human_size(total)}"
    if done > 0 and seconds > 0:
        speed = done / seconds
        text += f" · {human_size(int(speed))}/s"
        if total > done:
            text += f" · {_duration((total - done) / speed)} left"
    return text


def _duration(seconds: float) -> str:
    seconds = max(1, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class Transfer:
    """Shared between the worker (writes progress, reads cancelled) and the GUI timer.
    `where`: what it writes to (a path, container/folder), for the transfer list; `browser`:
    the pane's connection when it starts (a retry runs with the one of its time)."""

    def __init__(self, label: str, where: str = "") -> None:
        self.label, self.where = label, where
        self.browser: BlobBrowser | None = None
        self.reset("Cancelled: nothing was left behind.")

    def reset(self, cancelled_text: str) -> None:
        """As new, for a run (a retry starts from nothing and has a Cancel of its own)."""
        self.done = 0
        self.total = 0
        self.started = time.monotonic()
        self.cancel_event = threading.Event()
        self.cancelled_text = cancelled_text  # what a cancel leaves

    @property
    def storage(self) -> BlobBrowser:
        """The connection it runs with (set as it starts)."""
        assert self.browser is not None
        return self.browser

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def text(self) -> str:
        return progress_text(self.label, self.done, self.total, time.monotonic() - self.started)

    def amounts(self) -> str:
        return amounts(self.done, self.total, time.monotonic() - self.started)


class TransferBar(QWidget):
    """What runs now, on a line of its own (elided in the middle, whole in its tooltip) with
    its Cancel, over a bar that says how far it got: in a narrow pane the whole sentence in
    the bar was cut off. A transfer's progress is read by a GUI timer ten times a second;
    connecting shows a busy bar. Cancel stops what is shown."""

    def __init__(self) -> None:
        super().__init__()
        self.transfer: Transfer | None = None
        self.on_cancel: Callable[[], None] | None = None  # connecting: what Cancel does
        self.title = QLabel()
        self.title.setAccessibleName("Running now")
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Transfer progress")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel the transfer")
        self.cancel_button.clicked.connect(self.cancel)
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self._tick)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.title, 0, 0)
        grid.addWidget(self.cancel_button, 0, 1)
        grid.addWidget(self.progress, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        self.hide()

    def show_transfer(self, transfer: Transfer) -> None:
        self.transfer, self.on_cancel = transfer, None
        self._show(transfer.label, "Cancel the transfer")
        self.progress.setRange(0, 100)
        self.progress.setFormat(transfer.amounts().replace("%", "%%"))
        self.progress.setValue(0)
        self.timer.start()

    def show_busy(self, label: str, on_cancel: Callable[[], None]) -> None:
        """Something without a size to count (connecting): a busy bar, and Cancel."""
        self.transfer, self.on_cancel = None, on_cancel
        self._show(label, f"Cancel {label[:1].lower()}{label[1:]}".rstrip("…"))
        self.progress.setRange(0, 0)
        self.progress.setFormat("")

    def _show(self, label: str, cancel_name: str) -> None:
        self.label = label
        self.title.setToolTip(label)
        self.cancel_button.setAccessibleName(cancel_name)
        self.show()
        self._elide()

    def done(self) -> None:
        self.transfer, self.on_cancel = None, None
        self.timer.stop()
        self.hide()

    def cancel(self) -> None:
        if self.transfer is not None:
            self.transfer.cancel_event.set()  # the worker stops at the next chunk, cleans up
        elif self.on_cancel is not None:
            on_cancel, self.on_cancel = self.on_cancel, None
            on_cancel()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(0, self.width() - self.cancel_button.sizeHint().width() - 8)
        metrics = self.title.fontMetrics()
        label = getattr(self, "label", "")
        self.title.setText(metrics.elidedText(label, Qt.TextElideMode.ElideMiddle, width))

    def _tick(self) -> None:
        transfer = self.transfer
        if transfer is not None and transfer.total:
            self.progress.setValue(int(100 * transfer.done / transfer.total))
            self.progress.setFormat(transfer.amounts().replace("%", "%%"))


def seed_action(toolbar: QToolBar) -> QAction:
    """On: the pane browses with azure-identity-broker's credential for the active account, as
    an SDK user's code would; off: with the app's own (the broker account's)."""
    action = toolbar.addAction("As your code")
    action.setCheckable(True)
    action.setToolTip(
        "Browse with azure-identity-broker's InteractiveBrowserBrokerCredential for the active "
        "account, as an SDK user's code would (it never shows UI from inside a storage call); "
        "off: with this app's own credential for the broker account"
    )
    return action


def refused(banner: Banner, rule: Callable[[str], str], name: str) -> bool:
    """A name storage would refuse is said on the banner, with the rule; nothing is sent."""
    try:
        rule(name)
    except StorageNameError as exc:
        banner.show_guidance(explain(exc))
        return True
    return False


class Queue(Protocol):
    """The transfer list, as the operations use it (queueing.py)."""

    def add(
        self,
        transfer: Transfer,
        work: Callable[[Transfer], Any],
        said: Callable[[Any], str],
        finished: Callable[[], None] | None = None,
    ) -> object: ...
    def look(self, label: str, fn: Callable[[], Any], done: Callable[[Any], None]) -> None: ...


class Pane(Protocol):
    """What the pane's operations and its transfer list use of the pane (operations.py,
    folders.py, queueing.py)."""

    tree: BlobTable  # the table of the folder shown
    split: QSplitter  # the table beside the folder tree
    model: BlobModel
    browser: BlobBrowser | None
    credential: Any
    runner: TaskRunner
    asker: Asker
    banner: Banner
    banner_area: BannerArea
    transfers: TransferBar
    task: Task | None

    @property
    def queue(self) -> Queue: ...  # read-only here: the pane's is a Transfers

    @property
    def download_folder(self) -> SignalInstance: ...
    def current(self) -> Node | None: ...
    def say(self, text: str) -> None: ...
    def show_error(self, error: BaseException) -> None: ...
    def reload(self) -> None: ...
    def reload_containers(self) -> None: ...
    def cancel_transfer(self) -> None: ...
    def _failed(self, error: BaseException) -> None: ...
    def _run(
        self,
        label: str,
        fn: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> bool: ...
