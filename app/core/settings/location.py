"""Where the settings file lives, importable before the window is shown: the one-window check
and the window's own state file (window.ini, beside it) need the path, not the store, whose
import (its format, limits and merge) waits until after the window is on screen."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "broker-account-manager"
FILE_NAME = "settings.json"


def default_path() -> Path:
    """Where settings live unless told otherwise: the per-user config dir of this OS, as
    platformdirs names it. On Linux that is the XDG rule, written out here: importing
    platformdirs took ~6 ms of the window's start (tests/unit/core/settings/test_location.py
    holds the two to the same answer)."""
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_CONFIG_HOME", "")
        if not os.path.isabs(base):  # unset, empty or relative: ignored, as the spec says
            base = os.path.expanduser("~/.config")
        return Path(base) / APP_NAME / FILE_NAME
    import platformdirs

    return platformdirs.user_config_path(APP_NAME, appauthor=False) / FILE_NAME
