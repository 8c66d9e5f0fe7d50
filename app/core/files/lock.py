"""An exclusive lock on a file, across processes, for a read-merge-write that must not
interleave with another process's (the settings file's save). No file is left behind: on
POSIX the file's folder is flock'ed; on Windows a named mutex stands for the file. Waits;
the lock goes with the process if it dies."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

_WAIT_MS = 30_000  # Windows: a save that waits longer than this goes ahead unlocked


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    if sys.platform == "win32":
        with _mutex(path):
            yield
        return
    import fcntl

    fd = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextlib.contextmanager
def _mutex(path: Path) -> Iterator[None]:
    if sys.platform != "win32":  # POSIX flocks the folder (locked); type checkers know too
        raise RuntimeError("a named mutex is Windows only")
    import ctypes
    import hashlib
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    # Typed: a HANDLE is pointer-sized, and ctypes' default int would truncate it.
    kernel32.CreateMutexW.argtypes = (wintypes.LPVOID, wintypes.BOOL, wintypes.LPCWSTR)
    kernel32.CreateMutexW.restype = wintypes.HANDLE
    kernel32.WaitForSingleObject.argtypes = (wintypes.HANDLE, wintypes.DWORD)
    kernel32.WaitForSingleObject.restype = wintypes.DWORD
    kernel32.ReleaseMutex.argtypes = kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    name = (
        "Local\\broker-account-manager-"
        + hashlib.sha256(str(path.resolve()).lower().encode()).hexdigest()[:32]
    )
    handle = kernel32.CreateMutexW(None, False, name)
    if not handle:
        yield  # no mutex to be had: the save goes ahead as before
        return
    try:
        owned = kernel32.WaitForSingleObject(handle, _WAIT_MS) in (0, 0x80)  # or abandoned
        try:
            yield
        finally:
            if owned:
                kernel32.ReleaseMutex(handle)
    finally:
        kernel32.CloseHandle(handle)


def try_lock(path: Path) -> int | None:
    """An exclusive lock on the file at path (made 0600 if missing), held while the returned
    descriptor is open, which the OS closes however the process ends; None when another
    process holds it. OSError when the file cannot be opened."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # its first byte: the file may be empty
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd
