"""Tests for app.core.files.atomic: temporaries a killed writer leaves are swept, a live writer's
never are. Writers are real processes killed as a user's crash would be (SIGKILL on POSIX,
TerminateProcess on Windows: `Popen.kill`). Each OS runs its own mechanism: on POSIX a writer
holds a lock on its temporary, on Windows it holds the file open; the temporary is hidden by
its leading dot on POSIX and by FILE_ATTRIBUTE_HIDDEN on Windows."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from app.core.files.atomic import TAG, atomic_file, sweep_stale
from app.core.settings.data import StoreData
from app.core.settings.store import Store
from tests.helpers import ROOT

# No process can have it: above Linux's largest pid_max (2**22), and above what Windows hands
# out (ids are multiples of 4 from a handle table far smaller than 2**31).
NO_SUCH_PID = 2**31 - 1

# Saves settings and stops inside the write (at fsync, after the data went to the temporary).
STALLED_SAVE = """
import os, sys, time
from pathlib import Path
from app.core.settings.data import StoreData
from app.core.settings.store import Store

def stall(fd):
    print("writing", flush=True)
    time.sleep(600)

os.fsync = stall
Store(Path(sys.argv[1])).save(StoreData())
"""
# Holds a file as a live writer does that the sweep cannot see by its process id (one in another
# pid namespace or on another host): POSIX, an exclusive lock; Windows, the file held open.
HOLDER = (
    """
import sys, time
held = open(sys.argv[1], "rb")  # Windows: no other process can delete a file held open
print("writing", flush=True)
time.sleep(600)
"""
    if sys.platform == "win32"
    else """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.flock(fd, fcntl.LOCK_EX)
print("writing", flush=True)
time.sleep(600)
"""
)


@contextlib.contextmanager
def writer(code: str, *args: str) -> Iterator[subprocess.Popen[str]]:
    """A process running code until it prints "writing"; killed when the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        if process.stdout.readline() != "writing\n":
            process.wait()
            raise AssertionError(process.stderr.read())
        yield process
    finally:
        process.kill()
        process.wait()


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def hidden(path: Path) -> bool:
    """Whether a file browser hides it: Windows by its attribute, POSIX by its leading dot."""
    if sys.platform == "win32":
        return bool(path.stat().st_file_attributes & stat.FILE_ATTRIBUTE_HIDDEN)
    return path.name.startswith(".")


def test_a_save_killed_mid_write_leaves_a_temporary_the_next_start_removes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "settings.json"
    with writer(STALLED_SAVE, str(path)) as process:
        left = temporaries(tmp_path)
        assert len(left) == 1 and left[0].startswith(f".settings.json.{TAG}-{process.pid}-")
        assert (tmp_path / left[0]).stat().st_size > 0
        assert Store(path).load().data == StoreData()  # a start while it writes
        assert temporaries(tmp_path) == left  # the live writer's temporary is kept
    assert temporaries(tmp_path) == left and not path.exists()  # killed: it stays behind
    result = Store(path).load()
    assert temporaries(tmp_path) == []
    assert result.data == StoreData() and result.warning is None


def test_writing_into_a_folder_sweeps_what_killed_writers_left_there(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    with writer(STALLED_SAVE, str(big)):
        left = temporaries(tmp_path)
        with atomic_file(tmp_path / "other.txt") as out:  # another instance writes meanwhile
            out.write(b"other")
        assert temporaries(tmp_path) == left
    with atomic_file(tmp_path / "next.txt") as out:
        assert temporaries(tmp_path) != left  # swept before the new temporary was made
        out.write(b"next")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["next.txt", "other.txt"]
    assert (tmp_path / "next.txt").read_bytes() == b"next"


def test_a_locked_temporary_is_kept_even_when_its_process_id_looks_gone(tmp_path: Path) -> None:
    stale = tmp_path / f".x.{TAG}-{NO_SUCH_PID}-abcd1234.part"
    stale.write_bytes(b"partial")
    with writer(HOLDER, str(stale)):
        assert sweep_stale(tmp_path) == []
        assert stale.exists()
    assert sweep_stale(tmp_path) == [stale]
    assert not stale.exists()


def test_this_process_keeps_what_it_is_writing_and_sweeps_its_id_reused(tmp_path: Path) -> None:
    reused = tmp_path / f".old.{TAG}-{os.getpid()}-abcd1234.part"  # a past process had our id
    reused.write_bytes(b"partial")
    with atomic_file(tmp_path / "new.txt") as out:
        out.write(b"new")
        (mine,) = temporaries(tmp_path)
        assert mine.startswith(f".new.txt.{TAG}-{os.getpid()}-")
        assert sweep_stale(tmp_path) == []  # our own, being written
    assert temporaries(tmp_path) == []


def test_a_temporary_is_hidden_while_written_and_what_it_becomes_is_not(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    with atomic_file(target) as out:
        out.write(b"data")
        (temporary,) = temporaries(tmp_path)
        assert hidden(tmp_path / temporary)
    assert not hidden(target) and target.read_bytes() == b"data"
    with atomic_file(target) as out:  # replacing a file: the new one is not hidden either
        out.write(b"again")
    assert not hidden(target) and target.read_bytes() == b"again"


def test_only_this_apps_temporaries_are_touched(tmp_path: Path) -> None:
    others = [
        ".report.pdf.abcd1234.part",  # the naming before pids (cannot be proven ours)
        "movie.mkv.part",
        f".x.{TAG}-12x-abcd1234.part",
        f"x.{TAG}-{NO_SUCH_PID}-abcd1234.part",  # not hidden
        f".x.{TAG}-{NO_SUCH_PID}-abcd1234.part.bak",
    ]
    for name in others:
        (tmp_path / name).write_bytes(b"keep")
    directory = tmp_path / f".d.{TAG}-{NO_SUCH_PID}-abcd1234.part"
    directory.mkdir()
    link = tmp_path / f".l.{TAG}-{NO_SUCH_PID}-abcd1234.part"
    link.symlink_to(tmp_path / others[0])
    assert sweep_stale(tmp_path) == []
    kept = sorted([*others, directory.name, link.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == kept


def test_a_folder_that_cannot_be_listed_is_left_alone(tmp_path: Path) -> None:
    assert sweep_stale(tmp_path / "missing") == []
    (tmp_path / "file").write_bytes(b"")
    assert sweep_stale(tmp_path / "file") == []
