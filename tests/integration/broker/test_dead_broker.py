"""A broker that died mid-session (SIGKILL), with the real runtime, in a fresh interpreter with
its own sandbox (tests/integration/broker/dead_broker.py): the session sandbox is shared by
every test, and the runtime decides at import, once per process, whether a broker answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.helpers import ROOT

NOT_RUNNING = "The broker is not running"
STALE = "The account list may be out of date"


def scenario(name: str, workdir: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.integration.broker.dead_broker", name, str(workdir)],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_calls_after_the_broker_died_say_it_is_not_running(tmp_path):
    outcome = scenario("core", tmp_path)
    assert outcome["alive"] == [7, None]
    # The runtime still lists its cached accounts and reports success; the app says the list
    # may be out of date: first because the broker is not on the bus, then because the
    # runtime stops asking it for a while and answers from its cache.
    first, *later = outcome["listings"]
    assert first == {"accounts": 7, "unreachable": "ServiceUnknown", "title": STALE}
    for listing in later:
        assert listing["unreachable"] in ("ServiceUnknown", "cache-only")
        assert listing["title"] == STALE
    for call in ("silent", "sign-in"):
        assert outcome[call] == {
            "status": "Unexpected",
            "dbus": "ServiceUnknown",
            "title": NOT_RUNNING,
        }


def test_the_window_shows_the_broker_is_gone(tmp_path):
    outcome = scenario("window", tmp_path)
    assert outcome["before"] == [False, "", ""]
    shown, title, body, rows = outcome["listed"]
    assert (shown, title, rows) == (True, STALE, 7)
    assert NOT_RUNNING in body and "systemctl --user restart" in body
    banner_shown, banner_title, note_shown, note_title, _ = outcome["failed"]
    assert banner_shown and banner_title == f"adele@contoso.example: {NOT_RUNNING}"
    assert (note_shown, note_title) == (True, STALE)  # the failed call alone marks the list
