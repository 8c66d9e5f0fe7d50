"""The window's frame first, its parts after (app.ui.shell.opening, main_window's frame): the
steps wait for the first paint, run one a turn of the event loop, stop when the window is
closed, and a failing one is said in the frame."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, QTimer

from app.ui.shell.application import could_not_open
from app.ui.shell.main_window import OPENING, MainWindow
from app.ui.shell.opening import Opening


def frame(qtbot, tmp_path) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    return window


def test_the_frame_says_it_opens_and_builds_after_its_first_paint_a_step_a_turn(qtbot, tmp_path):
    window = frame(qtbot, tmp_path)
    order: list[str] = []
    sys.modules.pop("colorsys", None)

    def build() -> None:
        order.append("build")

    def first() -> None:  # a step posts a turn's work: it runs before the next step
        order.append("imported" if "colorsys" in sys.modules else "not yet")
        QTimer.singleShot(0, lambda: order.append("a turn between"))

    opening = Opening(window, ["colorsys"], build, lambda error: order.append(repr(error)))
    opening.steps.insert(1, first)
    assert opening.steps and order == []  # nothing before the window is painted
    window.show()
    qtbot.waitUntil(lambda: "build" in order)
    assert order == ["imported", "a turn between", "build"]
    assert window.opening.text() == OPENING and window.windowTitle() == "Broker Account Manager"
    assert not window.is_built  # its build() is the caller's


def test_a_window_closed_while_it_opens_builds_nothing_and_saves_no_place(qtbot, tmp_path):
    window = frame(qtbot, tmp_path)
    built: list[bool] = []
    Opening(window, ["colorsys"], lambda: built.append(True), lambda error: None)
    window.show()
    window.close()  # before the first paint's turn: its steps find it gone
    qtbot.wait(1200)  # past the wait for a paint that never comes
    assert built == []
    assert not (tmp_path / "window.ini").exists()  # nothing was built to save


@pytest.mark.expect_log("the window could not be built")
def test_a_step_that_fails_is_said_and_stops_the_rest(qtbot, tmp_path):
    window = frame(qtbot, tmp_path)
    failed: list[BaseException] = []
    built: list[bool] = []
    Opening(window, ["app.no_such_module"], lambda: built.append(True), failed.append)
    window.show()
    qtbot.waitUntil(lambda: bool(failed))
    qtbot.wait(50)
    assert isinstance(failed[0], ModuleNotFoundError) and built == []
    could_not_open(window, failed[0])
    assert "could not open: ModuleNotFoundError" in window.opening.text()
    assert "--self-test" in window.opening.text()  # what to do


def test_a_build_that_yields_is_taken_a_part_a_turn_and_a_failing_part_is_said(qtbot, tmp_path):
    window = frame(qtbot, tmp_path)
    order: list[str] = []
    failed: list[BaseException] = []

    def build() -> Iterator[None]:
        order.append("part 1")
        QTimer.singleShot(0, lambda: order.append("a turn between"))
        yield
        order.append("part 2")
        yield
        raise OSError("the disk went away")

    Opening(window, [], build, failed.append)
    window.show()
    qtbot.waitUntil(lambda: bool(failed))
    assert order == ["part 1", "a turn between", "part 2"]
    assert str(failed[0]) == "the disk went away"
