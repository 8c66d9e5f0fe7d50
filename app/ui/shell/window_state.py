"""Where the main window was, how its splitter stood and which docks were open, kept between
runs in `window.ini` beside settings.json, in the app's own folder (QSettings' default on
Windows is the registry, which an uninstall would leave behind; a folder goes with the app's
other settings). Window state only: never a token, never a profile."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

from app.ui.common.screen import keep_on_screen

FILE_NAME = "window.ini"
THEME_KEY = "appearance/theme"  # View ▸ Theme (app.ui.shell.theme)


def window_settings(settings_file: Path, private: bool = True) -> QSettings:
    """The window's state file, beside the settings file, made private (make_private) unless
    the caller does that before anything is written (the window's frame only reads it)."""
    settings = QSettings(str(settings_file.with_name(FILE_NAME)), QSettings.Format.IniFormat)
    if private:
        make_private(settings)
    return settings


def make_private(settings: QSettings) -> None:
    """A 0600 file in the app's 0700 folder before Qt writes it (QSettings keeps the mode of
    the file it replaces, and would create it 0644). If that fails, Qt still tries, and the
    window just forgets its place."""
    from app.core.files.private import private_file  # not needed before the window shows

    with contextlib.suppress(OSError):
        private_file(Path(settings.fileName()))


def restore(settings: QSettings, window: QMainWindow, splitter: QSplitter) -> None:
    """Put the window back as it was, within the screen it is on now (it may be smaller, or
    scaled); a missing or unreadable value leaves the default."""
    restore_place(settings, window)
    restore_layout(settings, window, splitter)


def restore_place(settings: QSettings, window: QMainWindow) -> None:
    """Its size and place alone: all a window shown before its parts are built can take."""
    _apply(settings, "window/geometry", window.restoreGeometry)
    keep_on_screen(window)


def restore_layout(settings: QSettings, window: QMainWindow, splitter: QSplitter) -> None:
    """How its splitter stood and which docks were open, once they exist."""
    _apply(settings, "window/splitter", splitter.restoreState)
    _apply(settings, "window/state", window.restoreState)
    keep_on_screen(window)


def _apply(settings: QSettings, key: str, apply: Callable[[QByteArray], object]) -> None:
    value = settings.value(key)
    if isinstance(value, QByteArray):
        apply(value)


def save(settings: QSettings, window: QMainWindow, splitter: QSplitter) -> None:
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/splitter", splitter.saveState())
    settings.setValue("window/state", window.saveState())
    settings.sync()
