"""What loading a settings file leaves out: values that look like tokens (which saving would
refuse forever after), what is past the limits, and how the warnings say so without
echoing the values. Also Store.check, --self-test's read-only look at the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.core.configurations.profile import Profile
from app.core.settings import document as settings_file
from app.core.settings.data import MAX_DOWNLOAD_FOLDERS, MAX_RECENT_URLS, StoreData
from app.core.settings.document import (
    MAX_ACCOUNTS,
    MAX_FORGOTTEN,
    MAX_PROFILES,
    TOKEN_LEFT_OUT,
)
from app.core.settings.records import AccountRecord
from app.core.settings.store import LEFT_OUT, RESET, Store

JWT = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def record(n: int, username: str = "") -> dict[str, str]:
    oid = f"00000000-0000-0000-0000-{n:012d}"
    record = AccountRecord(
        tenant_id=TENANT,
        client_id=Profile().client_id,
        authority="login.microsoftonline.com",
        home_account_id=f"{oid}.{TENANT}",
        username=username or f"user{n}@contoso.com",
    )
    return json.loads(record.serialize())  # type: ignore[no-any-return]


def entry(name: str = "Default", **values: Any) -> dict[str, Any]:
    return {"profile": {**Profile().to_dict(), "name": name}, **values}


def write(tmp_path: Path, *entries: dict[str, Any], selected: str = "Default") -> Path:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "selected": selected, "profiles": list(entries)}))
    return path


# ---------------------------------------------------------------------------- tokens

_TOKEN_PLACES = {
    "recent URL": (
        entry(recent_urls=["https://a.example/", f"https://b.example/?sig={JWT}"]),
        "profile 'Default': recent URL 2 (looked like a token)",
    ),
    "signed-out account": (
        entry(forgotten=["a", JWT, "b"]),
        "profile 'Default': signed-out account 2 (looked like a token)",
    ),
    "active account": (
        entry(active=JWT),
        "profile 'Default': the active account (looked like a token)",
    ),
    "remembered account": (
        entry(records=[record(1), record(2, username=JWT)]),
        "profile 'Default': account 2 (looked like a token)",
    ),
    "scope": (
        {"profile": {"name": "Default", "scopes": [f"api://{JWT}/.default"]}},
        "profile 'Default': scopes (looked like a token; reset)",
    ),
}


@pytest.mark.parametrize(("raw", "said"), _TOKEN_PLACES.values(), ids=_TOKEN_PLACES.keys())
def test_a_value_that_looks_like_a_token_is_left_out_with_a_warning_naming_the_place(
    tmp_path: Path, raw: dict[str, Any], said: str
) -> None:
    path = write(tmp_path, raw)
    original = path.read_bytes()
    result = Store(path).load()
    assert result.title == LEFT_OUT and result.backup is not None
    kept = result.backup.read_text()  # the file kept before a save drops what was left out,
    assert JWT not in kept and "c2lnbmF0dXJl" not in kept  # but never the token-like value
    assert (
        TOKEN_LEFT_OUT in kept and json.loads(kept)["profiles"][0]["profile"]["name"] == "Default"
    )
    assert result.backup.stat().st_mode & 0o077 == 0
    assert result.warning is not None and said in result.warning
    assert f"kept as {result.backup}, without what looked like a token" in result.warning
    assert JWT not in result.warning and "c2lnbmF0dXJl" not in result.warning
    assert path.read_bytes() == original  # nothing is written until the app saves
    assert JWT not in repr(result.data)
    Store(path).save(result.data)  # used to fail: "Refusing to save … looks like a token"
    again = Store(path).load()
    assert again.warning is None and again.data == result.data


def test_a_token_spelled_with_json_escapes_is_left_out_too(tmp_path: Path) -> None:
    path = write(tmp_path, entry(forgotten=["placeholder"]))
    escaped = JWT.replace("eyJ", "\\u0065yJ")  # a JSON escape for "e": no "eyJ" in the bytes
    path.write_text(path.read_text().replace("placeholder", escaped))
    assert b"eyJ" not in path.read_bytes()
    result = Store(path).load()
    assert result.data.forgotten == {} and result.title == LEFT_OUT
    Store(path).save(result.data)


def test_the_rest_of_a_profile_with_a_token_is_kept(tmp_path: Path) -> None:
    raw = entry(
        records=[record(1), record(2, username=JWT)],
        active=record(1)["homeAccountId"],
        forgotten=["gone"],
        recent_urls=[f"https://x/?t={JWT}", "https://a.blob.core.windows.net/"],
    )
    data = Store(write(tmp_path, raw)).load().data
    assert [r.username for r in data.records["Default"]] == ["user1@contoso.com"]
    assert data.active == {"Default": record(1)["homeAccountId"]}
    assert data.forgotten == {"Default": ["gone"]}
    assert data.recent_urls == {"Default": ["https://a.blob.core.windows.net/"]}


def test_a_profile_named_like_a_token_is_left_out_and_another_selected(tmp_path: Path) -> None:
    path = write(tmp_path, entry(JWT, recent_urls=["https://a/"]), entry("Work"), selected=JWT)
    result = Store(path).load()
    assert [p.name for p in result.data.profiles] == ["Work"]
    assert result.data.selected == "Work" and result.data.recent_urls == {}
    assert result.warning is not None and JWT not in result.warning
    assert "profile 1 (its name looked like a token)" in result.warning
    assert "the selected profile ('Work' is selected instead)" in result.warning


def test_when_every_profile_is_left_out_the_default_one_is_used(tmp_path: Path) -> None:
    result = Store(write(tmp_path, entry(JWT), selected=JWT)).load()
    assert result.data == StoreData() and result.title == LEFT_OUT


def test_an_unknown_selected_profile_still_makes_the_file_unusable(tmp_path: Path) -> None:
    result = Store(write(tmp_path, entry(), selected="Elsewhere")).load()
    assert result.title == RESET and result.backup is not None


# ---------------------------------------------------------------------------- limits


def test_profiles_past_the_limit_are_left_out_read_once_and_the_file_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading reads each kept profile once and never looks at the others: time is linear
    in the file (json.loads) plus a bounded amount, however many profiles it has. (16,000
    profiles took 8.8 s: each new one was compared with all before it.)"""
    parsed: list[str] = []
    real = settings_file.parse_profile

    def counting(raw: Any) -> Profile:
        parsed.append(raw["name"])
        return real(raw)

    monkeypatch.setattr(settings_file, "parse_profile", counting)
    count = 16_000
    path = write(tmp_path, *(entry(f"p{i}") for i in range(count)), selected="p5")
    original = path.read_bytes()
    result = Store(path).load()
    assert parsed == [f"p{i}" for i in range(MAX_PROFILES)]
    assert [p.name for p in result.data.profiles] == parsed
    assert result.data.selected == "p5" and result.title == LEFT_OUT
    assert result.warning is not None
    assert f"profiles after the first {MAX_PROFILES} of 16,000 (the most kept)" in result.warning
    assert result.backup is not None and result.backup.name.startswith("settings.json.left-out-")
    assert result.backup.read_bytes() == original == path.read_bytes()
    assert f"The whole file was kept as {result.backup}." in result.warning


