"""Tests for app.core.files.private: every file the app writes is 0600, its own folder 0700,
whatever the umask, and a pipe or device is written to only when named on purpose."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.files.disk import DiskError, NotRegularFile
from app.core.files.private import open_private, own_folder, private_file, write_private

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    """The usual umask, under which a plain write would make a file others can read."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_and_a_replaced_one_are_private(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    write_private(target, b"{}")
    assert mode(target) == 0o600 and target.read_bytes() == b"{}"
    target.chmod(0o644)
    write_private(target, b"[]")
    assert mode(target) == 0o600 and target.read_bytes() == b"[]"
    assert os.listdir(tmp_path) == ["report.json"]


def test_a_pipe_is_left_alone_unless_named_as_a_stream(tmp_path: Path) -> None:
    pipe = tmp_path / "out"
    os.mkfifo(pipe)
    with pytest.raises(NotRegularFile):
        write_private(pipe, b"x")
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    write_private(pipe, b"the report", streams=True)
    reader.join()
    assert received == [b"the report"] and stat.S_ISFIFO(os.stat(pipe).st_mode)


def test_the_apps_folder_and_those_it_creates_above_it_are_0700(tmp_path: Path) -> None:
    folder = tmp_path / "config" / "broker-account-manager"
    assert own_folder(folder) == folder
    assert mode(folder) == 0o700 and mode(folder.parent) == 0o700
    folder.chmod(0o755)
    own_folder(folder)  # an earlier version's folder is tightened
    assert mode(folder) == 0o700


def test_a_file_another_library_writes_is_created_0600_first(tmp_path: Path) -> None:
    path = tmp_path / "app" / "window.ini"
    private_file(path)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700 and path.read_bytes() == b""
    path.write_text("[window]\n")
    path.chmod(0o644)  # as Qt made it before
    private_file(path)
    assert mode(path) == 0o600 and path.read_text() == "[window]\n"


def test_what_is_not_a_regular_file_is_not_touched(tmp_path: Path) -> None:
    pipe = tmp_path / "window.ini"
    os.mkfifo(pipe, 0o644)
    private_file(pipe)
    assert stat.S_ISFIFO(os.stat(pipe).st_mode) and mode(pipe) == 0o644


def test_a_report_written_as_it_goes_is_private_too(tmp_path: Path) -> None:
    target = tmp_path / "self-test.txt"
    with open_private(target) as out:
        out.write("ok line\n")
        assert mode(target) == 0o600  # private before the first line lands
    target.chmod(0o644)  # an earlier version's report
    with open_private(target) as out:
        out.write("again\n")
    assert mode(target) == 0o600 and target.read_text() == "again\n"
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    with open_private(pipe) as out:
        out.write("streamed\n")
    reader.join()
    assert received == [b"streamed\n"] and stat.S_ISFIFO(os.stat(pipe).st_mode)
    with pytest.raises(DiskError) as gone:
        open_private(tmp_path / "gone" / "report.txt")
    assert gone.value.kind == "missing"
