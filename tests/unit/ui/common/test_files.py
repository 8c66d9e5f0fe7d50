"""Where file dialogs open (app.ui.common.files): the folder last chosen for their kind,
kept in the window's state file; else Downloads or home, never the working directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from app.ui.common import files


@pytest.fixture
def state(tmp_path: Path) -> Iterator[QSettings]:
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    files.remember_in(settings)
    yield settings
    files._state.clear()


def test_each_kind_starts_where_it_was_last(state: QSettings, tmp_path: Path) -> None:
    exports, uploads = tmp_path / "exports", tmp_path / "uploads"
    exports.mkdir()
    uploads.mkdir()
    files.remember("export", exports)
    files.remember("upload", uploads)
    assert files.start_folder("export") == exports
    assert files.start_folder("upload") == uploads
    again = QSettings(state.fileName(), QSettings.Format.IniFormat)  # the next run
    assert again.value("dialogs/export") == str(exports)


def test_a_folder_that_went_away_is_not_started_in(state: QSettings, tmp_path: Path) -> None:
    files.remember("export", tmp_path / "gone")
    assert files.start_folder("export") == Path.home()


def test_without_a_state_file_never_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert files.start_folder("upload") == Path.home()
    assert files.start_folder("download") != Path.cwd()


def test_save_dialogs_name_the_format() -> None:
    assert files.file_filter("matrix.json") == "JSON files (*.json);;All files (*)"
    assert files.file_filter("matrix.CSV") == "CSV files (*.csv);;All files (*)"
    assert files.file_filter("matrix.md") == "Markdown files (*.md);;All files (*)"
    assert files.file_filter("diagnostics.txt") == "Text files (*.txt);;All files (*)"
    assert files.file_filter("blob.bin") == "All files (*)"
