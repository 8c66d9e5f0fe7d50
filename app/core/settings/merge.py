"""Two windows, or a window and another process, on one settings file: what each changed
since it last read the file is kept, field by field, so no one's change is silently
overwritten by another's save.

A three-way merge of the settings as this process last read or wrote them (base), as it holds
them now (ours) and as the file holds them now (theirs): for every profile field, every
per-profile list, ours where we changed it, theirs otherwise; the profile in use stays ours. A
profile one side added is kept; one side deleted goes unless the other changed it meanwhile.
The download folders are both sides' (ours first): each may hold what a killed download of
either left, for the start-up sweep. The tenants and subscriptions hidden in the ARM window
merge account by account, as a per-profile field. Plain Python."""

from __future__ import annotations

import dataclasses
from typing import Any

from app.core.configurations.profile import Profile
from app.core.settings.data import MAX_DOWNLOAD_FOLDERS, StoreData

_PER_PROFILE = ("records", "active", "forgotten", "recent_urls")


def _field_by_field(base: Profile, ours: Profile, theirs: Profile) -> Profile:
    changed = {
        f.name: getattr(ours, f.name) if getattr(ours, f.name) != getattr(base, f.name)
        else getattr(theirs, f.name)
        for f in dataclasses.fields(Profile)
        if f.name != "name"
    }  # fmt: skip
    return dataclasses.replace(ours, **changed)


def merge(base: StoreData, ours: StoreData, theirs: StoreData) -> StoreData:
    b = {p.name: p for p in base.profiles}
    o = {p.name: p for p in ours.profiles}
    t = {p.name: p for p in theirs.profiles}
    profiles: list[Profile] = []
    for name, mine in o.items():
        if name not in b:  # we added it (or both did: ours)
            profiles.append(mine)
        elif name in t:
            profiles.append(_field_by_field(b[name], mine, t[name]))
        elif mine != b[name]:  # they deleted it, we changed it meanwhile: kept
            profiles.append(mine)
    for name, other in t.items():
        if name not in o and (name not in b or other != b[name]):
            profiles.append(other)  # they added it, or changed one we did not keep
    names = {p.name for p in profiles}
    merged = StoreData(profiles=profiles or ours.profiles)
    # The profile in use is this window's own choice: another window choosing another profile
    # does not switch this one under its user (the last to save decides the next start's).
    merged.selected = ours.selected if ours.selected in names else merged.profiles[0].name
    for key in _PER_PROFILE:
        mine_map: dict[str, Any] = getattr(ours, key)
        base_map: dict[str, Any] = getattr(base, key)
        their_map: dict[str, Any] = getattr(theirs, key)
        result: dict[str, Any] = {}
        for name in names:
            value = (
                mine_map.get(name)
                if mine_map.get(name) != base_map.get(name)
                else (their_map.get(name))
            )
            if value:
                result[name] = value
        setattr(merged, key, result)
    folders = dict.fromkeys([*ours.download_folders, *theirs.download_folders])
    merged.download_folders = list(folders)[:MAX_DOWNLOAD_FOLDERS]
    # ARM choices, account by account: ours where we changed it, theirs otherwise.
    accounts = {*ours.arm_hidden, *theirs.arm_hidden}
    merged.arm_hidden = {}
    for home in accounts:
        kept = ours.arm_hidden.get(home)
        if kept == base.arm_hidden.get(home):
            kept = theirs.arm_hidden.get(home)
        if kept:
            merged.arm_hidden[home] = kept
    return merged
