"""In sandbox mode, the broker's account picker appears as a dialog over the window whose
handle the interactive call carried: it lists the simulated users the request may use."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.sandbox.control import SandboxControl
from app.ui.tasks import TaskRunner

logger = logging.getLogger(__name__)


class PickerDialog(QDialog):
    def __init__(self, request: dict[str, Any], parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Pick an account — sandbox broker")
        self.setMinimumWidth(420)
        self.list = QListWidget()
        self.list.setAccessibleName("Accounts the broker offers")
        for user in request["offered"]:
            kind = "personal" if user["personal"] else "work or school"
            item = QListWidgetItem(f"{user['name']}\n{user['username']} · {kind}")
            item.setData(0x0100, user["username"])
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _: self.accept())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Continue")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Sign in to <b>{request.get('authority', '')}</b>"))
        layout.addWidget(self.list)
        layout.addWidget(buttons)

    def username(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(0x0100)) if item and self.result() else None


class SandboxPicker:
    """Watches the sandbox broker (off the GUI thread) for a picker request carrying our
    window handle and answers it with what the user chose."""

    def __init__(self, control: SandboxControl, runner: TaskRunner, parent: QWidget) -> None:
        self.control = control
        self.runner = runner
        self.parent = parent
        self.handle = 0
        self.over = parent
        self.dialog: PickerDialog | None = None
        self.timer = QTimer(parent)
        self.timer.setInterval(150)
        self.timer.timeout.connect(self._poll)

    def watch(self, handle: int, over: QWidget | None = None) -> None:
        """Answer the next picker request carrying this handle, with a dialog over `over`."""
        self.handle = handle
        self.over = over or self.parent
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _poll(self) -> None:
        if self.dialog is not None:
            return
        self.runner.run("sandbox picker", self.control.state, self._seen, self._lost)

    def _lost(self, error: BaseException) -> None:
        logger.warning("sandbox control failed: %s", type(error).__name__)
        self.stop()

    def _seen(self, state: dict[str, Any]) -> None:
        pending = [p for p in state["pending"] if p.get("parentWindow") == self.handle]
        if not pending or self.dialog is not None:
            return
        self.timer.stop()
        request = pending[0]
        self.dialog = PickerDialog(request, self.over)
        self.dialog.finished.connect(lambda _: self._answer(request["id"]))
        self.dialog.open()

    def _answer(self, request_id: int) -> None:
        assert self.dialog is not None
        username = self.dialog.username()
        self.dialog.deleteLater()
        self.dialog = None
        self.runner.run(
            "sandbox picker answer",
            lambda: self.control.answer(request_id, username),
            lambda _: None,
            self._lost,
        )
