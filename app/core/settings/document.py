"""The settings file's format: what it holds (StoreData), its JSON document, and how a
document is read back: validated, with what it holds past the limits below or that looks like
a token left out and named (never quoted), in time linear in its size.

This module is plain Python: no Qt and no pymsalruntime.
"""

from __future__ import annotations

import json
import reprlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from app.core.arm.choice import ArmChoice
from app.core.configurations.authority import PUBLIC_CLOUD
from app.core.configurations.profile import (
    FIELDS,
    Profile,
    ProfileError,
    known_authority_host,
    parse_profile,
)
from app.core.settings.data import MAX_DOWNLOAD_FOLDERS, MAX_RECENT_URLS, StoreData
from app.core.settings.records import AccountRecord
from app.core.tokens.redact import looks_like_jwt

VERSION = 1
# What is kept of a settings file at most (a file past these was made by hand or a bug; the
# whole file is then kept as a copy, see store.LoadResult).
MAX_PROFILES = 200
MAX_ACCOUNTS = 100  # remembered accounts per profile: the newest are kept
MAX_FORGOTTEN = 200  # signed-out account ids per profile: the newest are kept
MAX_NOTES = 5  # left-out values named in the warning; the rest are counted
_T = TypeVar("_T")


class Corrupt(Exception):
    """Internal: the file's content is unusable; the message says what is wrong."""


@dataclass
class Parsed:
    data: StoreData = field(default_factory=lambda: StoreData(profiles=[]))
    left_out: list[str] = field(default_factory=list)  # what was dropped, for the user
    trimmed: bool = False  # values past a limit were dropped (worth keeping a copy)
    # False when no text in the file can contain "eyJ": the raw bytes hold neither it nor a
    # \u escape (the only JSON escape that could spell one of its letters).
    may_hold_tokens: bool = True


def _entry(data: StoreData, profile: Profile) -> dict[str, object]:
    name = profile.name
    return {
        "profile": profile.to_dict(),
        "records": [json.loads(r.serialize()) for r in data.records.get(name, [])],
        "active": data.active.get(name),
        "forgotten": list(dict.fromkeys(data.forgotten.get(name, []))),
        "recent_urls": list(dict.fromkeys(data.recent_urls.get(name, [])))[:MAX_RECENT_URLS],
    }


def document(data: StoreData) -> dict[str, object]:
    """The JSON document for data; ValueError if data is inconsistent."""
    names = [p.name for p in data.profiles]
    if not names:
        raise ValueError("There must be at least one profile")
    repeated = sorted(name for name, times in Counter(names).items() if times > 1)
    if repeated:
        raise ValueError(f"Profile names must be unique; repeated: {', '.join(repeated)}")
    if data.selected not in names:
        raise ValueError(f"The selected profile {data.selected!r} is not one of the profiles")
    entries = [_entry(data, p) for p in data.profiles]
    folders = list(dict.fromkeys(data.download_folders))[:MAX_DOWNLOAD_FOLDERS]
    doc: dict[str, object] = {"version": VERSION, "selected": data.selected, "profiles": entries}
    if folders:  # absent until the first download: older versions' files stay as they were
        doc["download_folders"] = folders
    hidden = {home: choice.to_json() for home, choice in sorted(data.arm_hidden.items()) if choice}
    if hidden:  # absent until something is hidden, as download_folders
        doc["arm_hidden"] = hidden
    return doc


