"""The preview dialog on its own (real Qt, offscreen; no storage): what it shows for text, an
image and binary data, and that Download is offered only where nothing could be shown."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPlainTextEdit, QScrollArea
from pytestqt.qtbot import QtBot

from app.core.storage.preview import preview_of
from app.ui.storage.preview.dialog import PreviewDialog


def png(width: int, height: int) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    return bytes(data.data())


def buttons(dialog: PreviewDialog) -> list[str]:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    return [b.text() for b in box.buttons()]


def test_json_is_shown_read_only_and_pretty(qtbot: QtBot) -> None:
    data = b'{"b": [1, 2], "a": "x"}'
    dialog = PreviewDialog(preview_of("reports/2026/q1.json", data, len(data)))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Preview — q1.json"
    assert isinstance(dialog.body, QPlainTextEdit) and dialog.body.isReadOnly()
    assert '\n  "b": [' in dialog.body.toPlainText()
    assert "Download…" not in buttons(dialog)


def test_an_image_is_drawn_and_its_size_said(qtbot: QtBot) -> None:
    data = png(40, 30)
    dialog = PreviewDialog(preview_of("logo.png", data, len(data)))
    qtbot.addWidget(dialog)
    assert isinstance(dialog.body, QScrollArea)
    picture = dialog.body.widget()
    assert isinstance(picture, QLabel) and picture.pixmap().size().toTuple() == (40, 30)
    assert "40×30 pixels" in dialog.note.text()


def test_what_cannot_be_shown_says_why_and_offers_download(qtbot: QtBot) -> None:
    asked: list[bool] = []
    data = bytes(range(256)) * 4
    dialog = PreviewDialog(
        preview_of("blob.bin", data, len(data)), download=lambda: asked.append(True)
    )
    qtbot.addWidget(dialog)
    assert dialog.body is None and dialog.note.text()
    assert "Download…" in buttons(dialog)
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    next(b for b in box.buttons() if b.text() == "Download…").click()
    assert asked == [True]
    # A broken image (its magic bytes, then garbage) is said so, not drawn.
    broken = PreviewDialog(preview_of("x.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, 72))
    qtbot.addWidget(broken)
    assert broken.body is None and "cannot be shown here" in broken.note.text()
