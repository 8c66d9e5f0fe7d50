"""Only runtime locks whose holder is gone are removed; a live process's lock is left alone.

The holder is a real second process that takes a real POSIX named semaphore under the native
runtime's prefix (a name of this test's own, so the runtime's real locks are not touched), the
way libmsalruntime holds its cache lock mid-call.
"""

from __future__ import annotations

import ctypes
import json
import logging
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.sandbox import runtime_locks
from app.sandbox.runtime_locks import RUNTIME_LOCK_PREFIX, SHM, clear_orphaned_locks

HOLDER = """
import ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.sem_open.restype = ctypes.c_void_p
sem = libc.sem_open(sys.argv[1].encode(), 0o100, 0o600, 1)  # O_CREAT, value 1
libc.sem_wait(ctypes.c_void_p(sem))  # held: value 0, and mapped by this process
print("held", flush=True)
time.sleep(600)
"""


@pytest.fixture
def lock_name() -> Iterator[str]:
    name = f"{RUNTIME_LOCK_PREFIX.removeprefix('sem.')}test-{uuid.uuid4().hex}"
    yield name
    ctypes.CDLL(None).sem_unlink(f"/{name}".encode())


def hold(name: str) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, f"/{name}"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def test_a_lock_a_live_process_holds_is_kept(lock_name: str) -> None:
    holder = hold(lock_name)
    try:
        path = SHM / f"sem.{lock_name}"
        assert runtime_locks.semaphore_value(path) == 0
        assert lock_name not in [n.removeprefix("sem.") for n in clear_orphaned_locks()]
        assert path.exists() and runtime_locks.semaphore_value(path) == 0
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()


@pytest.mark.expect_log("removed the broker runtime lock")
def test_a_lock_whose_holder_died_is_removed_and_logged(
    lock_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    holder = hold(lock_name)
    holder.send_signal(signal.SIGKILL)  # dies holding it, as a crashed process does
    holder.wait()
    assert holder.stdout is not None
    holder.stdout.close()
    path = SHM / f"sem.{lock_name}"
    assert runtime_locks.semaphore_value(path) == 0  # still held, by nobody
    with caplog.at_level(logging.WARNING, logger=runtime_locks.__name__):
        removed = clear_orphaned_locks()
    assert not path.exists()
    # Another test run on this machine may have removed it first; if we did, we said why.
    if f"sem.{lock_name}" in removed:
        assert any(
            lock_name in r.getMessage() and "holder died" in r.getMessage() for r in caplog.records
        )


def test_a_free_lock_is_kept(lock_name: str) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.sem_open.restype = ctypes.c_void_p
    sem = libc.sem_open(f"/{lock_name}".encode(), 0o100, 0o600, 1)
    libc.sem_close(ctypes.c_void_p(sem))
    path: Path = SHM / f"sem.{lock_name}"
    assert runtime_locks.semaphore_value(path) == 1
    assert f"sem.{lock_name}" not in clear_orphaned_locks()
    assert path.exists()


SCANNER = """
import json
from app.sandbox.runtime_locks import clear_orphaned_locks
print(json.dumps(clear_orphaned_locks()))
"""


@pytest.mark.expect_log("removed the broker runtime lock")
def test_two_scanners_at_once_still_remove_an_orphan_once(lock_name: str) -> None:
    """Two sandboxes starting together (two test runs on one machine): reading a lock must
    not make it look held to the other scanner."""
    holder = hold(lock_name)
    holder.kill()
    holder.wait()
    assert holder.stdout is not None
    holder.stdout.close()
    other = subprocess.Popen([sys.executable, "-c", SCANNER], stdout=subprocess.PIPE, text=True)
    mine = clear_orphaned_locks()
    theirs, _ = other.communicate(timeout=120)
    removed = mine + json.loads(theirs)
    assert not (SHM / f"sem.{lock_name}").exists()
    assert removed.count(f"sem.{lock_name}") <= 1  # (a third run may have beaten both)
