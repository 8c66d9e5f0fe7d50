"""Windows that fit the screen they open on: a default size, and a minimum below it, never
larger than the screen's available area (at QT_SCALE_FACTOR=2 a 1600×1000 screen has 800×500
logical pixels, less the panels), so no part of a window is out of reach."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# What the window manager's frame (title bar, borders) takes around a window, at most.
FRAME = QSize(16, 48)


# Below this available height (logical pixels) the window's room goes to the accounts first:
# the sandbox note starts folded (at 2× a 1600×1000 screen has 500).
SHORT = 600


def is_short(window: QWidget) -> bool:
    """Whether the window's screen has less than SHORT logical pixels of available height."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen is not None and screen.availableGeometry().height() < SHORT


def room(window: QWidget) -> QSize:
    """The largest size the window can have and still show whole, frame included."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(16777215, 16777215)
    return screen.availableGeometry().size() - FRAME


def fit_to_screen(window: QWidget, default: QSize, minimum: QSize) -> None:
    """`minimum` and then `default`, each cut to the room the screen has; a window already
    placed partly off the screen is moved back onto it."""
    space = room(window)
    window.setMinimumSize(minimum.boundedTo(space))
    window.resize(default.boundedTo(space))
    keep_on_screen(window)


def keep_on_screen(window: QWidget) -> None:
    """A window larger than its screen's room is shrunk to it, and moved back inside."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    space = room(window)
    if window.width() > space.width() or window.height() > space.height():
        window.resize(window.size().boundedTo(space))
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.x()), area.right() - frame.width() + 1)
    y = min(max(frame.y(), area.y()), area.bottom() - frame.height() + 1)
    if (x, y) != (frame.x(), frame.y()):
        window.move(max(x, area.x()), max(y, area.y()))
