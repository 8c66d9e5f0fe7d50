"""The profile a headless command runs under (app.cli.common): the user's settings, read only,
and what the command line changes of them."""

from __future__ import annotations

import argparse

import pytest

from app.cli.common import profile_of
from app.core.configurations.profile import Profile
from app.core.settings.data import StoreData
from app.core.settings.store import Store, default_path


@pytest.fixture
def settings(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("APPDATA", str(tmp_path))  # platformdirs on Windows
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path))
    return default_path()


def args(**given: object) -> argparse.Namespace:
    return argparse.Namespace(**{"profile": None, "client_id": None, "tenant": None, **given})


def test_a_profile_of_the_settings_with_the_command_lines_changes(settings):
    work = Profile(name="Work", tenant="common", msa_passthrough=True)
    Store(settings).save(StoreData(profiles=[Profile(), work], selected="Default"))
    before = settings.read_bytes()
    chosen = profile_of(args(profile="Work", tenant="contoso.onmicrosoft.com"), {"scopes": ["x"]})
    assert not isinstance(chosen, str)
    profile, data = chosen
    assert (profile.name, profile.tenant, profile.scopes) == (
        "Work",
        "contoso.onmicrosoft.com",
        ("x",),
    )
    assert profile.msa_passthrough and data.names() == {"Default", "Work"}
    assert settings.read_bytes() == before  # only read


def test_what_is_wrong_is_said_per_option(settings):
    assert (
        profile_of(args(profile="Nope")) == "--profile: no profile named 'Nope'; there are: Default"
    )
    bad = profile_of(args(client_id="not-a-guid"))
    assert isinstance(bad, str) and bad.startswith("--client-id: Client id must be a GUID")
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text("{not json")
    broken = profile_of(args(profile="Work"))
    assert isinstance(broken, str) and "cannot be used: it is not valid JSON" in broken
    assert settings.read_text() == "{not json"  # left where it is
