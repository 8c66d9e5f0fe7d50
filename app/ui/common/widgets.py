"""Small widgets: the guidance banner, a tree that copies what it means to, a warning."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.guidance.advice import Guidance, entra_code
from app.core.outcomes.outcome import Kind, Outcome
from app.ui.common.icons import icon, is_dark

COPIED_MS = 4000  # how long the status bar says what was copied


def copy_text(source: QWidget, text: str, what: str) -> None:
    """Put text on the clipboard and say so ("Copied the username") in the status bar of the
    window it was copied from, or of the window that window (a dialog) belongs to."""
    QGuiApplication.clipboard().setText(text)
    window: QWidget | None = source.window()
    while window is not None and not isinstance(window, QMainWindow):
        parent = window.parentWidget()
        window = parent.window() if parent is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(f"Copied {what}", COPIED_MS)


class CopyingTree(QTreeWidget):
    """Ctrl+C (the platform's Copy) copies what `copy` makes of the selection, not just the
    current cell's text as item views do by themselves."""

    def __init__(self, copy: Callable[[], None]) -> None:
        super().__init__()
        self.copy = copy

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
            return
        super().keyPressEvent(event)


def error_style() -> str:
    """The style of an inline error text, readable in the light and the dark scheme."""
    return "color:#ff8a80;" if is_dark() else "color:#c62828;"


class Banner(QFrame):
    """What happened and how to fix it, inline in the window; never a traceback."""

    STYLES: ClassVar[dict[str, str]] = {
        "error": "background:#fdecea; color:#611a15; border:1px solid #f5c6cb;",
        "info": "background:#e8f4fd; color:#0d3c61; border:1px solid #b6dcf7;",
        "sandbox": "background:#fff4e5; color:#663c00; border:1px solid #ffd699;",
        "warning": "background:#fff4e5; color:#663c00; border:1px solid #ffd699;",
    }
    DARK_STYLES: ClassVar[dict[str, str]] = {
        "error": "background:#3b1f1f; color:#f8d7da; border:1px solid #7f3b3b;",
        "info": "background:#1d2f3f; color:#d6ebfb; border:1px solid #355a7a;",
        "sandbox": "background:#3a2e16; color:#ffe6b3; border:1px solid #7a5d26;",
        "warning": "background:#3a2e16; color:#ffe6b3; border:1px solid #7a5d26;",
    }

    def __init__(self, kind: str = "error") -> None:
        super().__init__()
        self.kind = kind
        self.setObjectName(f"{kind}Banner")
        self.tone, self.dark = "", False
        self._set_tone(kind)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight:bold; border:none;")
        self.title.setWordWrap(True)  # a long title wraps instead of widening its pane
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.setStyleSheet("border:none;")
        # The broker call it is about: its correlation id and time, the body's last line,
        # copied whole by the Copy button.
        self.trace = ""
        self.copy_trace = QPushButton("Copy")
        self.copy_trace.setAccessibleName("Copy the correlation id and time")
        self.copy_trace.setToolTip("Copy the correlation id and time, for the Entra sign-in logs")
        self.copy_trace.clicked.connect(
            lambda: copy_text(self, self.trace, "the correlation id and time")
        )
        self.copy_trace.hide()
        self.action = QPushButton()
        self._offered: Callable[[], None] | None = None
        self.action.clicked.connect(lambda: self._offered and self._offered())
        self.action.hide()
        self.close_button = QPushButton("Dismiss")
        self.close_button.setAccessibleName("Dismiss message")
        self.close_button.clicked.connect(self.hide)
        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(self.body)
        layout = QHBoxLayout(self)
        layout.addLayout(text, 1)
        layout.addWidget(self.action, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.copy_trace, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def collapsible(self, settings: QSettings, key: str, folded: bool = False) -> None:
        """A Less/More button that folds the body away (the title stays, one line). It starts
        as the user last left it (kept in `settings` under `key`), or else `folded`; only the
        user's own clicks are kept, so a fold the app chose (a short screen) is not."""
        self.fold = QPushButton()
        self.fold.setCheckable(True)
        self.fold.toggled.connect(self._fold)
        self.fold.clicked.connect(lambda chosen: settings.setValue(key, chosen))
        layout = self.layout()
        assert isinstance(layout, QHBoxLayout)
        layout.insertWidget(1, self.fold, 0, Qt.AlignmentFlag.AlignTop)
        if settings.contains(key):
            folded = bool(settings.value(key, False, type=bool))
        self.fold.setChecked(folded)
        self._fold(folded)

    def _fold(self, folded: bool) -> None:
        self.body.setVisible(not folded)
        self.fold.setText("More" if folded else "Less")
        self.fold.setAccessibleName(f"{'Show' if folded else 'Hide'} the details of this message")

    def _set_tone(self, tone: str) -> None:
        """The banner's colours: its own kind's, or another's for one message (a cancelled
        sign-in is news, not an error), in the scheme in use."""
        dark = is_dark()
        if (tone, dark) != (self.tone, self.dark):
            self.tone, self.dark = tone, dark
            style = (self.DARK_STYLES if dark else self.STYLES)[tone]
            self.setStyleSheet(f"#{self.objectName()} {{{style} border-radius:4px;}}")

    def restyle(self) -> None:
        """Another scheme: this one's colours (a style sheet does not follow the palette)."""
        self._set_tone(self.tone)

    def show_text(
        self, title: str, body: str, closable: bool = True, tone: str = "", trace: str = ""
    ) -> None:
        self._set_tone(tone or self.kind)
        self.action.hide()
        self.title.setText(title)
        self.body.setText(f"{body}\n\n{trace}" if trace else body)
        self.trace = trace
        self.copy_trace.setVisible(bool(trace))
        self.close_button.setVisible(closable)
        self.show()

    def show_if(self, title: str, body: str | None) -> None:
        """Shown with this text while there is one; hidden when there is none."""
        if body:
            self.show_text(title, body)
        else:
            self.hide()

    def offer(self, text: str, slot: Callable[[], None]) -> None:
        """A button on the banner for the fix it describes."""
        self.action.setText(text)
        self.action.setAccessibleName(text)
        self._offered = slot
        self.action.show()

    def show_outcome(self, who: str, outcome: Outcome, sign_in: Callable[[], None]) -> None:
        """What the broker answered for this account, unless it was a token; "Sign in again"
        is offered only where signing in can help."""
        if outcome.kind is Kind.TOKEN:
            return
        self.show_text(
            f"{who}: {outcome.title}",
            f"{outcome.reason}\n\nWhat to do: {outcome.fix}{entra_code(outcome.code)}",
            trace=outcome.trace,
        )
        if outcome.needs_interaction:
            self.offer("Sign in again", sign_in)

    def show_guidance(self, guidance: Guidance, context: str = "", tone: str = "") -> None:
        prefix = f"{context}: " if context else ""
        self.show_text(
            f"{prefix}{guidance.title}",
            f"{guidance.explanation}\n\nWhat to do: {guidance.fix}{entra_code(guidance.code)}",
            tone=tone,
            trace=guidance.trace,
        )


def ask_yes(parent: QWidget, title: str, text: str) -> bool:
    """A question that defaults to No."""
    answer = QMessageBox.question(parent, title, text, defaultButton=QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def ask_warning(parent: QWidget, title: str, text: str) -> bool:
    """A warning that defaults to No: for actions that expose secrets or personal data."""
    answer = QMessageBox.warning(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def shortcut_action(
    parent: QWidget, icon_name: str, text: str, keys: Any, slot: Callable[[], object]
) -> QAction:
    """An action with its icon, shortcut and a tooltip that names the shortcut."""
    action = QAction(icon(icon_name), text, parent)
    action.setShortcut(QKeySequence(keys))
    shown = text.replace("&", "").rstrip("…")
    key = action.shortcut().toString()
    action.setToolTip(f"{shown} ({key})" if key else shown)
    action.triggered.connect(slot)
    return action