def test_the_selected_profile_past_the_limit_gives_way_to_the_first(tmp_path: Path) -> None:
    names = [f"p{i}" for i in range(MAX_PROFILES + 1)]
    result = Store(write(tmp_path, *map(entry, names), selected=names[-1])).load()
    assert result.data.selected == "p0"


def test_accounts_and_urls_past_their_limits_keep_the_newest(tmp_path: Path) -> None:
    raw = entry(
        records=[record(i) for i in range(MAX_ACCOUNTS + 50)],
        forgotten=[f"id{i}" for i in range(MAX_FORGOTTEN + 1)],
        recent_urls=[f"https://u{i}/" for i in range(MAX_RECENT_URLS + 5)],
    )
    result = Store(write(tmp_path, raw)).load()
    data = result.data
    assert [r.username for r in data.records["Default"]] == [
        f"user{i}@contoso.com" for i in range(50, MAX_ACCOUNTS + 50)
    ]
    assert data.forgotten["Default"] == [f"id{i}" for i in range(1, MAX_FORGOTTEN + 1)]
    assert data.recent_urls["Default"] == [f"https://u{i}/" for i in range(MAX_RECENT_URLS)]
    assert result.warning is not None and result.backup is not None
    for said in (
        f"all but the newest {MAX_ACCOUNTS} of 150 remembered accounts",
        f"all but the newest {MAX_FORGOTTEN} of 201 signed-out accounts",
        f"all but the newest {MAX_RECENT_URLS} of 15 recent URLs",
    ):
        assert f"profile 'Default': {said}" in result.warning