def refuse_tokens(value: object, where: str) -> None:
    """ValueError if any string in value looks like a JWT. The message names only the place."""
    if isinstance(value, str) and looks_like_jwt(value):
        raise ValueError(f"Refusing to save settings: {where} looks like a token (JWT)")
    if isinstance(value, dict):
        for key, item in value.items():
            refuse_tokens(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            refuse_tokens(item, f"{where}[{index}]")


def _shown(value: object) -> str:
    """A value quoted for a message, cut short: a settings file may hold megabytes in one."""
    return reprlib.repr(value)


def count(n: int, what: str) -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


def _has_token(value: object) -> bool:
    if isinstance(value, str):
        return looks_like_jwt(value)
    if isinstance(value, dict):
        value = list(value.values())
    return isinstance(value, list) and any(_has_token(item) for item in value)


def _places(indices: list[int]) -> str:
    shown = ", ".join(str(i + 1) for i in indices[:MAX_NOTES])
    return shown if len(indices) <= MAX_NOTES else f"{shown} and {len(indices) - MAX_NOTES:,} more"


def _capped(
    items: list[_T], limit: int, what: str, where: str, parsed: Parsed, newest_first: bool = False
) -> list[_T]:
    """At most `limit` of the newest items (the last ones of a list the app appends to, the
    first of one kept most recent first), noting the rest."""
    if len(items) <= limit:
        return items
    parsed.left_out.append(f"{where}: all but the newest {limit} of {count(len(items), what)}")
    parsed.trimmed = True
    return items[:limit] if newest_first else items[-limit:]


def _tokens_dropped(items: list[_T], what: str, where: str, parsed: Parsed) -> list[_T]:
    """items without those that hold something looking like a token, noting which."""
    if not parsed.may_hold_tokens:
        return items
    tokens = {i for i, item in enumerate(items) if _has_token(item)}
    if not tokens:
        return items
    parsed.left_out.append(f"{where}: {what} {_places(sorted(tokens))} (looked like a token)")
    return [item for i, item in enumerate(items) if i not in tokens]


def _texts(entry: dict[str, object], key: str, where: str) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Corrupt(f"{where}: {key!r} must be a list of text values")
    return value


def _record(raw: object, where: str) -> AccountRecord:
    try:
        return AccountRecord.from_json(raw)
    except ValueError as exc:
        raise Corrupt(f"{where} is not a usable account record: {exc}") from None


def _parse_profile(raw: dict[str, object], where: str, parsed: Parsed) -> Profile | None:
    """The entry's profile; None (noted) if its name looks like a token. Any other field
    that does takes the default value, as does an authority host this version refuses."""
    tokens = [key for key in FIELDS if parsed.may_hold_tokens and _has_token(raw.get(key))]
    if "name" in tokens:
        parsed.left_out.append(f"{where} (its name looked like a token)")
        return None
    kept = {key: value for key, value in raw.items() if key not in tokens}
    if "custom_authority_host" not in kept and "authority_host" in kept:
        # Written before a custom host had to be marked: it was the user's choice, so it
        # is kept as a custom one (and the window warns while the profile is in use).
        kept["custom_authority_host"] = not known_authority_host(kept["authority_host"])
    try:
        profile = parse_profile(kept)
    except ProfileError as exc:
        if set(exc.errors) != {"authority_host"}:
            raise Corrupt(f"{where} is invalid: {exc}") from None
        profile = parse_profile({**kept, "authority_host": PUBLIC_CLOUD})
        reason = exc.errors["authority_host"]
        parsed.left_out.append(f"profile {profile.name!r}: authority host ({reason})")
    if tokens:
        fields = ", ".join(key.replace("_", " ") for key in tokens)
        parsed.left_out.append(f"profile {profile.name!r}: {fields} (looked like a token; reset)")
    return profile


def _parse_entry(parsed: Parsed, names: set[str], index: int, entry: object) -> None:
    where = f"profile {index + 1}"
    if not isinstance(entry, dict) or not isinstance(entry.get("profile"), dict):
        raise Corrupt(f"{where} is not an object with a 'profile' object")
    profile = _parse_profile(entry["profile"], where, parsed)
    if profile is None:
        return
    name = profile.name
    if name in names:
        raise Corrupt(f"two profiles are named {name!r}")
    names.add(name)
    parsed.data.profiles.append(profile)
    where = f"profile {name!r}"
    raw_records = entry.get("records", [])
    if not isinstance(raw_records, list):
        raise Corrupt(f"{where}: 'records' must be a list")
    raw_records = _capped(raw_records, MAX_ACCOUNTS, "remembered account", where, parsed)
    raw_records = _tokens_dropped(raw_records, "account", where, parsed)
    records = [_record(raw, f"{where}, account {i + 1}") for i, raw in enumerate(raw_records)]
    active = entry.get("active")
    if active is not None and not isinstance(active, str):
        raise Corrupt(f"{where}: 'active' must be an account id or null")
    if active is not None and parsed.may_hold_tokens and looks_like_jwt(active):
        parsed.left_out.append(f"{where}: the active account (looked like a token)")
        active = None
    forgotten = _texts(entry, "forgotten", where)
    forgotten = _capped(forgotten, MAX_FORGOTTEN, "signed-out account", where, parsed)
    forgotten = _tokens_dropped(forgotten, "signed-out account", where, parsed)
    urls = _texts(entry, "recent_urls", where)
    urls = _capped(urls, MAX_RECENT_URLS, "recent URL", where, parsed, newest_first=True)
    urls = _tokens_dropped(urls, "recent URL", where, parsed)
    # Empty entries are left out so that a loaded StoreData equals the one that was saved.
    if records:
        parsed.data.records[name] = records
    if active:
        parsed.data.active[name] = active
    if forgotten:
        parsed.data.forgotten[name] = forgotten
    if urls:
        parsed.data.recent_urls[name] = urls


def parse(raw: bytes) -> Parsed:
    """What a settings file's bytes hold; Corrupt saying what is wrong if it is unusable.
    Linear in the size of the file."""
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise Corrupt("it is not UTF-8 text") from None
    except RecursionError:
        raise Corrupt("it is nested too deeply to be a settings file") from None
    except ValueError as exc:
        raise Corrupt(f"it is not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise Corrupt("it is not a JSON object")
    version = doc.get("version")
    if type(version) is not int or version != VERSION:
        raise Corrupt(f"its version is {_shown(version)}; this app reads version {VERSION}")
    entries = doc.get("profiles")
    if not isinstance(entries, list) or not entries:
        raise Corrupt("'profiles' must be a non-empty list")
    parsed = Parsed(may_hold_tokens=b"eyJ" in raw or b"\\u" in raw)
    if len(entries) > MAX_PROFILES:
        parsed.left_out.append(
            f"profiles after the first {MAX_PROFILES} of {len(entries):,} (the most kept)"
        )
        parsed.trimmed = True
    names: set[str] = set()
    for index, entry in enumerate(entries[:MAX_PROFILES]):
        _parse_entry(parsed, names, index, entry)
    data = parsed.data
    if not data.profiles:
        data.profiles.append(Profile())
    selected = doc.get("selected")
    if not isinstance(selected, str) or (
        selected not in names and len(entries) <= MAX_PROFILES and not looks_like_jwt(selected)
    ):
        raise Corrupt(f"the selected profile {_shown(selected)} is not one of the profiles")
    if selected not in names:  # it was left out
        selected = data.profiles[0].name
        parsed.left_out.append(f"the selected profile ({selected!r} is selected instead)")
    data.selected = selected
    folders = _texts(doc, "download_folders", "the settings")
    folders = _capped(folders, MAX_DOWNLOAD_FOLDERS, "download folder", "the settings", parsed,
                      newest_first=True)  # fmt: skip
    data.download_folders = _tokens_dropped(folders, "download folder", "the settings", parsed)
    data.arm_hidden = _arm_hidden(doc.get("arm_hidden", {}), parsed)
    return parsed


def _arm_hidden(raw: object, parsed: Parsed) -> dict[str, ArmChoice]:
    """The tenants and subscriptions hidden per account; an account entry that looks like a
    token (key or ids) is left out and noted."""
    if not isinstance(raw, dict):
        raise Corrupt("'arm_hidden' must be an object")
    if len(raw) > MAX_ACCOUNTS * 10:
        parsed.left_out.append(f"the ARM choices: all but {MAX_ACCOUNTS * 10} accounts'")
        parsed.trimmed = True
        raw = dict(list(raw.items())[: MAX_ACCOUNTS * 10])
    hidden: dict[str, ArmChoice] = {}
    for home, value in raw.items():
        if parsed.may_hold_tokens and (looks_like_jwt(home) or _has_token(value)):
            parsed.left_out.append("the ARM choices of an account (looked like a token)")
            continue
        try:
            choice = ArmChoice.from_json(value)
        except ValueError as exc:
            raise Corrupt(f"the ARM choices of {_shown(home)}: {exc}") from None
        if choice:
            hidden[home] = choice
    return hidden


def left_out_warning(left_out: list[str], backup: Path | None, path: Path) -> str:
    shown = "; ".join(left_out[:MAX_NOTES])
    more = len(left_out) - MAX_NOTES
    text = f"These settings were left out: {shown}{f'; and {more:,} more' if more > 0 else ''}."
    if backup is not None and any("looked like a token" in note for note in left_out):
        return f"{text} The file was kept as {backup}, without what looked like a token."
    if backup is not None:
        return f"{text} The whole file was kept as {backup}."
    return f"{text} Copy {path} now to keep them: the next save leaves them out."


TOKEN_LEFT_OUT = "<left out: looked like a token>"


def without_tokens(raw: bytes) -> bytes | None:
    """The settings file with every key or value that looks like a token replaced by a
    marker, for the copy a load keeps; None when it holds none (copy it as it is)."""
    found = False

    def clean(value: object) -> object:
        nonlocal found
        if isinstance(value, str) and looks_like_jwt(value):
            found = True
            return TOKEN_LEFT_OUT
        if isinstance(value, dict):
            return {str(clean(k)): clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    try:
        cleaned = clean(json.loads(raw))
    except (ValueError, RecursionError):  # parse() read it; this cannot happen, but never raise
        return None
    return (json.dumps(cleaned, indent=2) + "\n").encode() if found else None
