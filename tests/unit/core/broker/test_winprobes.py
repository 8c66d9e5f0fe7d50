"""The real Windows probes (app.core.broker.winprobes). On Windows (the workflow's Windows job)
each probe's answer is checked against a source that does not share its code path: the
process's environment, `whoami`, `sc qc`, the platform module. Elsewhere each probe refuses
with OSError, which limits.find lists as not checked: nothing is guessed off Windows."""

from __future__ import annotations

import os
import platform as os_platform
import re
import subprocess
import sys
from collections.abc import Callable

import pytest

from app.core.broker.limits import WAM_SERVICE, find
from app.core.broker.winprobes import WindowsProbes

PROBES = ("elevated", "process_user", "desktop_user", "windows_version", "wam_service",
          "interactive_desktop")  # fmt: skip


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=60).stdout


def elevated() -> bool:
    """High (or System) mandatory integrity level: what an elevated token carries."""
    groups = run("whoami", "/groups")
    return "S-1-16-12288" in groups or "S-1-16-16384" in groups


def process_user() -> str:
    return f"{os.environ['USERDOMAIN']}\\{os.environ['USERNAME']}"


def windows_version() -> tuple[int, int, int, bool]:
    """`ver` ("Microsoft Windows [Version 10.0.20348.2113]") and the registry's EditionID."""
    found = re.search(r"(\d+)\.(\d+)\.(\d+)", run("cmd", "/c", "ver"))
    assert found
    major, minor, build = (int(part) for part in found.groups())
    return major, minor, build, "Server" in (os_platform.win32_edition() or "")


def wam_service() -> str:
    config = run("sc", "qc", WAM_SERVICE)
    if "1060" in config:  # ERROR_SERVICE_DOES_NOT_EXIST
        return "missing"
    start = re.search(r"START_TYPE\s*:\s*(\d+)", config)
    assert start, config
    return "disabled" if start.group(1) == "4" else "enabled"


# What each probe must agree with. The desktop's user and whether the desktop is shown have
# no second source a test can read: their answers are checked for shape and consistency.
INDEPENDENT: dict[str, Callable[[], object]] = {
    "elevated": elevated,
    "process_user": process_user,
    "windows_version": windows_version,
    "wam_service": wam_service,
}


@pytest.mark.parametrize("name", PROBES)
def test_each_probe_answers_on_windows_and_refuses_elsewhere(name: str) -> None:
    probe = getattr(WindowsProbes(), name)
    if sys.platform != "win32":
        with pytest.raises(OSError, match="cannot run on"):
            probe()
        return
    answer = probe()
    if name in INDEPENDENT:
        expected = INDEPENDENT[name]()
        if isinstance(answer, str) and isinstance(expected, str):
            answer, expected = answer.casefold(), expected.casefold()
        assert answer == expected
    elif name == "desktop_user":
        assert answer is None or re.fullmatch(r"[^\\]*\\[^\\]+", answer)
    else:
        assert isinstance(answer, bool)


def test_the_probes_together_decide_without_guessing() -> None:
    found = find(WindowsProbes())
    assert found.checked
    if sys.platform != "win32":
        assert found.conditions == ()
        assert found.unchecked == (  # the desktop's user is asked once the process's is known
            "Windows version", "Web Account Manager service", "process user", "elevation",
            "interactive desktop",
        )  # fmt: skip
        return
    assert found.unchecked == ()
    codes = {c.code for c in found.conditions}
    assert ("elevated" in codes) is elevated()
    assert "old-windows" not in codes  # GitHub's windows-latest is Server 2022 or later
