"""Tests for app.core.files.disk: what a disk refused a write with, from the kernel's own errors
(/dev/full, a file-size limit), and paths that are not regular files, never opened."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.files.disk import (
    DiskError,
    NotRegularFile,
    as_disk_error,
    read_regular,
    refuse_if_not_regular,
)
from tests.helpers import ROOT

posix_only = pytest.mark.skipif(os.name != "posix", reason="named pipes and /dev/full are POSIX")


def real_enospc() -> OSError:
    """The kernel's own ENOSPC: every write to /dev/full gets it."""
    with pytest.raises(OSError) as caught, open("/dev/full", "wb", buffering=0) as full:
        full.write(b"x")
    return caught.value


@posix_only
def test_a_full_disk_says_how_much_room_is_missing(tmp_path: Path) -> None:
    error = as_disk_error(real_enospc(), tmp_path / "big.bin", needed=10**15)
    assert isinstance(error, DiskError) and error.errno == errno.ENOSPC
    assert error.kind == "full" and error.folder == tmp_path
    assert error.free is not None and error.missing == 10**15 - error.free
    assert error.filename == str(tmp_path / "big.bin")
    assert as_disk_error(error, tmp_path / "x") is error  # said once


def test_room_missing_is_unknown_without_both_figures(tmp_path: Path) -> None:
    assert DiskError(errno.ENOSPC, tmp_path / "a").missing is None
    assert DiskError(errno.ENOSPC, tmp_path / "a", needed=5, free=9).missing == 1  # at least 1


def test_other_errors_are_left_as_they_are(tmp_path: Path) -> None:
    other = ConnectionResetError(errno.ECONNRESET, "reset")
    assert as_disk_error(other, tmp_path / "a") is other


# Writes 2 MB under a 1 MB file-size limit: the kernel refuses with EFBIG (SIGXFSZ ignored).
FILE_TOO_BIG = """
import resource, signal, sys
from pathlib import Path
from app.core.files.atomic import atomic_file
from app.core.files.disk import DiskError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (2**20, 2**20))
try:
    with atomic_file(Path(sys.argv[1]), needed=2 * 2**20) as out:
        out.write(b"x" * 2 * 2**20)
except DiskError as error:
    print(error.kind, error.needed, error.folder)
"""


@posix_only
def test_a_file_too_large_for_the_disk_is_said_so_and_leaves_nothing(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", FILE_TOO_BIG, str(tmp_path / "big.bin")],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert result.stdout.split() == ["too-big", str(2 * 2**20), str(tmp_path)]
    assert os.listdir(tmp_path) == []


@posix_only
@pytest.mark.timeout(60)  # a read of the pipe would block for ever
def test_a_named_pipe_is_neither_opened_nor_read(tmp_path: Path) -> None:
    pipe = tmp_path / "settings.json"
    os.mkfifo(pipe)
    with pytest.raises(NotRegularFile) as caught:
        read_regular(pipe)
    assert caught.value.what == "a named pipe (FIFO)"
    assert "not a regular file" in str(caught.value)
    # Nobody opened it for reading: a writer opening it without blocking finds no reader.
    with pytest.raises(OSError) as no_reader:
        os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
    assert no_reader.value.errno == errno.ENXIO
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)


def test_folders_and_links_are_what_they_point_to(tmp_path: Path) -> None:
    with pytest.raises(NotRegularFile) as caught:
        read_regular(tmp_path)
    assert caught.value.what == "a folder"
    (tmp_path / "real").write_bytes(b"data")
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "real")
    assert read_regular(link) == b"data"
    with pytest.raises(FileNotFoundError):
        read_regular(tmp_path / "none")
    refuse_if_not_regular(tmp_path / "none")  # nothing there: nothing to refuse
    refuse_if_not_regular(tmp_path / "real" / "below")  # under a file: nothing there either


@posix_only
def test_a_device_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotRegularFile) as caught:
        read_regular(Path("/dev/zero"))  # would never end
    assert caught.value.what == "a device"
