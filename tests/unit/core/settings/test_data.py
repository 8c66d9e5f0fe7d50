"""Profiles added, replaced (renamed) and deleted in the settings (app.core.settings.data):
what belongs to a profile goes with it."""

from __future__ import annotations

import pytest

from app.core.configurations.profile import Profile
from app.core.settings.data import MAX_DOWNLOAD_FOLDERS, StoreData
from app.core.settings.records import AccountRecord

RECORD = AccountRecord("login.microsoftonline.com", "c", "oid.tid", "tid", "adele@contoso.example")


def kept_under(name: str) -> StoreData:
    data = StoreData(profiles=[Profile(), Profile(name=name)], selected=name)
    data.records[name] = [RECORD]
    data.active[name] = "oid.tid"
    data.forgotten[name] = ["other.tid"]
    data.add_recent_url("https://a.blob.core.windows.net", name)
    return data


def test_deleting_a_profile_forgets_everything_under_its_name():
    data = kept_under("Work")
    data.delete_profile("Work")
    assert data.names() == {"Default"} and data.selected == "Default"
    assert (data.records, data.active, data.forgotten, data.recent_urls) == ({}, {}, {}, {})


def test_a_new_profile_starts_clean_even_under_a_name_that_was_used():
    data = kept_under("Profile 2")
    data.profiles.pop()  # gone without delete_profile: what an older app left in a file
    assert data.new_name() == "Profile 2"
    data.add_profile(Profile(name="Profile 2"))
    assert data.selected == "Profile 2"
    assert "Profile 2" not in data.records and "Profile 2" not in data.active


def test_a_rename_carries_the_profiles_accounts_over():
    data = kept_under("Work")
    data.replace_profile("Work", Profile(name="Job"))
    assert data.selected == "Job" and data.names() == {"Default", "Job"}
    assert data.records == {"Job": [RECORD]} and data.active == {"Job": "oid.tid"}
    assert list(data.recent_urls) == ["Job"] and list(data.forgotten) == ["Job"]


def test_names_must_stay_unique_and_the_last_profile_stays():
    data = kept_under("Work")
    with pytest.raises(ValueError, match="exists already"):
        data.add_profile(Profile(name="Default"))
    with pytest.raises(ValueError, match="exists already"):
        data.replace_profile("Work", Profile(name="Default"))
    with pytest.raises(KeyError):
        data.delete_profile("Nope")
    data.delete_profile("Work")
    with pytest.raises(ValueError, match="last profile"):
        data.delete_profile("Default")


def test_recent_urls_are_most_recent_first_without_repeats_and_ten_at_most():
    data = StoreData()
    for n in range(12):
        data.add_recent_url(f"https://a{n}.blob.core.windows.net")
    data.add_recent_url("https://a5.blob.core.windows.net")
    urls = data.recent_urls["Default"]
    assert urls[0] == "https://a5.blob.core.windows.net" and len(urls) == 10 == len(set(urls))


def test_download_folders_are_most_recent_first_without_repeats_and_ten_at_most():
    data = StoreData()
    for n in range(MAX_DOWNLOAD_FOLDERS + 3):
        data.add_download_folder(f"/d{n}")
    data.add_download_folder("/d5")
    expected = ["/d5", *(f"/d{n}" for n in range(12, 2, -1) if n != 5)]
    assert data.download_folders == expected[:MAX_DOWNLOAD_FOLDERS]


def test_remember_and_forget_keep_one_record_and_the_hidden_list_in_step():
    data = StoreData()
    data.remember("Default", RECORD)
    data.remember("Default", RECORD)
    assert data.records["Default"] == [RECORD]
    data.active["Default"] = RECORD.home_account_id
    data.forget("Default", RECORD.home_account_id)
    assert data.records["Default"] == [] and "Default" not in data.active
    assert data.forgotten["Default"] == [RECORD.home_account_id]
    data.remember("Default", RECORD)  # added again: no longer hidden
    assert data.forgotten["Default"] == []


def test_a_snapshot_equals_the_data_and_later_changes_do_not_reach_it() -> None:
    from dataclasses import fields

    from app.core.arm.choice import ArmChoice

    data = StoreData()
    data.add_recent_url("https://a.blob.core.windows.net/")
    data.add_download_folder("/tmp/d")
    data.forgotten["Default"] = ["x"]
    data.arm_hidden["h"] = ArmChoice(frozenset({"t"}))
    snap = data.snapshot()
    assert snap == data
    # every field differs from a new StoreData's, so equality checks each was copied
    assert all(getattr(data, f.name) != getattr(StoreData(), f.name) for f in fields(StoreData)
               if f.name not in ("profiles", "selected", "records", "active"))  # fmt: skip
    data.add_recent_url("https://b.blob.core.windows.net/")
    data.forgotten["Default"].append("y")
    data.profiles.append(Profile(name="Later"))
    data.arm_hidden.clear()
    data.download_folders.clear()
    assert snap.recent_urls["Default"] == ["https://a.blob.core.windows.net/"]
    assert snap.forgotten["Default"] == ["x"] and [p.name for p in snap.profiles] == ["Default"]
    assert snap.arm_hidden and snap.download_folders == ["/tmp/d"]
