"""The native runtime's cache locks, and removing only those whose holder is gone.

libmsalruntime guards its cache with POSIX named semaphores under one prefix (measured with
0.20.7), the same names in every process. A process that dies holding one leaves it at 0, and
every later process waits ~30 s for it on each cache access, on this machine, for good. A
semaphore at 0 may just as well be held by a live process in the middle of a call.

A held semaphore is provably orphaned when nobody can ever post it again: to post, a process
must have it mapped (glibc maps the semaphore's file for as long as it is open), so when no
running process maps it, its holder is gone. One look can race with a live process that takes
and drops the lock between our reads, so a lock counts as orphaned only if it stays at 0 and
unmapped through every look over a second: a live holder either keeps it mapped the whole
time or lets its value go above 0.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

logger = logging.getLogger(__name__)

SHM = Path("/dev/shm")
RUNTIME_LOCK_PREFIX = "sem.e165a065-6178-4c90-aa1d-5cb947e484f4:"
LOOKS = 10
LOOK_INTERVAL_S = 0.1


def semaphore_value(path: Path) -> int | None:
    """The semaphore's value (0: held), or None if it cannot be read. Read from its file, not
    opened: opening maps it, and a scanner that maps it would look like a holder to every
    other scanner (glibc's 64-bit sem_t: a 32-byte file whose first 8 bytes hold the value in
    their low 32 bits and the waiter count above)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if len(raw) != 32:
        return None
    return int.from_bytes(raw[:8], "little") & 0x7FFFFFFF


def _may_be_mapped(path: Path) -> bool:
    """Whether any running process (other than this one) has the file mapped, or might have:
    a process whose maps we cannot read counts when the file is open to other users. Matched
    by device and inode: the process that created a semaphore maps it under the temporary
    name glibc made it as ("/dev/shm/sem.XXXXXX (deleted)")."""
    try:
        info = path.stat()
    except FileNotFoundError:  # unlinked meanwhile: nothing of ours to remove
        return True
    device = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}"
    inode = str(info.st_ino)
    me = os.getpid()
    open_to_others = bool(info.st_mode & 0o066)
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == me:
            continue
        try:
            maps = (proc / "maps").read_text(errors="replace")
        except PermissionError:
            if open_to_others:
                return True
            continue
        except OSError:  # the process ended while we looked
            continue
        if inode in maps and any(
            fields[3:5] == [device, inode]
            for fields in (line.split() for line in maps.splitlines() if inode in line)
        ):
            return True
    return False


def orphaned_locks(looks: int = LOOKS, interval: float = LOOK_INTERVAL_S) -> list[Path]:
    """The runtime's semaphores that stay held and unmapped through every look."""
    candidates = [p for p in SHM.glob(RUNTIME_LOCK_PREFIX + "*") if semaphore_value(p) == 0]
    for look in range(looks):
        if not candidates:
            break
        if look:
            time.sleep(interval)
        candidates = [p for p in candidates if semaphore_value(p) == 0 and not _may_be_mapped(p)]
    return candidates


def clear_orphaned_locks() -> list[str]:
    """Unlink the runtime's semaphores whose holder is gone; returns their names. Locks that
    live processes hold, or may hold, are left alone."""
    removed = []
    for path in orphaned_locks():
        try:
            path.unlink()  # what sem_unlink does
        except OSError:
            continue
        removed.append(path.name)
        logger.warning(
            "removed the broker runtime lock %s: it was held, and no running process has it "
            "open, so its holder died mid-call and nobody could ever release it",
            path.name,
        )
    return removed
