"""The Diagnostics dock: live, redacted log lines from the app, msal, the broker runtime and the
Azure SDK; the PII switch; the versions that matter; "Save diagnostics…".

While the PII switch is off (the default), every line is also scrubbed of personal data
(app.core.tokens.pii) whatever logger it came from: the native runtime quotes Entra ID's text,
usernames included, with its own PII switch off. Lines logged while it was on are scrubbed when
it is turned off, so what the dock shows and what is saved never holds more than the switch
says.

Log records arrive on any thread (native callback threads, the worker pool). `QtLogHandler`
(app.ui.shell.log_handler) formats, redacts and scrubs them there and queues them under its
lock; it never touches a widget or any Qt object. A timer on the GUI thread takes the queued
lines in batches. (No Signal.emit from the logging thread: PySide6 6.12.0 on Python 3.11 loses
a reference to True on every Python-side emit, which aborts the process once the count runs
out.)
"""

from __future__ import annotations

import functools
import logging
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import PySide6
from PySide6.QtCore import QDir, QEvent, QPoint, Qt, QTimer, qVersion
from PySide6.QtGui import QFontDatabase, QShowEvent, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.files.private import write_private
from app.core.guidance.files import for_file_error, one_line
from app.core.tokens.redact import redact
from app.core.tokens.scrubbing import Scrubber
from app.ui.common import files
from app.ui.common.widgets import ask_warning
from app.ui.shell.log_handler import LOGGERS, MAX_LINES, QtLogHandler

__all__ = ["LOGGERS", "DiagnosticsDock", "QtLogHandler", "versions"]

logger = logging.getLogger(__name__)

POLL_MS = 100  # how often the GUI thread takes queued lines
SOURCES = (
    ("All", ""),
    ("App", "app"),
    ("msal", "msal"),
    ("MSALRuntime", "msalruntime"),
    ("Azure SDK", "azure"),
)
DEFAULT_SOURCE, DEFAULT_LEVEL = "App", "Info"
DOCKED_HEIGHT = 240  # at most, when docked under a window with room to spare
LEVELS = (
    ("Debug", logging.DEBUG),
    ("Info", logging.INFO),
    ("Warning", logging.WARNING),
    ("Error", logging.ERROR),
)
PACKAGES = (
    "msal",
    "pymsalruntime",
    "azure-identity",
    "azure-identity-broker",
    "azure-storage-blob",
)
NOT_INSTALLED = "not installed"
PII_WARNING = (
    "Usernames, e-mail addresses, names, account ids and your home folder will appear in log "
    "lines and in saved diagnostics files (tenant ids appear either way). Tokens are still "
    "redacted.\n\nInclude personal data in the logs?"
)


def versions() -> dict[str, str]:
    """Versions of the libraries the app depends on, Qt, Python and the OS (for About too)."""
    return dict(_read_versions())


@functools.cache
def _read_versions() -> dict[str, str]:
    """Read once, when first needed: importlib.metadata costs ~13 ms of start-up."""
    import platform
    from importlib import metadata

    found: dict[str, str] = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = NOT_INSTALLED
    found["PySide6"] = PySide6.__version__
    found["Qt"] = qVersion()
    found["Python"] = platform.python_version()
    found["Platform"] = platform.platform()
    return found


def ask_pii(parent: QWidget, text: str) -> bool:
    return ask_warning(parent, "Include personal data?", text)


def ask_path(parent: QWidget, suggested: str) -> str:
    path = files.save_path(parent, "export", "Save diagnostics", suggested)
    return str(path) if path else ""


