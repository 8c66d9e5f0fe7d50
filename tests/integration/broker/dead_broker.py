"""Run by tests/integration/broker/test_dead_broker.py in a fresh interpreter:
`python -m tests.integration.broker.dead_broker core|window WORKDIR`. It starts its OWN
sandbox (the broker is killed here, and the session sandbox is shared by every test), uses
the real runtime against it, kills the broker with SIGKILL mid-session, and prints what the
app then reported as JSON. Its bus has no activation file for the broker (a broker started by
hand, or one whose package is gone): a real install's would start it again on the next call
(tests/integration/sandbox/test_activation.py)."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from app.sandbox.launcher import Sandbox
from tests.helpers import unique_scope


def kill_broker(sandbox: Sandbox) -> None:
    broker = next(p for p in sandbox.procs if "app.sandbox.broker.service" in p.args)
    os.killpg(broker.pid, signal.SIGKILL)
    broker.wait()


def core(sandbox: Sandbox, workdir: Path) -> dict[str, Any]:
    from app.core.broker.errors import BrokerError
    from app.core.broker.runtime import Broker
    from app.core.configurations.profile import Profile
    from app.core.guidance import broker as broker_guidance
    from app.core.guidance.explain import explain

    broker = Broker(timeout=15, interactive_timeout=15)
    profile = Profile()
    alive = broker.list_accounts(profile)
    adele = next(a for a in alive.accounts if a.username.startswith("adele@"))
    kill_broker(sandbox)
    listings = [broker.list_accounts(profile) for _ in range(3)]
    failures: dict[str, Any] = {}
    calls = {
        "silent": lambda: broker.acquire_token_silently(adele, profile, (unique_scope(),)),
        "sign-in": lambda: broker.sign_in_interactively(5, profile, (unique_scope(),)),
    }
    for name, call in calls.items():
        try:
            call()
            failures[name] = None
        except BrokerError as exc:
            advice = explain(exc)
            failures[name] = {"status": exc.status, "dbus": exc.dbus_error, "title": advice.title}
    return {
        "alive": [len(alive.accounts), alive.unreachable],
        "listings": [
            {
                "accounts": len(listing.accounts),
                "unreachable": listing.unreachable,
                "title": getattr(broker_guidance.for_listing(listing), "title", None),
            }
            for listing in listings
        ],
        **failures,
    }


def window(sandbox: Sandbox, workdir: Path) -> dict[str, Any]:
    from PySide6.QtCore import QSettings
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.core.broker.runtime import Broker
    from app.core.configurations.profile import Profile
    from app.core.settings.store import Store
    from app.ui.common.tasks import TaskRunner
    from app.ui.shell.application import build_window
    from tests.integration.ui.helpers import select

    app = QApplication.instance() or QApplication([])
    win = build_window(
        Broker(timeout=15, interactive_timeout=15),
        TaskRunner(),
        sandbox,
        Store(workdir / "settings.json"),
        QSettings(str(workdir / "window.ini"), QSettings.Format.IniFormat),
    )

    def settle() -> None:
        for _ in range(3000):
            if win.current is None:
                return
            QTest.qWait(10)
        raise TimeoutError("the window stayed busy")

    def note() -> list[Any]:
        shown = win.accounts_view.note
        return [shown.isVisible(), shown.title.text(), shown.body.text()]

    win.show()
    win.session.refresh()
    settle()
    before = note()
    kill_broker(sandbox)
    win.session.refresh()
    settle()
    listed = [*note(), win.model.rowCount()]
    win.profile = Profile(scopes=(unique_scope(),))  # a token the runtime has not cached
    settle()
    win.accounts_view.note.hide()  # shown again by the failed call alone
    select(win, "adele@contoso.example")
    win.get_token()
    settle()
    failed = [win.banner.isVisible(), win.banner.title.text(), *note()]
    win.sandbox_picker.stop()  # type: ignore[attr-defined]
    win.close()
    del app
    return {"before": before, "listed": listed, "failed": failed}


def main() -> None:
    scenario, workdir = sys.argv[1], Path(sys.argv[2])
    sandbox = Sandbox(activation=False)  # its own workdir, removed on stop
    os.environ.update(sandbox.start(export=False))  # before pymsalruntime is imported
    try:
        outcome = {"core": core, "window": window}[scenario](sandbox, workdir)
    finally:
        sandbox.stop()
    print(json.dumps(outcome))


if __name__ == "__main__":
    main()
