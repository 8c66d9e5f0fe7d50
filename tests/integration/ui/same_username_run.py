"""Run by tests/integration/ui/test_same_username.py in a fresh interpreter:
`python -m tests.integration.ui.same_username_run WORKDIR`. It starts its OWN sandbox: the
two accounts it signs in (one username, a personal and a work account) stay in the native
runtime's token cache in that sandbox's Secret Service, and would be listed by later tests of
the shared session sandbox, whose broker forgets them at every reset. Real Qt (offscreen), the
real runtime; the headless commands in fresh interpreters of their own. Prints what it saw as
JSON; no token in it."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.sandbox.launcher import Sandbox
from tests.helpers import FABRIKAM, ROOT, claims, unique_scope

TAYLOR = "taylor@fabrikam.example"
WORK = f"3f9d7c21-5b8e-5a4f-9c60-d2e1b7a48f15.{FABRIKAM}"
PERSONAL = "00000000-0000-0000-a1ce-5a1d0b0a0003.9188040d-6c67-4c5b-b112-36a304b66dad"
MATRIX = f"""
client_id = "{{client}}"
accounts = ["{TAYLOR}"]   # the username: both accounts
tenants = ["common", "consumers", "{FABRIKAM}"]
passthrough = [false]

[scopes]
storage = ["https://storage.azure.com/.default"]

[[expect]]
account = "{TAYLOR}"      # both: the personal one cannot use Fabrikam
tenant = "{FABRIKAM}"
outcome = "token"

[[expect]]
account = "{PERSONAL}"    # one of them, by its home account id
tenant = "consumers"
outcome = "not-usable"
"""


def app(*args: str, home: Path) -> dict[str, Any]:
    """`python -m app ARGS` with settings of its own; what it printed (a token: its claims)."""
    done = subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=180,
        cwd=ROOT, env={**os.environ, "XDG_CONFIG_HOME": str(home)},
    )  # fmt: skip
    out = done.stdout
    if args[0] == "token" and done.returncode == 0:
        token = json.loads(out)["accessToken"]
        out = json.dumps({**json.loads(out), "accessToken": None, "claims": claims(token)})
    return {"status": done.returncode, "stdout": out, "stderr": done.stderr}


def run(sandbox: Sandbox, workdir: Path) -> dict[str, Any]:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.core.broker.runtime import Broker
    from app.core.configurations.profile import Profile
    from app.core.settings.store import Store
    from app.ui.common.tasks import TaskRunner
    from app.ui.shell.application import build_window
    from tests.integration.ui.test_matrix_window import only

    control = sandbox.control
    assert control is not None
    qt = QApplication.instance() or QApplication([])
    win = build_window(
        Broker(timeout=15, interactive_timeout=20),
        TaskRunner(),
        sandbox,
        Store(workdir / "settings.json"),
        QSettings(str(workdir / "window.ini"), QSettings.Format.IniFormat),
    )

    def until(condition: Callable[[], bool], what: str) -> None:
        for _ in range(6000):
            if condition():
                return
            QTest.qWait(10)
        raise TimeoutError(what)

    def pick(kind: str) -> list[str]:
        """Add account; in the sandbox's picker, taylor's line saying `kind`."""
        win.act_add.trigger()
        until(lambda: win.sandbox_picker.dialog is not None, "no picker")
        dialog = win.sandbox_picker.dialog
        assert dialog is not None
        offered = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        wanted = next(i for i, t in enumerate(offered) if TAYLOR in t and kind in t)
        dialog.list.setCurrentRow(wanted)
        dialog.accept()
        until(lambda: win.current is None, "the sign-in did not end")
        return offered

    client = control.register_application("same username")
    profile = dataclasses.replace(Profile(client_id=client), tenant="common")
    win.show()
    win.profile = profile
    until(lambda: win.current is None and win.model.rowCount() > 0, "no accounts listed")
    offered = pick("work or school account")
    pick("personal account")
    until(lambda: sum(r.account.username == TAYLOR for r in win.model.rows) == 2, "not listed")
    model = win.model
    columns = {name: model.HEADERS.index(name) for name in ("Tenant", "Type")}
    listed = [
        {
            "id": r.account.home_account_id,
            "kind": r.kind.value if r.kind else None,
            **{name: model.index(i, c).data() for name, c in columns.items()},
        }
        for i, r in enumerate(model.rows)
        if r.account.username == TAYLOR
    ]
    window = {"offered": offered, "known_ids": control.state()["known_ids"], "listed": listed}

    home = workdir / "config"
    common = ("--client-id", client, "--tenant", "common")
    cli: dict[str, Any] = {
        "list_json": app("--list-accounts", "--json", *common, home=home),
        "list_text": app("--list-accounts", *common, home=home),
        "ambiguous": app("token", "--account", TAYLOR.upper(), *common, home=home),
    }
    scope = unique_scope()  # nothing cached: the broker is asked, for the work account
    cli["work"] = app("token", "--account", WORK, *common, "--json", "--scope", scope, home=home)
    asked = control.calls("acquireTokenSilently")[-1]
    cli["work_asked"] = [asked["scopes"], asked["authParameters"]["account"]["homeAccountId"]]
    cli["personal"] = app("token", "--account", PERSONAL, *common, "--json", home=home)
    cli["personal_new_scope"] = app(
        "token", "--account", PERSONAL, *common, "--json", "--scope", unique_scope(), home=home
    )
    path, report, junit = workdir / "m.toml", workdir / "report.json", workdir / "junit.xml"
    path.write_text(MATRIX.replace("{client}", client))
    reports = ("--out", str(report), "--junit", str(junit))
    cli["matrix"] = app("--matrix", str(path), *reports, home=home)
    cli["matrix"].update(report=json.loads(report.read_text()), junit=junit.read_text())

    matrix = win.open_matrix()
    boxes = matrix.axes.accounts
    labels = [boxes.item(i).text() for i in range(boxes.count())]
    only(boxes, {a for a in boxes.values if a.username == TAYLOR})
    only(matrix.axes.tenants, {"common", FABRIKAM})
    only(matrix.axes.scopes, {"storage"})
    matrix.run_button.click()
    until(lambda: matrix.run is None, "the matrix did not finish")
    grid = matrix.model
    horizontal = Qt.Orientation.Horizontal
    headers = [grid.headerData(c, horizontal) for c in range(grid.columnCount())]
    tip = Qt.ItemDataRole.ToolTipRole
    tips = [grid.headerData(c, horizontal, tip) for c in range(len(headers))]
    fabrikam = next(r for r, c in enumerate(grid.configs) if c.tenant == FABRIKAM)
    cells = {h: grid.outcome(grid.index(fabrikam, c)) for c, h in enumerate(headers)}
    window["matrix"] = {
        "labels": labels, "headers": headers, "tips": tips,
        "fabrikam": {h: [o.kind.value, o.reason] for h, o in cells.items() if o is not None},
    }  # fmt: skip
    win.sandbox_picker.stop()  # type: ignore[attr-defined]
    matrix.close()
    win.close()
    del qt
    return {"window": window, "cli": cli}


def main() -> None:
    workdir = Path(sys.argv[1])
    sandbox = Sandbox()  # its own bus, broker and Secret Service; removed on stop
    os.environ.update(sandbox.start(export=False))  # before pymsalruntime is imported
    try:
        outcome = run(sandbox, workdir)
    finally:
        sandbox.stop()
    print(json.dumps(outcome))


if __name__ == "__main__":
    main()
