"""Tests for app.core.settings.store: round trips, corrupt files set aside, 0600, no tokens."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.configurations.profile import Profile, parse_profile
from app.core.files.disk import NotRegularFile
from app.core.settings import store as store_module
from app.core.settings.data import MAX_RECENT_URLS, StoreData
from app.core.settings.records import AccountRecord
from app.core.settings.store import LEFT_OUT, NOT_READ, RESET, LoadResult, Store, default_path
from app.core.tokens.redact import looks_like_jwt

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
JWT = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln"
posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def record(username: str, oid: str = "00000000-0000-0000-0000-000000000001") -> AccountRecord:
    return AccountRecord(
        tenant_id=TENANT,
        client_id=Profile().client_id,
        authority="login.microsoftonline.com",
        home_account_id=f"{oid}.{TENANT}",
        username=username,
    )


def full_data() -> StoreData:
    work = parse_profile({"name": "Work", "tenant": "contoso.onmicrosoft.com"})
    adele, alex = record("adele@contoso.com"), record("alex@contoso.com", "0" * 8 + "-1" * 4)
    return StoreData(
        profiles=[Profile(), work],
        selected="Work",
        records={"Work": [adele, alex], "Default": [record("me@outlook.com")]},
        active={"Work": alex.home_account_id},
        forgotten={"Work": ["gone.id"], "Default": ["a", "b"]},
        recent_urls={"Work": ["https://a.blob.core.windows.net/c", "https://b.example/"]},
    )


def assert_defaults(result: LoadResult) -> None:
    assert result.data == StoreData()


# ---------------------------------------------------------------------------- happy paths


def test_missing_file_gives_defaults_without_warning(tmp_path: Path) -> None:
    result = Store(tmp_path / "settings.json").load()
    assert_defaults(result)
    assert result.warning is None and result.backup is None
    assert result.data.profile() == Profile()


def test_default_path_is_the_per_user_config_dir() -> None:
    path = default_path()
    assert path.name == "settings.json"
    assert path.parent.name == "broker-account-manager"
    assert Store().path == path


def test_round_trip_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "settings.json"
    data = full_data()
    Store(path).save(data)
    result = Store(path).load()
    assert result.warning is None and result.backup is None
    assert result.data == data
    assert result.data.profile().name == "Work"
    assert result.data.profile("Default") == Profile()
    with pytest.raises(KeyError):
        result.data.profile("Nope")


def test_file_is_versioned_json_without_secrets(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    Store(path).save(full_data())
    document = json.loads(path.read_text())
    assert document["version"] == 1
    assert document["selected"] == "Work"
    entry = document["profiles"][1]
    assert entry["profile"] == full_data().profiles[1].to_dict()
    assert entry["records"][0]["homeAccountId"].endswith(TENANT)
    assert "token" not in path.read_text().lower()


def test_entries_of_unknown_profiles_are_dropped(tmp_path: Path) -> None:
    data = StoreData(forgotten={"Deleted": ["x"]}, recent_urls={"Deleted": ["https://x/"]})
    Store(tmp_path / "s.json").save(data)
    loaded = Store(tmp_path / "s.json").load().data
    assert loaded.forgotten == {} and loaded.recent_urls == {}


def test_recent_urls_most_recent_first_without_repeats_at_most_ten(tmp_path: Path) -> None:
    data = StoreData()
    for i in range(12):
        data.add_recent_url(f"https://u{i}/")
    data.add_recent_url("https://u5/")
    urls = data.recent_urls["Default"]
    assert urls[:3] == ["https://u5/", "https://u11/", "https://u10/"]
    assert len(urls) == MAX_RECENT_URLS and len(set(urls)) == len(urls)
    data.recent_urls["Default"] = [f"https://v{i}/" for i in range(15)]
    Store(tmp_path / "s.json").save(data)
    assert Store(tmp_path / "s.json").load().data.recent_urls["Default"] == [
        f"https://v{i}/" for i in range(10)
    ]


def test_a_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    Store(path).save(full_data())
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert Store(path).load().warning is None


# ---------------------------------------------------------------------------- writing


@posix_only
def test_save_is_atomic_leaves_no_temp_files_and_is_private(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    store = Store(path)
    store.save(StoreData())
    store.save(full_data())
    assert sorted(os.listdir(tmp_path)) == ["settings.json"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_failed_write_keeps_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "settings.json"
    Store(path).save(full_data())
    before = path.read_bytes()

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module.os, "replace", broken_replace)
    with pytest.raises(OSError):
        Store(path).save(StoreData())
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["settings.json"]
    # The disk's refusal (a full disk cannot be made here: tests/integration/storage does it
    # for real) is said as what it is, with how much room the file needs.
    problem = Store(path).try_save(StoreData())
    assert problem is not None and problem.startswith("The disk is full: ")
    assert "Free " in problem and "MB, then try again." in problem
    assert "choose another folder" not in problem and "changes last only" in problem


@posix_only
def test_saved_settings_live_in_a_private_folder(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "config" / "broker-account-manager" / "settings.json"
        Store(path).save(StoreData())
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)


@posix_only
@pytest.mark.timeout(60)  # reading the pipe would block for ever
def test_a_named_pipe_at_the_settings_path_is_explained_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    os.mkfifo(path)
    store = Store(path)
    result = store.load()
    assert_defaults(result)
    assert result.title == NOT_READ and result.backup is None
    assert result.warning == (
        f"{path} is a named pipe (FIFO), not a regular file, so the app did not open it and "
        "leaves it as it is. Default settings are in use, and changes cannot be saved there: "
        "move it away or delete it, then restart the app."
    )
    with pytest.raises(NotRegularFile):
        store.save(StoreData())
    problem = store.try_save(StoreData())
    assert problem is not None and problem.startswith("Not a file: ")
    assert f"Move {path} away or delete it." in problem
    ok, said = store.check()
    assert not ok and said.startswith(f"{path} is a named pipe (FIFO), not a regular file")
    data, read_problem = store.read()  # the command line's read (--list-accounts, token)
    assert data == StoreData()
    assert read_problem == f"{path} is a named pipe (FIFO), not a regular file (not opened)"
    assert os.listdir(tmp_path) == ["settings.json"] and stat.S_ISFIFO(os.stat(path).st_mode)


@pytest.mark.parametrize(
    "data",
    [
        StoreData(recent_urls={"Default": [f"https://x.example/?sig={JWT}"]}),
        StoreData(forgotten={"Default": [JWT]}),
        StoreData(active={"Default": JWT}),
        StoreData(records={"Default": [record(JWT)]}),
        StoreData(profiles=[parse_profile({"name": JWT})], selected=JWT),
    ],
    ids=["url", "forgotten", "active", "record", "profile name"],
)
def test_save_refuses_anything_that_looks_like_a_token(tmp_path: Path, data: StoreData) -> None:
    path = tmp_path / "settings.json"
    with pytest.raises(ValueError, match="looks like a token") as info:
        Store(path).save(data)
    assert JWT not in str(info.value)
    assert not path.exists() and os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (StoreData(profiles=[]), "at least one"),
        (StoreData(profiles=[Profile(), Profile()]), "unique"),
        (StoreData(selected="Elsewhere"), "selected"),
    ],
)
def test_save_refuses_inconsistent_data(tmp_path: Path, data: StoreData, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Store(tmp_path / "settings.json").save(data)


# ---------------------------------------------------------------------------- corrupt files


def assert_set_aside(path: Path, result: LoadResult, original: bytes) -> None:
    assert_defaults(result)
    assert result.warning is not None and result.backup is not None
    assert str(result.backup) in result.warning
    assert result.backup.name.startswith("settings.json.corrupt-")
    assert result.backup.read_bytes() == original
    assert not path.exists()


def test_corrupt_json_is_kept_as_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    original = b'{"version": 1, "profiles": [tru'
    path.write_bytes(original)
    result = Store(path).load()
    assert_set_aside(path, result, original)
    assert "not valid JSON" in (result.warning or "")
    assert Store(path).load().warning is None  # defaults from now on, until saved


def _valid() -> dict[str, Any]:
    return {
        "version": 1,
        "selected": "Default",
        "profiles": [{"profile": Profile().to_dict(), "records": [], "forgotten": []}],
    }


def _with(change: Any) -> bytes:
    document = _valid()
    change(document)
    return json.dumps(document).encode()


_RECORD = json.loads(record("adele@contoso.com").serialize())
_SHAPES: dict[str, tuple[bytes, str]] = {
    "empty file": (b"", "not valid JSON"),
    "not UTF-8": (b"\xff\xfe\x00{", "not UTF-8"),
    "deeply nested": (b"[" * 100_000, "nested too deeply"),
    "top-level list": (b"[1, 2]", "not a JSON object"),
    "no version": (_with(lambda d: d.pop("version")), "version is None"),
    "future version": (_with(lambda d: d.update(version=2)), "version is 2"),
    "version true": (_with(lambda d: d.update(version=True)), "version"),
    "profiles missing": (_with(lambda d: d.pop("profiles")), "'profiles'"),
    "profiles empty": (_with(lambda d: d.update(profiles=[])), "'profiles'"),
    "entry not object": (_with(lambda d: d["profiles"].append(3)), "profile 2"),
    "invalid profile": (
        _with(lambda d: d["profiles"][0]["profile"].update(client_id="nope")),
        "client_id: Client id must be a GUID",
    ),
    "duplicate names": (_with(lambda d: d["profiles"].append(d["profiles"][0])), "two profiles"),
    "selected unknown": (_with(lambda d: d.update(selected="Other")), "selected profile"),
    "records not list": (_with(lambda d: d["profiles"][0].update(records={})), "'records'"),
    "record missing field": (
        _with(lambda d: d["profiles"][0]["records"].append({"username": "x"})),
        "account 1",
    ),
    "record bad version": (
        _with(lambda d: d["profiles"][0]["records"].append({**_RECORD, "version": "9"})),
        "account 1",
    ),
    "forgotten not text": (_with(lambda d: d["profiles"][0].update(forgotten=[1])), "forgotten"),
    "active not text": (_with(lambda d: d["profiles"][0].update(active=5)), "active"),
}


@pytest.mark.parametrize(("raw", "reason"), _SHAPES.values(), ids=_SHAPES.keys())
def test_unusable_files_are_set_aside_with_a_reason(
    tmp_path: Path, raw: bytes, reason: str
) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(raw)
    result = Store(path).load()
    assert_set_aside(path, result, raw)
    assert reason in (result.warning or "")


def test_valid_shape_used_by_the_corruption_cases_loads(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_bytes(_with(lambda d: None))
    assert Store(tmp_path / "settings.json").load().warning is None


def test_backup_names_never_collide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "_stamp", lambda: "20240501-120000")
    path = tmp_path / "settings.json"
    backups = []
    for i in range(3):
        path.write_bytes(b"garbage %d" % i)
        backups.append(Store(path).load().backup)
    assert [b.name for b in backups if b] == [
        "settings.json.corrupt-20240501-120000",
        "settings.json.corrupt-20240501-120000-1",
        "settings.json.corrupt-20240501-120000-2",
    ]
    assert [b.read_bytes() for b in backups if b] == [b"garbage 0", b"garbage 1", b"garbage 2"]


def test_an_unreadable_path_warns_without_raising(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.mkdir()
    result = Store(path).load()
    assert_defaults(result)
    assert result.warning is not None and str(path) in result.warning
    assert "is a folder, not a regular file" in result.warning
    assert result.backup is None and path.is_dir()


# ---------------------------------------------------------------------------- properties

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.just(JWT),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)


def _mutated_valid() -> st.SearchStrategy[bytes]:
    """Valid documents with one value swapped for arbitrary JSON: near-misses of the shape."""
    paths = [
        ("version",),
        ("selected",),
        ("profiles",),
        ("profiles", 0),
        ("profiles", 0, "profile"),
        ("profiles", 0, "profile", "name"),
        ("profiles", 0, "profile", "scopes"),
        ("profiles", 0, "records"),
        ("profiles", 0, "active"),
        ("profiles", 0, "forgotten"),
        ("profiles", 0, "recent_urls"),
    ]

    def build(where: tuple[Any, ...], value: Any) -> bytes:
        document: Any = _valid()
        target = document
        for key in where[:-1]:
            target = target[key]
        target[where[-1]] = value
        return json.dumps(document).encode()

    return st.builds(build, st.sampled_from(paths), _JSON)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.one_of(st.binary(), _JSON.map(lambda v: json.dumps(v).encode()), _mutated_valid()))
def test_any_bytes_load_without_raising_and_what_loads_can_be_saved(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "settings.json"
        path.write_bytes(raw)
        result = Store(path).load()
        assert isinstance(result.data, StoreData)
        assert result.data.profile() in result.data.profiles
        if result.warning is None:
            assert path.read_bytes() == raw and result.backup is None  # loaded as it is
        elif result.title == LEFT_OUT:  # file untouched, and kept before a save
            assert path.read_bytes() == raw
            assert result.backup is not None and result.backup.stat().st_mode & 0o077 == 0
            kept = result.backup.read_bytes()
            assert kept == raw or (
                b"<left out: looked like a token>" in kept and b"eyJ" not in kept
            )
        else:
            assert result.title == RESET
            assert result.backup is not None and result.backup.read_bytes() == raw
            assert_defaults(result)
        assert len(result.warning or "") < 1000
        Store(Path(directory) / "again.json").save(result.data)  # never refuses what loaded


_TEXT_LISTS = st.lists(
    st.text(max_size=30).filter(lambda s: not looks_like_jwt(s)), min_size=1, max_size=5
)


@settings(max_examples=100, deadline=None)
@given(forgotten=_TEXT_LISTS, urls=_TEXT_LISTS, username=st.text(max_size=30))
def test_any_text_round_trips(forgotten: list[str], urls: list[str], username: str) -> None:
    if looks_like_jwt(username):
        username = "x"
    forgotten = list(dict.fromkeys(forgotten))
    urls = list(dict.fromkeys(urls))
    data = StoreData(
        records={"Default": [record(username)]},
        active={"Default": forgotten[0]} if forgotten[0] else {},
        forgotten={"Default": forgotten},
        recent_urls={"Default": urls},
    )
    with tempfile.TemporaryDirectory() as directory:
        store = Store(Path(directory) / "settings.json")
        store.save(data)
        result = store.load()
    assert result.warning is None
    assert result.data == data
