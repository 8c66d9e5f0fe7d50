"""The status bar's account of the broker call running: its label, what it waits behind, and
Cancel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar

from app.core.broker.runtime import Broker
from app.ui.accounts.broker_note import waiting_note


class BusyStatus:
    def __init__(self, bar: QStatusBar, broker: Broker, cancel: Callable[[], None]) -> None:
        self.broker = broker
        self.label = QLabel()
        self.cancel = QPushButton("Cancel")
        self.cancel.setAccessibleName("Cancel the running broker call")
        self.cancel.clicked.connect(cancel)
        bar.addWidget(self.label, 1)
        bar.addPermanentWidget(self.cancel)
        self.cancel.hide()

    def show(self, label: str) -> None:
        """A call started (its label), or none runs ("")."""
        self.label.setText(f"{label}…{waiting_note(self.broker)}" if label else "")
        self.cancel.setVisible(bool(label))
