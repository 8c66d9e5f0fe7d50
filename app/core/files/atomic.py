"""Replace a file all at once or not at all: settings, saved diagnostics, exports, reports and
downloads are written to a temporary file beside the target (0600: private to the user) and
renamed over it only when complete.

A process killed mid-write (SIGKILL, power loss, Task Manager) cannot remove its temporary
file, and a download's can be hundreds of MB in the user's folder. So temporaries carry a
name only this app uses, with the writing process's id, `.NAME.bam-<pid>-<random>.part`,
and `sweep_stale` removes the ones whose writer is provably gone: its process is no longer
running (or it is this process's id, reused, and this process is not writing it), and on
POSIX nobody holds the lock every writer keeps on its temporary (a writer in another pid
namespace, or on another host over a network share, still holds that lock). On Windows a
file another process has open cannot be deleted at all. Anything else is left alone.

A temporary is hidden while it is written: on POSIX by its leading dot, on Windows (where a
dot hides nothing) by FILE_ATTRIBUTE_HIDDEN, cleared before the rename so that the file it
becomes is not hidden.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from app.core.files.disk import as_disk_error, refuse_if_not_regular

if sys.platform != "win32":
    import fcntl

logger = logging.getLogger(__name__)

TAG = "bam"
_TEMPORARY = re.compile(rf"\..+\.{TAG}-(?P<pid>\d{{1,10}})-[a-z0-9_]+\.part")
_writing: set[str] = set()  # names of this process's temporaries still being written
_writing_lock = threading.Lock()


@contextlib.contextmanager
def atomic_file(target: Path, needed: int | None = None) -> Iterator[BinaryIO]:
    """Yields a binary file in target's directory (same filesystem, mode 0600). If the block
    completes, the data is flushed to disk and the file replaces target; if it raises (an
    error, a cancelled transfer), the temporary file is removed and target is untouched.
    Stale temporaries a killed writer left in the directory are swept first.

    A target that is there but is not a regular file (a named pipe, a folder, a device) is
    left alone: NotRegularFile, before anything is written. A full disk and its kin raise a
    DiskError (app.core.files.disk) saying how much room the write needed (`needed`, bytes,
    when the caller knows) and how much is free once the temporary is gone."""
    refuse_if_not_regular(target)
    sweep_stale(target.parent)
    prefix = f".{target.name}.{TAG}-{os.getpid()}-"
    try:
        with _writing_lock:  # registered as it is created: a sweep on another thread keeps it
            fd, temp = tempfile.mkstemp(prefix=prefix, suffix=".part", dir=target.parent)
            _writing.add(os.path.basename(temp))
    except OSError as error:
        raise as_disk_error(error, target, needed) from None
    try:
        with os.fdopen(fd, "wb") as out:
            if sys.platform != "win32":
                fcntl.flock(fd, fcntl.LOCK_EX)  # released on close, or by the kernel on a kill
            with contextlib.suppress(OSError):  # a share that keeps no attributes: not hidden
                _set_hidden(temp, True)
            yield out
            out.flush()
            os.fsync(out.fileno())
        _set_hidden(temp, False)  # the attribute travels with the rename
        os.replace(temp, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if (
            isinstance(error, OSError)
            and (said := as_disk_error(error, target, needed)) is not error
        ):
            raise said from None
        raise
    finally:
        with _writing_lock:
            _writing.discard(os.path.basename(temp))
    _fsync_directory(target.parent)


def sweep_stale(directory: Path) -> list[Path]:
    """Remove the temporaries in directory whose writer is gone; returns what was removed.
    Never raises: a folder that cannot be listed or a file that cannot be removed is left."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        pid = int(match["pid"])
        if pid == os.getpid():
            with _writing_lock:
                if entry.name in _writing:
                    continue
        elif _running(pid):
            continue
        if _remove_unlocked(entry.path):
            logger.info("removed %s, left by process %d, which is gone", entry.path, pid)
            removed.append(Path(entry.path))
    return removed


def _remove_unlocked(path: str) -> bool:
    """Unlink path unless a writer holds it (POSIX: its lock; Windows: it is open)."""
    try:
        if sys.platform == "win32":
            os.unlink(path)  # a sharing violation while any process has it open
        else:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.unlink(path)
            finally:
                os.close(fd)
    except OSError:  # held by a writer, already gone, or not ours to remove
        return False
    return True


def _set_hidden(path: str, hidden: bool) -> None:
    """Windows: set or clear FILE_ATTRIBUTE_HIDDEN (POSIX: the leading dot hides it)."""
    if sys.platform == "win32":
        import ctypes
        import stat
        from ctypes import wintypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.SetFileAttributesW.argtypes = (wintypes.LPCWSTR, wintypes.DWORD)
        kernel32.SetFileAttributesW.restype = wintypes.BOOL
        attributes = os.stat(path).st_file_attributes
        if hidden:
            attributes |= stat.FILE_ATTRIBUTE_HIDDEN
        else:
            attributes &= ~stat.FILE_ATTRIBUTE_HIDDEN
        if not kernel32.SetFileAttributesW(path, attributes or stat.FILE_ATTRIBUTE_NORMAL):
            raise ctypes.WinError(ctypes.get_last_error())


def _running(pid: int) -> bool:
    """Whether a process with this id exists (a reused id counts: the file is then kept)."""
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
        kernel32.OpenProcess.restype = wintypes.HANDLE
        kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
        kernel32.GetExitCodeProcess.restype = wintypes.BOOL
        kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
        if not 0 <= pid <= 0xFFFFFFFF:
            return False  # not an id any process can have
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: it exists
        try:
            code = wintypes.DWORD()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True  # cannot tell: keep the file
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except (OverflowError, ValueError):
        return False  # not an id any process can have
    return True


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable where the OS allows syncing a directory (POSIX)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
