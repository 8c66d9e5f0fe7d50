"""What every process the sandbox starts shares: it dies with the process that started it.

The kernel sends the parent-death signal when the *thread* that started the child ends, so
the window starts its sandbox on a thread that lives as long as the process
(app/ui/shell/sandbox_start.py). Where util-linux's `setpriv` is installed, it sets the
signal and execs the program (`guarded`): Python then starts the child by vfork, without
holding the GIL; a `preexec_fn` makes it fork the whole process with the GIL held, which
stopped the window's event loop for 20-50 ms per process started (measured with Qt loaded).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import time
from typing import Any

PR_SET_PDEATHSIG = 1
SETPRIV = shutil.which("setpriv")
GUARD = ["--pdeathsig", "TERM", "--"]


def guarded(command: list[str]) -> tuple[list[str], dict[str, Any]]:
    """The command and the Popen options that make it die with its parent."""
    if SETPRIV is not None:
        return [SETPRIV, *GUARD, *command], {}
    return command, {"preexec_fn": die_with_parent}


def unguarded(command: list[str]) -> list[str]:
    """The program's own command line, without `guarded`'s prefix."""
    if command[:1] == [SETPRIV] and command[1:4] == GUARD:
        return command[4:]
    return command


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
