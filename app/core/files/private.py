"""Every file the app writes is private to the user: 0600 files in 0700 folders on POSIX.

What the app writes holds usernames, object ids, tenant ids and claims (settings, matrix
exports and reports, diagnostics) or data fetched with the user's token (downloads), so none
of it may be readable by other users because of a umask. The one way to write a file is
`write_private` (or app.core.files.atomic.atomic_file for a stream, such as a download: both
create the file 0600 and replace the target at once), or `open_private` for a report written
as it goes. The app's own folder (beside
settings.json) is made 0700 by `own_folder`, and a file another library writes there
(window.ini, written by Qt's QSettings, which keeps an existing file's mode) is created 0600
first by `private_file`.

On Windows the mode bits mean nothing: the app's files live under the per-user
%LOCALAPPDATA%, whose permissions are the user's alone, and a chosen folder keeps its own.
Plain Python.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path
from typing import TextIO

from app.core.files.atomic import atomic_file
from app.core.files.disk import as_disk_error, refuse_if_not_regular

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def write_private(target: Path, data: bytes, *, streams: bool = False) -> None:
    """Write data to target all at once, 0600. With streams, a target that is a named pipe
    or a device the user named (--out /dev/stdout) is written to as it is, not replaced;
    otherwise such a target is refused (NotRegularFile) and left alone."""
    if streams and _is_stream(target):
        try:
            with open(target, "wb") as out:
                out.write(data)
        except OSError as error:
            raise as_disk_error(error, target, len(data)) from None
        return
    with atomic_file(target, needed=len(data)) as out:
        out.write(data)


def open_private(target: Path) -> TextIO:
    """target opened for text written as it goes (the self-test report, line by line, so that
    a hang or a crash still leaves what was found): a new file 0600, an existing one of the
    user's emptied and made 0600; a pipe or device opened as it is. Not atomic: what was
    written stays, by design. A full disk and its kin raise a DiskError."""
    try:
        if _is_stream(target):
            return open(target, "w", encoding="utf-8")
        refuse_if_not_regular(target)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        if sys.platform != "win32":  # POSIX (a plain flag would not narrow for mypy)
            mode = stat.S_IMODE(os.fstat(fd).st_mode)
            if mode & 0o077:  # an earlier, world-readable report of the user's
                with contextlib.suppress(OSError):  # not the user's own: left as it is
                    os.fchmod(fd, mode & ~0o077)
        return os.fdopen(fd, "w", encoding="utf-8")
    except OSError as error:
        raise as_disk_error(error, target) from None


def _is_stream(path: Path) -> bool:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def own_folder(folder: Path) -> Path:
    """Create the app's own folder, and any missing folder above it, 0700; an existing one of
    the user's that others can read is made 0700 too. OSError if it cannot be created."""
    missing = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode=FOLDER_MODE)
    _tighten(folder, FOLDER_MODE)
    return folder


def private_file(path: Path) -> Path:
    """Make sure path exists as a 0600 file in a 0700 folder before another library writes
    it (Qt's QSettings keeps the mode of the file it replaces and would otherwise create it
    0644). An existing file the user owns is made 0600; what is not a regular file is left."""
    own_folder(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        _tighten(path, FILE_MODE)
    else:
        os.close(fd)
    return path


def _tighten(path: Path, mode: int) -> None:
    """chmod path to mode if it is the user's own and others may read it (POSIX only)."""
    if sys.platform == "win32":
        return
    try:
        info = os.stat(path)
    except OSError:
        return
    kind_ok = stat.S_ISDIR(info.st_mode) if mode == FOLDER_MODE else stat.S_ISREG(info.st_mode)
    if kind_ok and info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
        with contextlib.suppress(OSError):
            os.chmod(path, stat.S_IMODE(info.st_mode) & ~0o077)
