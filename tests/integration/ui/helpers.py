"""Helpers for tests that drive the main window (real Qt, real broker runtime, sandbox)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from app.core.settings.store import Store
from app.ui.common.tasks import TaskRunner
from app.ui.shell.application import build_window


def new_window(qtbot, sandbox, tmp_path, broker: Broker | None = None):  # type: ignore[no-untyped-def]
    """A window with its own settings under tmp_path, not shown yet."""
    window = build_window(
        broker or Broker(timeout=10, interactive_timeout=20),
        TaskRunner(),
        sandbox,
        Store(tmp_path / "settings.json"),
        QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
    )
    qtbot.addWidget(window)
    return window


def open_window(qtbot, sandbox, tmp_path):  # type: ignore[no-untyped-def]
    window = new_window(qtbot, sandbox, tmp_path)
    window.show()
    qtbot.waitExposed(window)
    window.session.refresh()
    qtbot.waitUntil(lambda: window.current is None and window.model.rowCount() > 0)
    return window


def select(window, username: str) -> None:  # type: ignore[no-untyped-def]
    row = next(i for i, r in enumerate(window.model.rows) if r.account.username == username)
    window.table.selectRow(window.proxy.mapFromSource(window.model.index(row, 0)).row())


def use_profile(window, qtbot, profile: Profile) -> None:  # type: ignore[no-untyped-def]
    window.profile = profile
    qtbot.waitUntil(lambda: idle(window) and window.model.rowCount() > 0, timeout=15000)


def row(window, username: str):  # type: ignore[no-untyped-def]
    return next(r for r in window.model.rows if r.account.username == username)


def idle(window) -> bool:  # type: ignore[no-untyped-def]
    return window.current is None


def token_for(window, qtbot, username: str) -> None:  # type: ignore[no-untyped-def]
    """Ask the window for a token for username and wait for its answer; asked again whenever
    the window is idle without one: a call the session starts by itself (after a profile
    change) may take the turn, and the ask is then refused."""
    select(window, username)
    window.get_token()

    def answered() -> bool:
        if idle(window) and row(window, username).outcome is None:
            select(window, username)
            window.get_token()
        return idle(window) and row(window, username).outcome is not None

    # A deadline, not a margin: the broker's own (Broker(timeout=10)) ends any call before it.
    qtbot.waitUntil(answered, timeout=30000)


class EventLoopProbe:
    """A 10 ms QTimer heartbeat; `largest` is the longest the event loop went without it.
    A GUI thread that waited on the broker or the network would show that wait here."""

    def __init__(self) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.gaps: list[int] = []
        self.clock = QElapsedTimer()
        self.heartbeat = QTimer()
        self.heartbeat.setInterval(10)
        self.heartbeat.timeout.connect(lambda: self.gaps.append(self.clock.restart()))

    def __enter__(self) -> EventLoopProbe:
        self.clock.start()
        self.heartbeat.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.heartbeat.stop()

    @property
    def largest(self) -> int:
        return max(self.gaps, default=0)


def clipped(top) -> list[str]:  # type: ignore[no-untyped-def]
    """What a user would see cut off in `top`: a shown child that sticks out of its parent,
    or word-wrapped text given less height than it needs (drawn over the next row)."""
    from PySide6.QtWidgets import QLabel, QWidget

    problems = []
    for widget in top.findChildren(QWidget):
        parent = widget.parentWidget()
        if parent is None or not widget.isVisibleTo(top) or widget.isWindow():
            continue
        name = widget.objectName() or type(widget).__name__
        if not parent.rect().contains(widget.geometry()):
            problems.append(f"{name} {widget.geometry()} outside {parent.rect()}")
        if isinstance(widget, QLabel) and widget.wordWrap() and widget.text():
            needed = widget.heightForWidth(widget.width())
            if widget.height() < needed:
                problems.append(f"{name} {widget.height()} px high, needs {needed}")
    return problems


def inside_window(widget) -> bool:  # type: ignore[no-untyped-def]
    """Whether the whole of widget lies within its window's area."""
    from PySide6.QtCore import QRect

    window = widget.window()
    top_left = widget.mapTo(window, widget.rect().topLeft())
    return window.rect().contains(QRect(top_left, widget.size()))


def only(view, index) -> None:  # type: ignore[no-untyped-def]
    """Make index current and the only row selected, whatever keys an earlier test left
    pressed (QTest can leave Shift down, and setCurrentIndex would extend the selection)."""
    from PySide6.QtCore import QItemSelectionModel

    flag = QItemSelectionModel.SelectionFlag
    view.selectionModel().setCurrentIndex(index, flag.ClearAndSelect | flag.Rows)
