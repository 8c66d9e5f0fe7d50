"""Previewing a blob: JSON, text, an image, a blob larger than the 1 MiB read, binary; read
in memory as the pane's one storage call with progress and Cancel. Real widgets, real broker
credential, real Azurite."""

from __future__ import annotations

import json
import os

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton

from app.core.storage.preview import LIMIT
from app.ui.storage.preview.dialog import PreviewDialog
from tests.integration.ui.blob_steps import box_of, pick
from tests.integration.ui.test_blob_pane import child

SHOTS = os.environ.get("BLOB_PREVIEW_SHOTS")  # a folder: the dialogs, saved to look at


def png() -> bytes:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#2a7ae2"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def previewed(pane, qtbot, small, name):  # type: ignore[no-untyped-def]
    box = box_of(pane, small)
    qtbot.waitUntil(lambda: child(pane.model, box, name) is not None, timeout=15000)
    pane.asker.previewed = None
    pick(pane, small, name)
    qtbot.keyClick(pane.tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pane.asker.previewed is not None, timeout=15000)
    qtbot.waitUntil(lambda: pane.task is None)
    return pane.asker.previewed


def dialog_of(preview, qtbot, shot):  # type: ignore[no-untyped-def]
    downloads: list[int] = []
    dialog = PreviewDialog(preview, None, lambda: downloads.append(1))
    qtbot.addWidget(dialog)
    dialog.show()
    if SHOTS:
        dialog.grab().save(os.path.join(SHOTS, f"preview-{shot}.png"))
    return dialog, downloads


def test_json_text_image_large_and_binary_blobs(pane, qtbot, small, storage):  # type: ignore[no-untyped-def]
    box = storage.shared_key_client().get_container_client(small)
    box.upload_blob("data.json", json.dumps({"name": "café", "n": [1, 2]}).encode())
    box.upload_blob("pixel.png", png())
    box.upload_blob("latin.txt", "café".encode("latin-1"))
    pane.reload()

    data = previewed(pane, qtbot, small, "data.json")
    assert data.kind == "json" and '"name": "café"' in data.text and "\n  " in data.text
    dialog, _ = dialog_of(data, qtbot, "json")
    assert '"café"' in dialog.findChild(QPlainTextEdit).toPlainText()

    picture = previewed(pane, qtbot, small, "pixel.png")
    dialog, _ = dialog_of(picture, qtbot, "image")
    label = next(w for w in dialog.findChildren(QLabel) if w.pixmap() is not None
                 and not w.pixmap().isNull())  # fmt: skip
    assert (label.pixmap().width(), label.pixmap().height()) == (40, 30)
    assert "40×30 pixels" in dialog.note.text()

    latin = previewed(pane, qtbot, small, "latin.txt")
    assert latin.kind == "binary" and "0xe9 at offset 3" in latin.note
    dialog, downloads = dialog_of(latin, qtbot, "binary")
    button = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Download…")
    button.click()
    assert downloads == [1]  # binary: Download offered
    assert dialog.findChild(QPlainTextEdit) is None


def test_a_large_blob_reads_its_first_mib_only(pane, qtbot, small, storage):  # type: ignore[no-untyped-def]
    big = previewed(pane, qtbot, small, "big.bin")  # 12 MiB of bytes 0..255
    assert len(big.data) == LIMIT
    assert big.data == (bytes(range(256)) * 4096)[:LIMIT]
    assert big.kind == "binary"
    box = storage.shared_key_client().get_container_client(small)
    box.upload_blob("long.txt", b"line of text\n" * (2 * LIMIT // 13 + 1))
    pane.reload()
    long = previewed(pane, qtbot, small, "long.txt")
    assert long.kind == "text" and len(long.text) == LIMIT
    assert long.note == "First 1.0 MB of 2.0 MB shown."


def test_a_preview_can_be_cancelled(pane, qtbot, small):  # type: ignore[no-untyped-def]
    pane.asker.previewed = None
    pick(pane, small, "big.bin")
    pane.operations.preview()
    assert pane.transfer is not None and "preview" in pane.transfer.label
    pane.cancel_transfer()
    qtbot.waitUntil(lambda: pane.task is None, timeout=15000)
    assert pane.asker.previewed is None
    assert pane.status.text() == "Preview cancelled."
