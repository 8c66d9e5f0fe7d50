"""The window on screen before the app's own modules load: its frame is shown first
(main_window.MainWindow needs only Qt), and what it is built from is imported afterwards, one
module a turn of the event loop so the frame keeps painting (each is a few ms to ~30 ms on 2
busy cores; all at once, ~100 ms of a window that does not repaint), then built.

Before, `python -m app` imported and built everything first: ~2.5× a bare PySide6 window's
time to a window on screen (benchmarks/startup.py), with nothing on screen meanwhile.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

# What MainWindow.building() imports, in an order that breaks the longest chains apart: each
# is one turn of the event loop while the frame is on screen, a few ms to ~15 ms on an idle
# machine, and the first use of Qt's namespace (icons) ~30 ms alone: PySide creates its types
# then.
# tests/unit/ui/shell/test_startup_imports.py fails if building imports more.
BUILD_MODULES = (
    "dataclasses",
    "app.core.broker.errors",
    "app.core.configurations.profile",
    "app.core.broker.runtime",
    "app.core.settings.store",
    "app.ui.common.tasks",
    "app.core.outcomes.outcome",
    "PySide6.QtSvg",
    "app.ui.common.icons",
    "app.ui.common.widgets",
    "app.ui.shell.theme",
    "app.core.accounts.calls",
    "app.core.arm.records",
    "app.core.accounts.session",
    "app.ui.accounts.model",
    "app.ui.accounts.view",
    "app.ui.accounts.actions",
    "app.ui.accounts.banner",
    "app.ui.configurations.profile_editor",
    "app.ui.configurations.profile_bar",
    "app.ui.storage.tab",
    "app.ui.shell.diagnostics",
    "app.ui.shell.menus",
    "app.ui.shell.layout",
    "html",
    "app.ui.tokens.inspector",
    "app.ui.shell.arm_link",
    "app.ui.shell.busy",
    "app.ui.shell.saver",
    "hashlib",  # the one-window hand-over's name
    "PySide6.QtNetwork",  # and its server, listening once the window is built
)
SANDBOX_MODULES = (  # sandbox mode only: its D-Bus control, ~60 ms at once
    "subprocess",
    "socket",
    "jeepney",
    "app.sandbox.broker.control",
    "app.ui.shell.sandbox",
    "app.ui.shell.sandbox_start",
)


def centred(widget: QWidget) -> QWidget:
    """widget in the middle of a page, placed by stretches: an alignment flag would make
    PySide create its Qt namespace's types, ~25-30 ms the frame need not wait for."""
    page = QWidget()
    rows, row = QVBoxLayout(page), QHBoxLayout()
    row.addStretch()
    row.addWidget(widget)
    row.addStretch()
    rows.addStretch()
    rows.addLayout(row)
    rows.addStretch()
    return page


class AfterFirstPaint(QObject):
    """Calls `then` once the widget has been painted the first time (on the next turn of the
    event loop, after the whole window's first paint), or after `within` ms without a paint
    (a window shown minimised is not painted). Made before the widget is shown."""

    def __init__(self, widget: QWidget, then: Callable[[], None], within: int = 1000) -> None:
        super().__init__(widget)
        self.then: Callable[[], None] | None = then
        widget.installEventFilter(self)
        QTimer.singleShot(within, self, self._call)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._call)
        return False

    def _call(self) -> None:
        then, self.then = self.then, None
        if then is not None:
            then()


class Opening(QObject):
    """Once `window` is first painted: import `modules` one a turn, then `build()` it; a build
    that yields is taken a part a turn. Nothing more runs once the window is closed (quitting
    while it opened); a step that fails (an installation missing a file) stops there, and
    `failed` says so in the frame."""

    def __init__(
        self,
        window: QWidget,
        modules: Iterable[str],
        build: Callable[[], Iterator[None] | None],
        failed: Callable[[BaseException], None],
    ) -> None:
        super().__init__(window)
        self.window, self.failed = window, failed
        # A timer, not QTimer.singleShot(0, ...): that posts an event, and a chain of posted
        # events ran step after step (~70 ms) before a waiting 10 ms timer or a paint got a
        # turn (benchmarks/event_loop_gap.py); a zero timer waits for what is due first.
        self.turn = QTimer(self)
        self.turn.setSingleShot(True)
        self.turn.setInterval(0)
        self.turn.timeout.connect(self._next)
        self.steps: list[Callable[[], object]] = [
            *(lambda name=name: importlib.import_module(name) for name in modules),
            build,
        ]
        AfterFirstPaint(window, self._next)

    def _next(self) -> None:
        if not self.steps or not self.window.isVisible():
            return
        try:
            parts = self.steps.pop(0)()
            if isinstance(parts, Iterator) and next(parts, _DONE) is not _DONE:
                self.steps.insert(0, lambda: parts)  # its next part is the next turn's
        except Exception as error:  # the frame says so; nothing further is built
            self.steps.clear()
            self.failed(error)
        if self.steps:
            self.turn.start()


_DONE = object()
