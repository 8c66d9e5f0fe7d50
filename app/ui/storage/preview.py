"""Preview a blob (Enter, a double-click, or Preview in the context menu): the first 1 MiB at
most, read in memory off the GUI thread as the pane's one storage call (progress and Cancel
in the transfer bar), shown as JSON, text or an image; what cannot be shown says why and
offers Download. Nothing is written to disk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.storage.preview import LIMIT, Preview, preview_of
from app.ui.storage.parts import Pane, Transfer


def start_preview(pane: Pane, start: Any, download: Callable[[], None]) -> None:
    """Read the current blob's head and hand it to the asker (`start`: start_transfer)."""
    node, browser = pane.current(), pane.browser
    if node is None or node.kind != "file" or browser is None:
        return
    container, name = node.container, node.name
    transfer = Transfer(f"Reading {name} for a preview")
    transfer.cancelled_text = "Preview cancelled."

    def work(t: Transfer) -> Preview:
        data, total = browser.head(container, name, LIMIT, t.progress, t.cancelled)
        return preview_of(name, data, total)

    def shown(preview: Preview) -> str:
        if transfer.cancelled():  # read before Cancel reached the worker: not shown either
            return transfer.cancelled_text
        pane.asker.show_preview(preview, download)
        return ""

    start(transfer, work, shown)


class PreviewDialog(QDialog):
    def __init__(
        self,
        preview: Preview,
        parent: QWidget | None = None,
        download: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Preview — {preview.name.rsplit('/', 1)[-1]}")
        self.resize(640, 480)
        layout = QVBoxLayout(self)
        self.note = QLabel(preview.note)
        self.note.setWordWrap(True)
        self.note.setAccessibleName("About this preview")
        layout.addWidget(self.note)
        self.body: QWidget | None = None
        image = QImage.fromData(preview.data) if preview.kind == "image" else QImage()
        if preview.kind in ("json", "text"):
            text = QPlainTextEdit(preview.text)
            text.setReadOnly(True)
            text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            text.setAccessibleName("Blob text")
            self.body = text
        elif not image.isNull():
            picture = QLabel()
            picture.setPixmap(QPixmap.fromImage(image))
            picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
            picture.setAccessibleName(f"Image, {image.width()}×{image.height()} pixels")
            scroll = QScrollArea()
            scroll.setWidget(picture)
            scroll.setWidgetResizable(True)
            self.body = scroll
            self.note.setText(f"{preview.note} {image.width()}×{image.height()} pixels.")
        elif preview.kind == "image":
            self.note.setText(f"{preview.note} It cannot be shown here: Download it to open it.")
        if self.body is not None:
            layout.addWidget(self.body, 1)
        else:  # only the reason why not: a short dialog, the reason at its top
            layout.addStretch(1)
            self.resize(520, 160)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        if self.body is None and download is not None:
            button = buttons.addButton("Download…", QDialogButtonBox.ButtonRole.ActionRole)
            button.clicked.connect(self.accept)
            button.clicked.connect(download)
        layout.addWidget(buttons)
