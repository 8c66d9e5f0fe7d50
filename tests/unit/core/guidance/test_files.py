"""Guidance for a file the app could not write or read (app.core.guidance.files): said as
what it is, with the room to free, never as an unexpected error of the account."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from app.core.files.disk import KIN, DiskError, NotRegularFile
from app.core.guidance.explain import explain
from app.core.guidance.files import for_file_error, megabytes, one_line

FOLDER = Path("/home/u/Downloads")


def test_a_full_disk_says_how_much_to_free_or_to_choose_another_folder() -> None:
    error = DiskError(errno.ENOSPC, FOLDER / "big.bin", needed=192_000_000, free=9_500_000)
    advice = explain(error)
    assert advice == for_file_error(error)
    assert advice.code == "DiskFull" and advice.local and not advice.needs_interaction
    assert advice.title == "The disk is full"
    assert advice.fix == "Free 183 MB or choose another folder, then try again."
    assert f"{FOLDER} has no room left for big.bin (it needed 192 MB)" in advice.explanation
    assert "Nothing was left half-written" in advice.explanation
    assert (
        one_line(advice)
        == "The disk is full: free 183 MB or choose another folder, then try again."
    )
    assert "Unexpected" not in advice.title and "Wait a moment" not in advice.fix


def test_the_settings_folder_is_not_the_users_to_choose() -> None:
    error = DiskError(errno.ENOSPC, Path("/home/u/.config/bam/settings.json"), 4_000, 0)
    advice = for_file_error(error, choosable=False)
    assert advice is not None and advice.fix == "Free 1 MB, then try again."
    unknown = for_file_error(DiskError(errno.ENOSPC, FOLDER / "a"), choosable=False)
    assert unknown is not None and unknown.fix == "Free space on it, then try again."


@pytest.mark.parametrize("code", sorted(KIN))
def test_every_kin_of_a_full_disk_is_explained_locally(code: int) -> None:
    advice = explain(DiskError(code, FOLDER / "a.bin", 10, 0))
    assert advice.local and advice.title and advice.fix.endswith("try again.")
    assert advice.code != "OSError" and "Unexpected" not in advice.title
    assert str(FOLDER) in advice.explanation


def test_what_an_upload_could_not_read_names_the_file() -> None:
    advice = explain(PermissionError(errno.EACCES, "Permission denied", "/home/u/secret.txt"))
    assert advice.title == "No permission" and advice.local
    assert advice.explanation == "This user may not open /home/u/secret.txt."
    gone = explain(FileNotFoundError(errno.ENOENT, "No such file", "/home/u/gone.txt"))
    assert (
        gone.title == "The file is gone" and "/home/u/gone.txt does not exist" in gone.explanation
    )
    assert gone.fix == "Put gone.txt back in /home/u, or choose it where it is now, then try again."


def test_a_path_that_is_not_a_file_is_left_alone() -> None:
    advice = explain(NotRegularFile(FOLDER / "pipe", "a named pipe (FIFO)"))
    assert advice.code == "NotAFile" and advice.local
    assert "is a named pipe (FIFO), not a regular file" in advice.explanation
    kept = for_file_error(NotRegularFile(FOLDER / "settings.json", "a folder"), choosable=False)
    assert kept is not None and kept.fix == f"Move {FOLDER / 'settings.json'} away or delete it."


def test_other_errors_are_not_file_errors() -> None:
    assert for_file_error(ConnectionResetError(errno.ECONNRESET, "reset")) is None
    assert for_file_error(ValueError("x")) is None
    assert explain(OSError("no errno")).title == "Unexpected error"


def test_sizes_are_whole_megabytes_rounded_up() -> None:
    assert [megabytes(n) for n in (1, 999_999, 1_000_001, 1_930_000_000)] == [
        "1 MB", "1 MB", "2 MB", "1,930 MB",
    ]  # fmt: skip
