"""What the settings file holds, and the operations on profiles that keep it consistent.

Plain Python: no Qt and no pymsalruntime.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from app.core.arm.choice import ArmChoice
from app.core.configurations.profile import Profile
from app.core.settings.records import AccountRecord

MAX_RECENT_URLS = 10
MAX_DOWNLOAD_FOLDERS = 10


@dataclass
class StoreData:
    """Everything the settings file holds. Per-profile maps are keyed by profile name. Profiles
    are added, replaced (renamed) and deleted here, so that what belongs to a profile goes with
    it: a rename carries its accounts over, a deletion forgets them, and a new profile starts
    clean even under a name a deleted one had."""

    profiles: list[Profile] = field(default_factory=lambda: [Profile()])
    selected: str = Profile().name
    records: dict[str, list[AccountRecord]] = field(default_factory=dict)
    active: dict[str, str] = field(default_factory=dict)  # profile -> home_account_id
    forgotten: dict[str, list[str]] = field(default_factory=dict)  # home_account_ids
    recent_urls: dict[str, list[str]] = field(default_factory=dict)  # most recent first
    # Folders downloads went to, most recent first: a download killed mid-way leaves its
    # temporary there, and the next start sweeps these folders (app.core.files.atomic).
    download_folders: list[str] = field(default_factory=list)
    # home_account_id -> the tenants and subscriptions hidden in the ARM window. Not per
    # profile: an account is the same account under every profile.
    arm_hidden: dict[str, ArmChoice] = field(default_factory=dict)

    def snapshot(self) -> StoreData:
        """A copy that later changes to this one do not reach, in time linear in the number of
        entries: the containers are copied, the frozen profiles, records and choices shared
        (copy.deepcopy took ~0.5 s for a file at every limit, too long for the GUI thread)."""
        return StoreData(
            profiles=list(self.profiles),
            selected=self.selected,
            records={k: list(v) for k, v in self.records.items()},
            active=dict(self.active),
            forgotten={k: list(v) for k, v in self.forgotten.items()},
            recent_urls={k: list(v) for k, v in self.recent_urls.items()},
            download_folders=list(self.download_folders),
            arm_hidden=dict(self.arm_hidden),
        )

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

    def add_download_folder(self, folder: str) -> None:
        """Put folder first among the download folders, without repeats, keeping at most 10
        (an older one is still swept before the next download into it)."""
        older = [f for f in self.download_folders if f != folder]
        self.download_folders = [folder, *older][:MAX_DOWNLOAD_FOLDERS]

    def _per_profile(self) -> tuple[dict[str, Any], ...]:
        return (self.records, self.active, self.forgotten, self.recent_urls)

    def names(self) -> set[str]:
        return {p.name for p in self.profiles}

    def new_name(self) -> str:
        """The first free "Profile N" name."""
        names = self.names()
        return next(f"Profile {n}" for n in itertools.count(2) if f"Profile {n}" not in names)

    def add_profile(self, profile: Profile) -> None:
        """Add and select a new profile; ValueError if its name is taken."""
        if profile.name in self.names():
            raise ValueError(f"A profile named {profile.name!r} exists already")
        for per_profile in self._per_profile():
            per_profile.pop(profile.name, None)
        self.profiles.append(profile)
        self.selected = profile.name

    def replace_profile(self, name: str, new: Profile) -> None:
        """Put `new` in the place of the profile called `name`, carrying its accounts, active
        account, signed-out accounts and recent URLs over to a new name; ValueError if the new
        name is another profile's. KeyError if there is no such profile."""
        index = [p.name for p in self.profiles].index(name) if name in self.names() else -1
        if index < 0:
            raise KeyError(name)
        if new.name != name and new.name in self.names():
            raise ValueError(f"A profile named {new.name!r} exists already")
        self.profiles[index] = new
        if new.name != name:
            for per_profile in self._per_profile():
                per_profile.pop(new.name, None)
                if name in per_profile:
                    per_profile[new.name] = per_profile.pop(name)
            if self.selected == name:
                self.selected = new.name

    def delete_profile(self, name: str) -> None:
        """Delete a profile and forget everything under its name; the first profile is
        selected if it was. ValueError for the last profile, KeyError for no such profile."""
        if name not in self.names():
            raise KeyError(name)
        if len(self.profiles) < 2:
            raise ValueError("The last profile cannot be deleted")
        self.profiles = [p for p in self.profiles if p.name != name]
        for per_profile in self._per_profile():
            per_profile.pop(name, None)
        if self.selected == name:
            self.selected = self.profiles[0].name

    def remember(self, name: str, record: AccountRecord) -> None:
        """An account signed in under a profile: its record kept (the newest), and no longer
        hidden there."""
        home_id = record.home_account_id
        kept = [r for r in self.records.get(name, []) if r.home_account_id != home_id]
        self.records[name] = [*kept, record]
        if home_id in self.forgotten.get(name, []):
            self.forgotten[name].remove(home_id)

    def forget(self, name: str, home_account_id: str) -> None:
        """An account signed out of a profile: hidden there until added again, its record
        and its place as the profile's active account gone."""
        forgotten = self.forgotten.setdefault(name, [])
        if home_account_id not in forgotten:
            forgotten.append(home_account_id)
        self.records[name] = [
            r for r in self.records.get(name, []) if r.home_account_id != home_account_id
        ]
        if self.active.get(name) == home_account_id:
            self.active.pop(name)
