"""What a disk or folder refused a write with, said as what it is: full (ENOSPC), over quota
(EDQUOT), a file too large for its file system (EFBIG), read-only (EROFS), no permission
(EACCES, EPERM), gone (ENOENT), failing (EIO), a name too long (ENAMETOOLONG); and a path that
is not a regular file at all.

Such a failure is this computer's, not the account's or the network's: app.core.guidance.files
explains it ("the disk is full: free 183 MB or choose another folder"), and the UI does not
name the account beside it. Every write of the app goes through app.core.files.atomic, which
raises these. Plain Python.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

# errno -> what went wrong, in a word the guidance is keyed by.
KIN = {
    errno.ENOSPC: "full",
    errno.EFBIG: "too-big",
    errno.EROFS: "read-only",
    errno.EACCES: "denied",
    errno.EPERM: "denied",
    errno.ENOENT: "missing",
    errno.EIO: "failing",
    errno.ENAMETOOLONG: "name",
}
if hasattr(errno, "EDQUOT"):  # not on Windows
    KIN[errno.EDQUOT] = "quota"


class DiskError(OSError):
    """A write to target failed for a reason of its disk or folder. needed: the bytes the
    write needed in all (None if unknown); free: the bytes free on that disk once the partial
    file was removed (None if the disk does not say)."""

    def __init__(
        self, code: int, target: Path, needed: int | None = None, free: int | None = None
    ) -> None:
        super().__init__(code, os.strerror(code), str(target))
        self.target = target
        self.needed = needed
        self.free = free

    @property
    def kind(self) -> str:
        return KIN.get(self.errno or 0, "failing")

    @property
    def folder(self) -> Path:
        return self.target.parent

    @property
    def missing(self) -> int | None:
        """How many bytes more the disk needs to have free, when both figures are known."""
        if self.needed is None or self.free is None:
            return None
        return max(self.needed - self.free, 1)


class NotRegularFile(OSError):
    """path is there but is not a regular file (a named pipe, a folder, a device, a socket):
    it is neither opened nor replaced, and stays as it is."""

    def __init__(self, path: Path, what: str) -> None:
        super().__init__(errno.EINVAL, f"it is {what}, not a regular file", str(path))
        self.path = path
        self.what = what


def as_disk_error(error: OSError, target: Path, needed: int | None = None) -> OSError:
    """error as a DiskError about target when it is one of the kin above, else error."""
    if isinstance(error, (DiskError, NotRegularFile)) or error.errno not in KIN:
        return error
    return DiskError(error.errno, target, needed, free_space(target.parent))


def free_space(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def what_is(mode: int) -> str:
    """What a file of this st_mode is, for a message: "a named pipe (FIFO)", "a folder"…"""
    for test, what in (
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return what
    return "something other than a file"


def refuse_if_not_regular(path: Path) -> None:
    """NotRegularFile if path is there and is not a regular file (a symbolic link counts as
    what it points to); nothing if it is one or is not there."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return
    if not stat.S_ISREG(mode):
        raise NotRegularFile(path, what_is(mode))


def read_regular(path: Path) -> bytes:
    """The bytes of path, opened only if it is a regular file: a named pipe would block the
    read for ever (and opening it would release a writer waiting on it), a device may never
    end. NotRegularFile otherwise, FileNotFoundError if it is not there."""
    refuse_if_not_regular(path)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)  # non-blocking: it may have been swapped for a pipe meanwhile
    with os.fdopen(fd, "rb") as file:
        mode = os.fstat(file.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(path, what_is(mode))
        return file.read()
