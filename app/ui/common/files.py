"""File dialogs that open where the user last was, never in the process's working directory.

Each kind of dialog ("download", "upload", "export") remembers the folder last chosen in it,
in the window's state file (window.ini, beside the settings: a folder, never a file's
content). A dialog used for the first time, or whose folder has gone, starts in the user's
Downloads folder for downloads and in the home folder otherwise. A save dialog's filter names
the format of the file suggested (JSON, CSV, Markdown, text), with All files as the second
choice, so the extension the app writes is the one the dialog shows.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

FORMATS = {
    ".json": "JSON files (*.json)",
    ".csv": "CSV files (*.csv)",
    ".md": "Markdown files (*.md)",
    ".txt": "Text files (*.txt)",
}
ALL_FILES = "All files (*)"
_state: list[QSettings] = []  # the window's state file, once the window is built


def remember_in(settings: QSettings) -> None:
    """Keep the dialogs' folders in this state file (the window's)."""
    _state[:] = [settings]


def _key(kind: str) -> str:
    return f"dialogs/{kind}"


def start_folder(kind: str) -> Path:
    """Where a dialog of this kind opens: the folder last chosen in one, if it still exists;
    else Downloads (for downloads) or the home folder."""
    if _state:
        last = _state[0].value(_key(kind))
        if isinstance(last, str) and last and Path(last).is_dir():
            return Path(last)
    if kind == "download":
        location = QStandardPaths.StandardLocation.DownloadLocation
        downloads = QStandardPaths.writableLocation(location)
        if downloads and Path(downloads).is_dir():
            return Path(downloads)
    return Path.home()


def remember(kind: str, folder: Path) -> None:
    if _state:
        _state[0].setValue(_key(kind), str(folder))
        _state[0].sync()


def file_filter(suggested: str) -> str:
    """The filter a save dialog shows for this file name: its format first, then all files."""
    named = FORMATS.get(Path(suggested).suffix.lower())
    return f"{named};;{ALL_FILES}" if named else ALL_FILES


def save_path(parent: QWidget | None, kind: str, title: str, suggested: str) -> Path | None:
    start = str(start_folder(kind) / Path(suggested).name)
    path, _ = QFileDialog.getSaveFileName(parent, title, start, file_filter(suggested))
    if not path:
        return None
    remember(kind, Path(path).parent)
    return Path(path)


def open_paths(parent: QWidget | None, kind: str, title: str) -> list[Path]:
    paths, _ = QFileDialog.getOpenFileNames(parent, title, str(start_folder(kind)), ALL_FILES)
    if paths:
        remember(kind, Path(paths[0]).parent)
    return [Path(p) for p in paths]


def folder_path(parent: QWidget | None, kind: str, title: str) -> Path | None:
    path = QFileDialog.getExistingDirectory(parent, title, str(start_folder(kind)))
    if not path:
        return None
    remember(kind, Path(path))
    return Path(path)
