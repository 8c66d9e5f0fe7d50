"""Guidance when a file could not be written or read here: the disk is full, over quota, read
only, refuses a file that large, the folder is gone or not ours to write, the disk fails, or
the path is not a file at all. Said as what it is, with how much room to free when the write
knew its size ("The disk is full: free 183 MB or choose another folder"), never as an
unexpected error of the account: these guidances are `local` (the UI names no account).

Only errno values, the paths the app chose or was given and byte counts are used, never an
exception's text. Plain Python.
"""

from __future__ import annotations

from pathlib import Path

from app.core.files.disk import KIN, DiskError, NotRegularFile
from app.core.guidance.advice import Guidance

MB = 1_000_000  # as disks and file managers count
_CODES = {
    "full": "DiskFull",
    "quota": "DiskQuota",
    "too-big": "FileTooLarge",
    "read-only": "ReadOnlyDisk",
    "denied": "NoPermission",
    "missing": "NotFound",
    "failing": "DiskFailing",
    "name": "NameTooLong",
}


def megabytes(size: int) -> str:
    """183 MB, 1,930 MB; at least 1 MB."""
    return f"{max(1, -(-size // MB)):,} MB"


def for_file_error(error: BaseException, choosable: bool = True) -> Guidance | None:
    """Guidance for a write or read that failed here; None if error is not one of those.
    choosable: the user picked the folder (a download, an export) and may pick another; the
    settings folder is not theirs to choose."""
    if isinstance(error, NotRegularFile):
        return Guidance(
            "NotAFile",
            "Not a file",
            f"{error.path} is {error.what}, not a regular file. It was not opened or replaced, "
            "and is left as it is.",
            "Choose another name." if choosable else f"Move {error.path} away or delete it.",
            local=True,
        )
    if not isinstance(error, OSError) or error.errno not in KIN:
        return None
    # A DiskError is a write into a folder; any other is about the file itself (an upload's).
    disk = error if isinstance(error, DiskError) else None
    writing = disk is not None
    target = disk.target if disk else Path(str(error.filename or "the file"))
    missing = disk.missing if disk else None
    needed = disk.needed if disk else None
    folder = target.parent
    other = " or choose another folder" if choosable else ""
    room = f"Free {megabytes(missing)}" if missing is not None else "Free space on it"
    kind = KIN[error.errno]
    what, why, fix = {
        "full": (
            "The disk is full",
            f"The disk that holds {folder} has no room left for {target.name}"
            + (f" (it needed {megabytes(needed)})" if needed is not None else "")
            + ".",
            f"{room}{other}, then try again.",
        ),
        "quota": (
            "Your disk quota is used up",
            f"The disk that holds {folder} refuses more of your files: your quota is reached.",
            f"{room} (or ask for a larger quota){other}, then try again.",
        ),
        "too-big": (
            "The file is too large for this disk",
            f"The file system of the disk that holds {folder} cannot hold a file this large "
            "(FAT32, common on USB drives, stops at 4 GB).",
            "Choose a folder on another disk, then try again."
            if choosable
            else "Move the app's settings to a disk formatted NTFS, ext4 or APFS.",
        ),
        "read-only": (
            "The disk is read-only",
            f"{folder} is on a disk that is mounted read-only or write-protected.",
            f"Make the disk writable{other}, then try again.",
        ),
        "denied": (
            "No permission",
            f"This user may not write {target.name} in {folder}."
            if writing
            else f"This user may not open {target}.",
            f"Ask the folder's owner for access{other}, then try again.",
        ),
        "missing": (
            "The folder is gone" if writing else "The file is gone",
            f"{folder if writing else target} does not exist (any more): it was moved or "
            "deleted, or its disk or network share was removed.",
            # a file read (an upload's): putting it back is the fix, not another folder
            f"Put {target.name} back in {folder}, or choose it where it is now, then try again."
            if not writing
            else "Choose another folder, then try again."
            if choosable
            else f"Create {folder} again, or restart the app.",
        ),
        "failing": (
            "The disk reported an error",
            f"Reading or writing in {folder} failed at the device: a failing disk, a removed "
            "USB drive or a dropped network share.",
            f"Check the disk{other}, then try again.",
        ),
        "name": (
            "The file name is too long",
            f"{target.name} in {folder} is longer than this disk allows.",
            "Choose a shorter name or a folder higher up, then try again.",
        ),
    }[kind]
    if writing:
        why += " Nothing was left half-written."
    return Guidance(_CODES[kind], what, why, fix, local=True)


def one_line(guidance: Guidance) -> str:
    """ "The disk is full: free 183 MB or choose another folder, then try again." For a status
    line or stderr."""
    fix = guidance.fix[:1].lower() + guidance.fix[1:]
    return f"{guidance.title}: {fix}"
