"""Profiles and remembered accounts, kept in one JSON settings file.

Only what the app needs to offer the same choices next time is stored: the named profiles,
which one is selected, and per profile the accounts seen (AccountRecords: azure-identity's
AuthenticationRecord JSON, identifiers and no secrets), which account is active,
which accounts the user signed out of, and recently used storage URLs. Tokens never touch
this file: the broker keeps them, and `save` refuses any value that looks like a JWT.

Writes are atomic (temp file, fsync, rename) so a crash never leaves half a file, and `load`
(at start) removes the temporaries a killed writer left beside it (app.core.atomic). A file
that cannot be understood is moved aside, never deleted, and the app starts from defaults
with a warning naming the backup, so the user can repair or report it.

This module is plain Python: no Qt and no pymsalruntime.
"""

from __future__ import annotations

import json
import os
import reprlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import platformdirs

from app.core.accounts import AccountRecord
from app.core.atomic import atomic_file, sweep_stale
from app.core.errors import ProfileError
from app.core.profile import Profile, parse_profile
from app.core.tokens import looks_like_jwt

APP_NAME = "broker-account-manager"
FILE_NAME = "settings.json"
VERSION = 1
MAX_RECENT_URLS = 10


def default_path() -> Path:
    """Where settings live unless told otherwise: the per-user config dir of this OS."""
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / FILE_NAME


@dataclass
class StoreData:
    """Everything the settings file holds. Per-profile maps are keyed by profile name;
    entries for names that are not a profile are dropped on save (deleting a profile
    forgets its accounts)."""

    profiles: list[Profile] = field(default_factory=lambda: [Profile()])
    selected: str = Profile().name
    records: dict[str, list[AccountRecord]] = field(default_factory=dict)
    active: dict[str, str] = field(default_factory=dict)  # profile -> home_account_id
    forgotten: dict[str, list[str]] = field(default_factory=dict)  # home_account_ids
    recent_urls: dict[str, list[str]] = field(default_factory=dict)  # most recent first

    def profile(self, name: str | None = None) -> Profile:
        """The named profile, the selected one by default; KeyError if there is none."""
        wanted = self.selected if name is None else name
        for profile in self.profiles:
            if profile.name == wanted:
                return profile
        raise KeyError(wanted)

    def add_recent_url(self, url: str, profile: str | None = None) -> None:
        """Put url first in the profile's recent list, without repeats, keeping at most 10."""
        name = self.selected if profile is None else profile
        older = [u for u in self.recent_urls.get(name, []) if u != url]
        self.recent_urls[name] = [url, *older][:MAX_RECENT_URLS]


@dataclass(frozen=True)
class LoadResult:
    """What `load` found. warning is for the user; backup is where a bad file was moved."""

    data: StoreData
    warning: str | None = None
    backup: Path | None = None


class _Corrupt(Exception):
    """Internal: the file's content is unusable; the message says what is wrong."""


def _entry(data: StoreData, profile: Profile) -> dict[str, object]:
    name = profile.name
    return {
        "profile": profile.to_dict(),
        "records": [json.loads(r.serialize()) for r in data.records.get(name, [])],
        "active": data.active.get(name),
        "forgotten": list(dict.fromkeys(data.forgotten.get(name, []))),
        "recent_urls": list(dict.fromkeys(data.recent_urls.get(name, [])))[:MAX_RECENT_URLS],
    }


def _document(data: StoreData) -> dict[str, object]:
    """The JSON document for data; ValueError if data is inconsistent."""
    names = [p.name for p in data.profiles]
    if not names:
        raise ValueError("There must be at least one profile")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"Profile names must be unique; repeated: {', '.join(repeated)}")
    if data.selected not in names:
        raise ValueError(f"The selected profile {data.selected!r} is not one of the profiles")
    entries = [_entry(data, p) for p in data.profiles]
    return {"version": VERSION, "selected": data.selected, "profiles": entries}


