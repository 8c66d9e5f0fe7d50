"""Profiles and remembered accounts, kept in one JSON settings file.

Only what the app needs to offer the same choices next time is stored: the named profiles,
which one is selected, and per profile the accounts seen (AccountRecords: azure-identity's
AuthenticationRecord JSON, identifiers and no secrets), which account is active,
which accounts the user signed out of, and recently used storage URLs. Tokens never touch
this file: the broker keeps them, `save` refuses any value that looks like a JWT, and `load`
leaves out (and names the place of) any such value a file holds, so saving never gets stuck.
The file's format and limits are in app.core.settings.document.

Writes are atomic (temp file, fsync, rename) so a crash never leaves half a file, private to
the user (0600 in a 0700 folder, app.core.files.private), and `load` (at start) removes the
temporaries a killed writer left beside it (app.core.files.atomic). A file that cannot be
understood is moved aside, never deleted, and the app starts from defaults with a warning
naming the backup, so the user can repair or report it. Something at the path that is not a
regular file (a named pipe, a folder, a device) is never opened, moved or replaced: the app
says so and runs on defaults it cannot save there.

This module is plain Python: no Qt and no pymsalruntime.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.core.files.atomic import sweep_stale
from app.core.files.disk import NotRegularFile, read_regular
from app.core.files.lock import locked
from app.core.files.private import FILE_MODE, own_folder, write_private
from app.core.guidance.files import for_file_error
from app.core.settings.data import StoreData
from app.core.settings.document import (
    Corrupt,
    count,
    document,
    left_out_warning,
    parse,
    refuse_tokens,
    without_tokens,
)
from app.core.settings.location import default_path
from app.core.settings.merge import merge

RESET = "Settings were reset"
LEFT_OUT = "Some settings were left out"
NOT_READ = "Settings file not read"


@dataclass(frozen=True)
class LoadResult:
    """What `load` found. warning is for the user, under title: either the file could not be
    used at all (defaults are in use) or some values in it were left out; backup is where the
    file was kept (moved aside when unusable, copied when values past a limit were left out)."""

    data: StoreData
    warning: str | None = None
    backup: Path | None = None
    title: str = RESET


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


class Store:
    """Reads and writes the settings file. load never raises; save raises ValueError for
    inconsistent data or a token-looking value, and OSError if the disk refuses."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = default_path() if path is None else Path(path)
        # The settings as this process last read or wrote them: what another process changed
        # since is told apart from what this one did (save merges).
        self.base: StoreData | None = None

    def load(self) -> LoadResult:
        """The settings in the file. First removes the temporaries a killed save left beside
        it (this runs at start-up)."""
        result = self._load()
        self.base = copy.deepcopy(result.data)
        return result

    def _load(self) -> LoadResult:
        sweep_stale(self.path.parent)
        try:
            raw = read_regular(self.path)
        except FileNotFoundError:
            return LoadResult(StoreData())
        except NotRegularFile as exc:
            warning = (
                f"{self.path} is {exc.what}, not a regular file, so the app did not open it and "
                "leaves it as it is. Default settings are in use, and changes cannot be saved "
                "there: move it away or delete it, then restart the app."
            )
            return LoadResult(StoreData(), warning, title=NOT_READ)
        except OSError as exc:  # e.g. no permission: leave it as it is
            return LoadResult(
                StoreData(), f"Could not read {self.path} ({exc.strerror or exc}); using defaults."
            )
        try:
            parsed = parse(raw)
        except Corrupt as exc:
            return self._set_aside(str(exc))
        if not parsed.left_out:
            return LoadResult(parsed.data)
        backup = self._keep_copy(raw)  # before the next save leaves anything out
        warning = left_out_warning(parsed.left_out, backup, self.path)
        return LoadResult(parsed.data, warning, backup, LEFT_OUT)

    def read(self) -> tuple[StoreData, str | None]:
        """The settings as they are, for the command line: only reads (no sweep, nothing
        moved aside); defaults and what is wrong when the file cannot be used. Something
        there that is not a regular file is not opened (a named pipe would block for ever)."""
        try:
            raw = read_regular(self.path)
        except FileNotFoundError:
            return StoreData(), None
        except NotRegularFile as exc:
            return StoreData(), f"{self.path} is {exc.what}, not a regular file (not opened)"
        except OSError as exc:
            return StoreData(), f"{self.path} cannot be read ({exc.strerror or exc})"
        try:
            return parse(raw).data, None
        except Corrupt as exc:
            return StoreData(), f"{self.path} cannot be used: {exc}"

    def check(self) -> tuple[bool, str]:
        """Whether the file loads as it is, and what is wrong if not. Only reads: --self-test
        reports on the user's file and must not move it aside."""
        try:
            raw = read_regular(self.path)
        except FileNotFoundError:
            return True, f"none yet ({self.path}); the app starts from defaults"
        except NotRegularFile as exc:
            return False, (
                f"{self.path} is {exc.what}, not a regular file: the app would not open it, "
                "would start from defaults and could not save settings there (checked without "
                "opening it)"
            )
        except OSError as exc:
            return False, f"{self.path} cannot be read ({exc.strerror or exc})"
        try:
            parsed = parse(raw)
        except Corrupt as exc:
            return False, (
                f"{self.path} cannot be used: {exc}. The app would keep it as a "
                f"{self.path.name}.corrupt-… copy and start from defaults"
            )
        data = parsed.data
        loaded = (
            f"{count(len(data.profiles), 'profile')}, "
            f"{count(sum(map(len, data.records.values())), 'remembered account')}"
        )
        if parsed.left_out:
            shown = left_out_warning(parsed.left_out, None, self.path)
            return False, f"{self.path} loads ({loaded}), but: {shown}"
        return True, f"{self.path} loads: {loaded}"

    def _backup_path(self, kind: str = "corrupt") -> Path:
        base = self.path.with_name(f"{self.path.name}.{kind}-{_stamp()}")
        candidate, n = base, 1
        while os.path.lexists(candidate):
            candidate = base.with_name(f"{base.name}-{n}")
            n += 1
        return candidate

    def _keep_copy(self, raw: bytes) -> Path | None:
        """Keep the file before the next save rewrites it without what the load left out (a
        value past a limit, a field this version refuses): byte for byte, except that a value
        looking like a token is left out of the copy too (no settings file ever holds one)."""
        backup = self._backup_path("left-out")
        try:
            write_private(backup, without_tokens(raw) or raw)  # 0600, as the settings file
        except OSError:
            return None
        return backup

    def _set_aside(self, reason: str) -> LoadResult:
        """Move the unusable file out of the way (never delete it) and fall back to defaults."""
        backup = self._backup_path()
        try:
            os.rename(self.path, backup)
        except OSError as exc:
            problem = f"{reason}, and moving it aside failed ({exc.strerror})"
            return LoadResult(StoreData(), f"Could not use {self.path}: {problem}; using defaults.")
        if os.name == "posix":  # kept as private as the app's own files
            with contextlib.suppress(OSError):
                os.chmod(backup, FILE_MODE)
        warning = f"The settings file could not be used: {reason}. It was kept as {backup}."
        return LoadResult(StoreData(), f"{warning} Default settings are in use.", backup)

    def save(self, data: StoreData) -> None:
        """Write data atomically, 0600 in a 0700 folder (created if needed). What another
        process saved since this one last read or wrote the file is merged in first, field by
        field (merge.py), into `data` itself, under a lock so no other save interleaves.
        Something at the path that is not a regular file is left alone (NotRegularFile); a
        full disk raises a DiskError saying how much room the file needed."""
        document(data)  # inconsistent data is refused before anything is read or written
        own_folder(self.path.parent)
        with locked(self.path):
            theirs = self._on_disk()
            if self.base is not None and theirs is not None:
                merged = merge(self.base, data, theirs)
                for f in dataclasses.fields(StoreData):
                    setattr(data, f.name, getattr(merged, f.name))
            doc = document(data)
            refuse_tokens(doc, "settings")
            payload = (json.dumps(doc, indent=2) + "\n").encode("utf-8")
            write_private(self.path, payload)
        self.base = copy.deepcopy(data)

    def _on_disk(self) -> StoreData | None:
        """What the file holds now, as this version reads it; None if there is nothing
        usable to merge (no file, unreadable, not a regular file, not a settings file)."""
        try:
            return parse(read_regular(self.path)).data
        except (OSError, Corrupt):
            return None

    def try_save(self, data: StoreData) -> str | None:
        """Save; None when saved, else what went wrong in the user's words (no class names)."""
        unsaved = "Until the settings can be saved, changes last only until the app closes."
        try:
            self.save(data)
        except OSError as exc:
            advice = for_file_error(exc, choosable=False)
            if advice is not None:  # the disk is full, the path is a pipe: what it is
                return f"{advice.title}: {advice.explanation} {advice.fix} {unsaved}"
            reason = exc.strerror or "the disk refused"
            return (
                f"{self.path} could not be written ({reason}). Check that its folder is "
                f"writable and the disk has room. {unsaved}"
            )
        except ValueError as exc:  # inconsistent data or a token: the message says which
            return f"{exc}. {unsaved}"
        return None
