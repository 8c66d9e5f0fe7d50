"""The window's size, splitter and docks kept in window.ini beside settings.json
(app.ui.shell.window_state)."""

from __future__ import annotations

import os
import re
import stat

import pytest
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter

from app.ui.shell import window_state
from tests.helpers import ROOT


def window() -> tuple[QMainWindow, QSplitter]:
    main, splitter = QMainWindow(), QSplitter()
    splitter.addWidget(QLabel("a"))
    splitter.addWidget(QLabel("b"))
    main.setCentralWidget(splitter)
    return main, splitter


def test_the_window_comes_back_as_it_was_from_a_file_beside_the_settings(qtbot, tmp_path):
    settings_file = tmp_path / "settings.json"
    first, split = window()
    qtbot.addWidget(first)
    first.resize(700, 500)  # within the offscreen screen: restoring keeps it on screen
    first.show()
    split.setSizes([450, 250])
    window_state.save(window_state.window_settings(settings_file), first, split)
    assert (tmp_path / "window.ini").is_file()
    again, split_again = window()
    qtbot.addWidget(again)
    window_state.restore(window_state.window_settings(settings_file), again, split_again)
    again.show()
    qtbot.waitExposed(again)
    assert again.size() == first.size()
    assert split_again.sizes() == split.sizes()


def test_a_file_that_holds_nonsense_leaves_the_defaults(qtbot, tmp_path):
    (tmp_path / "window.ini").write_text("[window]\ngeometry=not bytes\nsplitter=1\n")
    main, split = window()
    qtbot.addWidget(main)
    size = main.size()
    window_state.restore(window_state.window_settings(tmp_path / "settings.json"), main, split)
    assert main.size() == size


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_window_ini_is_private_like_the_settings_beside_it(qtbot, tmp_path):
    """Qt's QSettings writes window.ini 0644 from the umask unless the file is there first."""
    old = os.umask(0o022)
    try:
        settings_file = tmp_path / "config" / "settings.json"
        main, split = window()
        qtbot.addWidget(main)
        window_state.save(window_state.window_settings(settings_file), main, split)
        ini = settings_file.with_name("window.ini")
        assert ini.stat().st_size > 0
        assert stat.S_IMODE(ini.stat().st_mode) == 0o600
        assert stat.S_IMODE(ini.parent.stat().st_mode) == 0o700
        ini.chmod(0o644)  # as an earlier version left it
        window_state.save(window_state.window_settings(settings_file), main, split)
        assert stat.S_IMODE(ini.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_nothing_in_the_app_keeps_settings_in_the_registry():
    """QSettings without a file is the registry on Windows, which an uninstall leaves: every
    QSettings the app makes names its ini file (README, Install on Windows)."""
    made = [
        (path.name, call)
        for path in (ROOT / "app").rglob("*.py")
        for call in re.findall(r"QSettings\((.*)\)", path.read_text(encoding="utf-8"))
    ]
    assert made and all("QSettings.Format.IniFormat" in call for _, call in made), made
