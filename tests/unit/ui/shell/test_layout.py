"""The main window's parts in their places (app.ui.shell.layout), built in its parts as the
opening takes them: real Qt (offscreen) and the real session, over the broker stand-in and the
hand-stepped runner of tests/stubs.py (nothing is asked of it while building)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QToolBar
from pytestqt.qtbot import QtBot

from app.core.settings.store import Store
from app.ui.shell.main_window import MainWindow
from tests.stubs import FakeBroker, ManualRunner


def test_the_body_is_placed_first_then_the_toolbar_menus_and_status_line(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = MainWindow(QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    frame = window.centralWidget()
    broker, runner = FakeBroker(), ManualRunner()
    parts = window.building(broker, runner, Store(tmp_path / "settings.json"))  # type: ignore[arg-type]
    next(parts)  # the settings, the session, the accounts list: nothing placed yet
    assert window.centralWidget() is frame and window.accounts_view.parent() is None
    next(parts)  # the body
    body = window.centralWidget()
    assert body is not frame and window.findChildren(QToolBar) == []
    layout = body.layout()
    placed = [layout.itemAt(i).widget() for i in range(layout.count())]
    assert placed[:3] == [window.sandbox_banner, window.profile_bar, window.splitter]
    # what comes and goes sits below the list: a banner appearing moves no row
    assert placed[3:] == [window.notice, window.limits_note, window.host_banner, window.banner]
    assert window.splitter.widget(0) is window.accounts_view
    assert window.splitter.widget(1) is window.tabs
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Token",
        "Blob storage",
    ]
    for _ in parts:  # the toolbar, the menus, the status line; connected, then built
        pass
    assert window.findChildren(QToolBar) == [window.toolbar]
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Account", "&View", "&Help"]
    assert window.is_built and window.centralWidget() is body
    assert broker.asked == [] and runner.jobs == []  # building asks the broker nothing
