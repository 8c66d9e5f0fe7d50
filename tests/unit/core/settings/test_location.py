"""The settings file's place (app.core.settings.location): on Linux written out rather than
asked of platformdirs (its import slowed the window's start), so held to platformdirs' answer
here for every form XDG_CONFIG_HOME takes."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from app.core.settings.location import APP_NAME, FILE_NAME, default_path


@pytest.mark.parametrize("xdg", [None, "", "relative/config", "/abs/config", "/abs/config/"])
def test_the_path_is_the_one_platformdirs_gives(monkeypatch, tmp_path, xdg):
    monkeypatch.setenv("HOME", str(tmp_path))
    if xdg is None:
        monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CONFIG_HOME", xdg)
    expected = platformdirs.user_config_path(APP_NAME, appauthor=False) / FILE_NAME
    assert default_path() == expected
    if sys.platform.startswith("linux"):
        base = xdg if xdg and xdg.startswith("/") else str(tmp_path / ".config")
        assert default_path() == Path(base) / APP_NAME / FILE_NAME
