"""Windows fit the screen they open on (real Qt, offscreen: one screen whose available area is
read here, whatever size the platform gives it)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.ui.common.screen import FRAME, fit_to_screen, keep_on_screen, room


def area() -> QSize:
    screen = QGuiApplication.primaryScreen()
    assert screen is not None
    return screen.availableGeometry().size()


def window(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_room_is_the_available_area_less_the_frame(qtbot: QtBot) -> None:
    assert room(window(qtbot)) == area() - FRAME


def test_a_window_that_fits_gets_its_default_and_minimum(qtbot: QtBot) -> None:
    widget = window(qtbot)
    small = (area() - FRAME) / 2
    fit_to_screen(widget, small, small / 2)
    assert widget.size() == small
    assert widget.minimumSize() == small / 2


def test_a_default_and_minimum_larger_than_the_screen_are_cut_to_its_room(qtbot: QtBot) -> None:
    """As at QT_SCALE_FACTOR=2 on a 1600×1000 screen: the window's 1800×1120 would run off it."""
    widget = window(qtbot)
    huge = area() * 3
    fit_to_screen(widget, huge, huge)
    space = room(widget)
    assert widget.minimumSize() == space
    assert widget.width() <= space.width() and widget.height() <= space.height()


def test_a_window_placed_off_the_screen_is_moved_back_whole(qtbot: QtBot) -> None:
    widget = window(qtbot)
    widget.resize(area() / 2)
    far = QPoint(area().width() * 2, area().height() * 2)
    widget.move(far)
    keep_on_screen(widget)
    frame = widget.frameGeometry()
    screen = QGuiApplication.primaryScreen()
    assert screen is not None
    assert screen.availableGeometry().contains(frame)
    widget.move(-500, -500)
    keep_on_screen(widget)
    assert widget.frameGeometry().topLeft() == screen.availableGeometry().topLeft()