class DiagnosticsDock(QDockWidget):
    def __init__(
        self,
        *,
        set_pii: Callable[[bool], None],
        confirm: Callable[[QWidget, str], bool] = ask_pii,
        choose_path: Callable[[QWidget, str], str] = ask_path,
        parent: QWidget | None = None,
        scrubber: Scrubber | None = None,
    ) -> None:
        super().__init__("Diagnostics", parent)
        self.setObjectName("diagnosticsDock")
        self._set_pii = set_pii
        self._confirm = confirm
        self._choose_path = choose_path
        self.entries: deque[tuple[int, str, str]] = deque(maxlen=MAX_LINES)
        self.floated_for_room = False  # made a window because the main window had no room
        self.handler = QtLogHandler(scrubber=scrubber)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.drain)

        self.level = QComboBox()
        self.level.setAccessibleName("Minimum log level")
        self.source = QComboBox()
        self.source.setAccessibleName("Log source")
        for label, level in LEVELS:
            self.level.addItem(label, level)
        for label, name in SOURCES:
            self.source.addItem(label, name)
        # The app's own events by default: at Debug, ~98% of the lines are the runtime's
        # telemetry. Everything is kept (and saved); the filter only decides what is shown.
        self.level.setCurrentIndex(self.level.findText(DEFAULT_LEVEL))
        self.source.setCurrentIndex(self.source.findText(DEFAULT_SOURCE))
        self.count = QLabel()
        self.count.setAccessibleName("Lines shown")
        self.shown_lines = 0
        self.level.currentIndexChanged.connect(self._refilter)
        self.source.currentIndexChanged.connect(self._refilter)
        self.pii = QCheckBox("Include personal data (PII) in logs")
        self.pii.setAccessibleName("Include personal data (PII) in logs")
        self.pii.toggled.connect(self._pii_toggled)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setAccessibleName("Clear the log")
        self.clear_button.clicked.connect(self.clear)
        self.save_button = QPushButton("Save diagnostics…")
        self.save_button.setAccessibleName("Save diagnostics to a file")
        self.save_button.clicked.connect(self.save_diagnostics)

        self.view = QPlainTextEdit()
        self.view.setReadOnly(True)
        self.view.setMaximumBlockCount(MAX_LINES)
        self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.view.setAccessibleName("Log lines")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Diagnostics status")
        self.status.hide()
        self.versions_label = QLineEdit()  # one line, scrolled and selected; filled when shown
        self.versions_label.setReadOnly(True)
        self.versions_label.setFrame(False)
        self.versions_label.setAccessibleName("Versions")

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Level:"))
        bar.addWidget(self.level)
        bar.addWidget(QLabel("Source:"))
        bar.addWidget(self.source)
        bar.addWidget(self.count)
        bar.addStretch(1)
        bar.addWidget(self.pii)
        bar.addWidget(self.clear_button)
        bar.addWidget(self.save_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.versions_label)
        self.setWidget(body)

    # ---- logging -------------------------------------------------------------------------------
    def install(self) -> None:
        """Attach the handler to the app, msal, msalruntime and azure loggers (level DEBUG)."""
        self.handler.attach()
        self.timer.start()

    def uninstall(self) -> None:
        """Remove the handler from those loggers and restore their levels."""
        self.handler.detach()
        self.timer.stop()
        self.drain()

    def _shown(self, level: int, source: str) -> bool:
        wanted = self.source.currentData()
        return level >= self.level.currentData() and (not wanted or source == wanted)

    def drain(self) -> None:
        """Show the lines logged since the last call (GUI thread; the timer calls it)."""
        shown = []
        taken = self.handler.take()
        for level, source, text in taken:
            self.entries.append((level, source, text))
            if self._shown(level, source):
                shown.append(text)
        if shown:
            self.view.appendPlainText("\n".join(shown))
        if taken:
            self._count(min(self.shown_lines + len(shown), len(self.entries)))

    def _refilter(self) -> None:
        shown = [text for level, source, text in self.entries if self._shown(level, source)]
        self.view.setPlainText("\n".join(shown))
        self.view.moveCursor(QTextCursor.MoveOperation.End)
        self._count(len(shown))

    def _count(self, shown: int) -> None:
        self.shown_lines = shown
        self.count.setText(f"{shown:,} of {len(self.entries):,} lines")

    def clear(self) -> None:
        """Forget every line so far, shown and buffered for saving."""
        self.entries.clear()
        self.handler.clear()
        self.view.clear()
        self._count(0)

    # ---- PII -------------------------------------------------------------------------------
    def _pii_toggled(self, on: bool) -> None:
        if on and not self._confirm(self, PII_WARNING):
            self._set_checked(False)
            return
        try:
            self._set_pii(on)
        except Exception as exc:  # the app stays usable; say why instead of a traceback
            self._set_checked(not on)
            self._show_status(f"Could not change the PII setting: {exc}", error=True)
            return
        self.handler.set_pii(on)
        if not on:  # what the dock shows, too
            scrub = self.handler.scrub
            kept = [(level, source, scrub(text)) for level, source, text in self.entries]
            self.entries.clear()
            self.entries.extend(kept)
            self._refilter()
        logger.info("personal data in logs turned %s", "on" if on else "off")

    def showEvent(self, event: QShowEvent) -> None:
        if not self.versions_label.text():
            self.versions_label.setText(" · ".join(f"{k} {v}" for k, v in versions().items()))
            self.versions_label.setCursorPosition(0)
        super().showEvent(event)

    def setVisible(self, visible: bool) -> None:
        """Docked under the window only where it leaves the window its own minimum height:
        at the default size it crushed the accounts list to one row and made the blob pane's
        controls overlap. Where there is no room, it opens as a window of its own (a dock the
        user made a window stays one)."""
        window = self.parentWidget()
        placing = visible and not self.isVisible() and isinstance(window, QMainWindow)
        if not placing or (self.isFloating() and not self.floated_for_room):
            super().setVisible(visible)
            return
        assert isinstance(window, QMainWindow)
        # Layout requests still queued (a tab just opened, a banner just shown) first: measured
        # before them, the room looked spare and the dock crushed the blob pane.
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        spare = _spare_height(window.centralWidget())
        needed = self.minimumSizeHint().height()
        self.floated_for_room = spare < needed
        self.setFloating(self.floated_for_room)
        super().setVisible(True)
        if self.floated_for_room:
            height = max(needed, DOCKED_HEIGHT)
            self.resize(window.width(), height)
            self.move(window.mapToGlobal(window.rect().bottomLeft()) - QPoint(0, height))
        else:
            window.resizeDocks([self], [min(spare, DOCKED_HEIGHT)], Qt.Orientation.Vertical)

    def _set_checked(self, on: bool) -> None:
        blocked = self.pii.blockSignals(True)
        self.pii.setChecked(on)
        self.pii.blockSignals(blocked)

    # ---- saving ----------------------------------------------------------------------------
    def diagnostics_text(self) -> str:
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        lines = self.handler.lines()
        parts = [f"Broker Account Manager diagnostics, saved {now}", "", "Versions"]
        parts += [f"  {name}: {value}" for name, value in versions().items()]
        pii = "on" if self.pii.isChecked() else "off"
        parts += ["", f"Include personal data (PII) in logs: {pii}"]
        parts += ["", f"Log ({len(lines)} lines, oldest first)", *lines, ""]
        return "\n".join(self.handler.scrub(redact(part)) for part in parts)

    def save_diagnostics(self) -> bool:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        suggested = QDir(QDir.homePath()).filePath(f"diagnostics-{stamp}.txt")
        path = self._choose_path(self, suggested)
        if not path:
            return False
        try:
            write_private(Path(path), self.diagnostics_text().encode("utf-8", errors="replace"))
        except OSError as exc:
            advice = for_file_error(exc)
            reason = one_line(advice) if advice else exc.strerror or "the disk refused"
            self._show_status(f"Could not save diagnostics to {path}: {reason}", error=True)
            return False
        self._show_status(f"Diagnostics saved to {path}", error=False)
        return True

    def _show_status(self, text: str, error: bool) -> None:
        self.status.setStyleSheet("color:#c62828;" if error else "")
        self.status.setText(self.handler.scrub(redact(text)))
        self.status.show()


def _spare_height(central: QWidget | None) -> int:
    """How much of its height central can give up: its minimum counts wrapped text (banners)
    at its width, which a plain minimumSizeHint() takes for one line."""
    layout = central.layout() if central is not None else None
    if central is None or layout is None:
        return 0
    if layout.hasHeightForWidth():
        return central.height() - layout.minimumHeightForWidth(central.width())
    return central.height() - layout.minimumSize().height()