def _refuse_tokens(value: object, where: str) -> None:
    """ValueError if any string in value looks like a JWT. The message names only the place."""
    if isinstance(value, str) and looks_like_jwt(value):
        raise ValueError(f"Refusing to save settings: {where} looks like a token (JWT)")
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_tokens(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_tokens(item, f"{where}[{index}]")


def _strings(entry: dict[str, object], key: str, where: str) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Corrupt(f"{where}: {key!r} must be a list of text values")
    return value


def _record(raw: object, where: str) -> AccountRecord:
    try:
        return AccountRecord.deserialize(json.dumps(raw))
    except ValueError as exc:
        raise _Corrupt(f"{where} is not a usable account record: {exc}") from None


def _parse_entry(data: StoreData, index: int, entry: object) -> None:
    where = f"profile {index + 1}"
    if not isinstance(entry, dict) or not isinstance(entry.get("profile"), dict):
        raise _Corrupt(f"{where} is not an object with a 'profile' object")
    try:
        profile = parse_profile(entry["profile"])
    except ProfileError as exc:
        raise _Corrupt(f"{where} is invalid: {exc}") from None
    name = profile.name
    if any(p.name == name for p in data.profiles):
        raise _Corrupt(f"two profiles are named {name!r}")
    data.profiles.append(profile)
    raw_records = entry.get("records", [])
    if not isinstance(raw_records, list):
        raise _Corrupt(f"{where}: 'records' must be a list")
    records = [_record(r, f"{where}, account {i + 1}") for i, r in enumerate(raw_records)]
    active = entry.get("active")
    if active is not None and not isinstance(active, str):
        raise _Corrupt(f"{where}: 'active' must be an account id or null")
    forgotten = _strings(entry, "forgotten", where)
    urls = _strings(entry, "recent_urls", where)[:MAX_RECENT_URLS]
    # Empty entries are left out so that a loaded StoreData equals the one that was saved.
    if records:
        data.records[name] = records
    if active:
        data.active[name] = active
    if forgotten:
        data.forgotten[name] = forgotten
    if urls:
        data.recent_urls[name] = urls


def _parse(raw: bytes) -> StoreData:
    """The StoreData in a settings file's bytes; _Corrupt saying what is wrong otherwise."""
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _Corrupt("it is not UTF-8 text") from None
    except RecursionError:
        raise _Corrupt("it is nested too deeply to be a settings file") from None
    except ValueError as exc:
        raise _Corrupt(f"it is not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise _Corrupt("it is not a JSON object")
    version = doc.get("version")
    if type(version) is not int or version != VERSION:
        raise _Corrupt(f"its version is {reprlib.repr(version)}; this app reads version {VERSION}")
    entries = doc.get("profiles")
    if not isinstance(entries, list) or not entries:
        raise _Corrupt("'profiles' must be a non-empty list")
    data = StoreData(profiles=[])
    for index, entry in enumerate(entries):
        _parse_entry(data, index, entry)
    selected = doc.get("selected")
    if not isinstance(selected, str) or all(p.name != selected for p in data.profiles):
        raise _Corrupt(f"the selected profile {reprlib.repr(selected)} is not one of the profiles")
    data.selected = selected
    return data


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


class Store:
    """Reads and writes the settings file. load never raises; save raises ValueError for
    inconsistent data or a token-looking value, and OSError if the disk refuses."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = default_path() if path is None else Path(path)

    def load(self) -> LoadResult:
        sweep_stale(self.path.parent)
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return LoadResult(StoreData())
        except OSError as exc:  # e.g. a directory or no permission: leave it as it is
            return LoadResult(
                StoreData(), f"Could not read {self.path} ({exc.strerror or exc}); using defaults."
            )
        try:
            return LoadResult(_parse(raw))
        except _Corrupt as exc:
            return self._set_aside(str(exc))

    def _backup_path(self) -> Path:
        base = self.path.with_name(f"{self.path.name}.corrupt-{_stamp()}")
        candidate, n = base, 1
        while os.path.lexists(candidate):
            candidate = base.with_name(f"{base.name}-{n}")
            n += 1
        return candidate

    def _set_aside(self, reason: str) -> LoadResult:
        """Move the unusable file out of the way (never delete it) and fall back to defaults."""
        backup = self._backup_path()
        try:
            os.rename(self.path, backup)
        except OSError as exc:
            problem = f"{reason}, and moving it aside failed ({exc.strerror})"
            return LoadResult(StoreData(), f"Could not use {self.path}: {problem}; using defaults.")
        warning = f"The settings file could not be used: {reason}. It was kept as {backup}."
        return LoadResult(StoreData(), f"{warning} Default settings are in use.", backup)

    def save(self, data: StoreData) -> None:
        """Write data atomically, creating the directory if needed. mkstemp makes the file
        0600 (owner only), and os.replace keeps that mode for the settings file."""
        document = _document(data)
        _refuse_tokens(document, "settings")
        payload = (json.dumps(document, indent=2) + "\n").encode("utf-8")
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with atomic_file(self.path) as file:
            file.write(payload)
