"""`python -m app --sandbox --verbose`: what reaches stderr is scrubbed as the Diagnostics dock
scrubs it (app/core/tokens/scrubbing.py). The app itself in a fresh interpreter, in sandbox
mode (its own sandbox), offscreen, with settings of the test's own: the profile's remembered
active account is restored at start and its token asked, and the session logs the answer
with the account's username, which must reach stderr as <username>."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.core.settings.data import StoreData
from app.core.settings.store import Store
from app.core.tokens.redact import looks_like_jwt
from app.sandbox.entra.directory import Directory
from tests.helpers import ROOT

ADELE = "adele@contoso.example"


def test_verbose_stderr_shows_no_username_and_no_token(tmp_path: Path) -> None:
    adele = Directory.load().user(ADELE)
    assert adele is not None
    data = StoreData()
    data.active[data.profile().name] = adele.id  # restored at start: its token asked
    Store(tmp_path / "config" / "broker-account-manager" / "settings.json").save(data)
    err = tmp_path / "stderr.txt"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    with err.open("w") as sink:
        app = subprocess.Popen(
            [sys.executable, "-m", "app", "--sandbox", "--verbose"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=sink, text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 150
            while " under tenant " not in err.read_text() and app.poll() is None:
                assert time.monotonic() < deadline, err.read_text()[-3000:]
                time.sleep(0.2)
        finally:
            app.send_signal(signal.SIGTERM)
            app.wait(timeout=60)
    text = err.read_text()
    assert app.returncode == 0, text[-3000:]
    answered = next(line for line in text.splitlines() if " under tenant " in line)
    assert "app.core.accounts.session INFO <username> under tenant organizations:" in answered
    assert ADELE not in text and adele.name not in text and adele.oid not in text
    assert not [word for word in text.split() if looks_like_jwt(word.strip("'\","))]
