"""Two windows on one settings file (app.core.settings.merge, through Store.save): what each
changed is kept, field by field, whatever order they save in. The three cases measured in the
reliability round, each of which lost a change before."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

from app.core.configurations.profile import Profile
from app.core.settings.data import StoreData
from app.core.settings.records import AccountRecord
from app.core.settings.store import Store

RECORD = AccountRecord("login.microsoftonline.com", "c", "oid.tid", "tid", "adele@contoso.example")


def two_windows(tmp_path: Path) -> tuple[Store, StoreData, Store, StoreData]:
    path = tmp_path / "settings.json"
    Store(path).save(StoreData())
    a, b = Store(path), Store(path)
    return a, a.load().data, b, b.load().data


def edit(data: StoreData, **changes: object) -> None:
    data.replace_profile(data.selected, dataclasses.replace(data.profile(), **changes))


def test_one_sets_the_tenant_the_other_passthrough_both_kept(tmp_path):
    a, da, b, db = two_windows(tmp_path)
    edit(da, tenant="common")
    edit(db, msa_passthrough=True)
    a.save(da)
    b.save(db)
    saved = Store(tmp_path / "settings.json").load().data.profile()
    assert (saved.tenant, saved.msa_passthrough) == ("common", True)
    assert db.profile().tenant == "common"  # the second window now holds the first's change


def test_each_adds_a_profile_both_survive(tmp_path):
    a, da, b, db = two_windows(tmp_path)
    da.add_profile(Profile(name="From A"))
    db.add_profile(Profile(name="From B"))
    a.save(da)
    b.save(db)
    assert Store(tmp_path / "settings.json").load().data.names() == {"Default", "From A", "From B"}


def test_a_change_saved_earlier_survives_a_window_started_before_it(tmp_path):
    a, da, b, db = two_windows(tmp_path)
    edit(da, scopes=("api://x/.default",))
    da.remember("Default", RECORD)
    a.save(da)  # A changes and quits
    db.add_profile(Profile(name="Later"))  # B, started before, adds a profile
    b.save(db)
    data = Store(tmp_path / "settings.json").load().data
    assert data.profile("Default").scopes == ("api://x/.default",)
    assert data.records["Default"] == [RECORD] and "Later" in data.names()


def test_a_deletion_holds_unless_the_other_changed_the_profile_meanwhile(tmp_path):
    a, da, b, db = two_windows(tmp_path)
    da.add_profile(Profile(name="Gone"))
    da.add_profile(Profile(name="Edited"))
    a.save(da)
    db = b.load().data
    da.delete_profile("Gone")
    da.delete_profile("Edited")
    edit_edited = dataclasses.replace(db.profile("Edited"), tenant="common")
    db.replace_profile("Edited", edit_edited)
    b.save(db)
    a.save(da)
    names = Store(tmp_path / "settings.json").load().data.names()
    assert "Gone" not in names and "Edited" in names


def test_saves_from_many_writers_at_once_lose_nothing(tmp_path):
    path = tmp_path / "settings.json"
    Store(path).save(StoreData())
    stores = [Store(path) for _ in range(8)]
    datas = [s.load().data for s in stores]

    def add(i: int) -> None:
        datas[i].add_profile(Profile(name=f"P{i}"))
        stores[i].save(datas[i])

    threads = [threading.Thread(target=add, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Store(path).load().data.names() == {"Default", *(f"P{i}" for i in range(8))}


def test_download_folders_of_both_windows_are_kept_for_the_sweep(tmp_path):
    a, da, b, db = two_windows(tmp_path)
    da.add_download_folder("/home/u/Downloads")
    db.add_download_folder("/mnt/usb")
    a.save(da)
    b.save(db)
    saved = Store(tmp_path / "settings.json").load().data
    assert saved.download_folders == ["/mnt/usb", "/home/u/Downloads"]
    a.save(da)  # a later save of the first window drops neither
    assert Store(tmp_path / "settings.json").load().data.download_folders == [
        "/home/u/Downloads",
        "/mnt/usb",
    ]
