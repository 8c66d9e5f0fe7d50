"""The preview dialog: a blob's first bytes as JSON or text, an image, or why not (Download)."""

from __future__ import annotations

from collections.abc import Callable

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

from app.core.storage.preview import Preview


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
