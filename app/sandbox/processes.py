"""What every process the sandbox starts shares: it dies with the process that started it."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import time

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Runs in the child before exec: SIGTERM it when its parent dies, even by SIGKILL, so a
    crashed or killed run leaves no bus, keyring, broker or emulator behind."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def exited(pid: int) -> bool:
    """The process is gone, or a zombie its parent has yet to reap: it runs nothing more."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return True


def end(pid: int, within: float = 5.0) -> None:
    """End a process that is not our child (D-Bus activation daemonises the broker: its parent
    is init), so it cannot be waited for: SIGTERM, then SIGKILL if it outlives `within`."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + within
        while not exited(pid):
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
        else:
            return