def test_download_folders_round_trip_and_past_their_limit_keep_the_newest(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    saved = StoreData(download_folders=["/home/u/Downloads", "/mnt/usb"])
    Store(path).save(saved)
    assert Store(path).load().data == saved
    assert json.loads(path.read_text())["download_folders"] == saved.download_folders
    Store(path).save(StoreData())
    assert "download_folders" not in json.loads(path.read_text())  # as older versions wrote
    doc = json.loads(path.read_text())
    doc["download_folders"] = [f"/d{i}" for i in range(MAX_DOWNLOAD_FOLDERS + 2)] + [f"/{JWT}"]
    path.write_text(json.dumps(doc))
    result = Store(path).load()
    assert result.data.download_folders == [f"/d{i}" for i in range(MAX_DOWNLOAD_FOLDERS)]
    assert result.warning is not None and result.backup is not None
    assert f"the settings: all but the newest {MAX_DOWNLOAD_FOLDERS} of 13 download folders" in (
        result.warning
    )
    doc["download_folders"] = "/not/a/list"
    path.write_text(json.dumps(doc))
    assert Store(path).load().title == RESET


def test_a_long_list_of_left_out_values_is_summed_up(tmp_path: Path) -> None:
    raw = entry(forgotten=[JWT] * 150)
    names = [entry(f"p{i}", forgotten=[JWT]) for i in range(10)]
    result = Store(write(tmp_path, raw, *names)).load()
    assert result.warning is not None
    assert "signed-out account 1, 2, 3, 4, 5 and 145 more (looked like a token)" in result.warning
    assert "; and 6 more." in result.warning
    assert len(result.warning) < 1000


_BIG = "x" * 5_000_000
_HUGE_VALUES = {
    "version": lambda d: d.update(version=_BIG),
    "selected": lambda d: d.update(selected=_BIG),
    "authority host": lambda d: d["profiles"][0]["profile"].update(
        authority_host=f"https://{_BIG}"
    ),
    "record version": lambda d: d["profiles"][0].update(records=[{**record(1), "version": _BIG}]),
    "name": lambda d: d["profiles"][0]["profile"].update(name=_BIG),
    "unknown key": lambda d: d["profiles"][0]["profile"].update({_BIG: JWT}),
}


@pytest.mark.parametrize("change", _HUGE_VALUES.values(), ids=_HUGE_VALUES.keys())
def test_every_value_echoed_in_a_warning_is_cut_short(tmp_path: Path, change: Any) -> None:
    document = json.loads(write(tmp_path, entry()).read_text())
    change(document)
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(document))
    result = Store(path).load()
    assert len(result.warning or "") < 500


# ---------------------------------------------------------------------------- check


def test_check_reports_without_touching_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert Store(path).check() == (True, f"none yet ({path}); the app starts from defaults")
    one = AccountRecord.deserialize(json.dumps(record(1)))
    Store(path).save(StoreData(records={"Default": [one]}))
    assert Store(path).check() == (True, f"{path} loads: 1 profile, 1 remembered account")
    path.write_text(json.dumps({"version": 1, "selected": "Default", "profiles": [entry()] * 2}))
    ok, said = Store(path).check()
    assert not ok and "two profiles are named 'Default'" in said and "corrupt" in said
    write(tmp_path, *(entry(f"p{i}") for i in range(MAX_PROFILES + 1)), selected="p0")
    ok, said = Store(path).check()
    assert not ok and f"loads ({MAX_PROFILES} profiles, 0 remembered accounts), but:" in said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]  # nothing moved
    path.unlink()
    path.mkdir()
    ok, said = Store(path).check()
    assert not ok and "is a folder, not a regular file" in said


# ---------------------------------------------------------------------------- older files


def old_profile(name: str, host: str) -> dict[str, Any]:
    """A profile as the version before custom hosts had to be marked wrote it."""
    raw = {**Profile().to_dict(), "name": name, "authority_host": host, "tenant": "contoso.com"}
    del raw["custom_authority_host"]
    return {"profile": raw, "recent_urls": ["https://a.blob.core.windows.net/"]}


def test_an_older_profile_with_another_host_loads_as_custom(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        old_profile("Default", "https://login.microsoftonline.us"),
        old_profile("Lab", "https://evil.example"),
        old_profile("Old Germany", "https://login.microsoftonline.de"),
    )
    result = Store(path).load()
    assert result.warning is None and result.backup is None
    usgov, lab, germany = result.data.profiles
    assert not usgov.custom_authority_host and usgov.custom_host_warning is None
    assert lab.custom_authority_host and lab.authority_host == "https://evil.example"
    assert lab.tenant == "contoso.com" and result.data.recent_urls["Lab"]
    assert "evil.example, which is not a Microsoft cloud" in (lab.custom_host_warning or "")
    assert "closed on 29 October 2021" in (germany.custom_host_warning or "")
    Store(path).save(result.data)
    assert Store(path).load().data == result.data  # saved marked: the same on the next start


def test_an_older_profile_with_an_address_keeps_all_but_the_address(tmp_path: Path) -> None:
    path = write(tmp_path, old_profile("Default", "https://127.0.0.1:8443"))
    result = Store(path).load()
    assert result.title == LEFT_OUT and result.backup is not None and result.backup.is_file()
    (profile,) = result.data.profiles
    assert profile.authority_host == "https://login.microsoftonline.com"
    assert profile.tenant == "contoso.com" and result.data.recent_urls["Default"]
    assert result.warning is not None
    assert "profile 'Default': authority host (Authority host must be a host name, not an IP" in (
        result.warning
    )
