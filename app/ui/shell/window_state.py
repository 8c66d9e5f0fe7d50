"""Where the main window was, how its splitter stood and which docks were open, kept between
runs in `window.ini` beside settings.json, in the app's own folder (QSettings' default on
Windows is the registry, which an uninstall would leave behind; a folder goes with the app's
other settings). Window state only: never a token, never a profile."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

from app.core.files.private import private_file
from app.ui.common.screen import keep_on_screen

FILE_NAME = "window.ini"


def window_settings(settings_file: Path) -> QSettings:
    """The window's state file, beside the settings file: made a 0600 file in the app's 0700
    folder before Qt writes it (QSettings keeps the mode of the file it replaces, and would
    create it 0644). If that fails, Qt still tries, and the window just forgets its place."""
    path = settings_file.with_name(FILE_NAME)
    with contextlib.suppress(OSError):
        private_file(path)
    return QSettings(str(path), QSettings.Format.IniFormat)


def restore(settings: QSettings, window: QMainWindow, splitter: QSplitter) -> None:
    """Put the window back as it was, within the screen it is on now (it may be smaller, or
    scaled); a missing or unreadable value leaves the default."""
    for key, apply in (
        ("window/geometry", window.restoreGeometry),
        ("window/splitter", splitter.restoreState),
        ("window/state", window.restoreState),
    ):
        value = settings.value(key)
        if isinstance(value, QByteArray):
            apply(value)
    keep_on_screen(window)


def save(settings: QSettings, window: QMainWindow, splitter: QSplitter) -> None:
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/splitter", splitter.saveState())
    settings.setValue("window/state", window.saveState())
    settings.sync()
