"""The sandbox the window starts once it is shown (app.ui.shell.sandbox_start): made here
without importing the launcher (~0.14 s of imports: ARM, the broker's D-Bus parts,
cryptography), which the worker that starts it imports instead.

`make()` (on that worker) builds the Sandbox; `stop()` (app.__main__'s `finally`) tears down
whatever it started, however far it got.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

# entra/directory.py's DATA, read here without its module (it imports cryptography).
DIRECTORY = Path(__file__).with_name("entra") / "directory.json"

if TYPE_CHECKING:
    from app.sandbox.broker.control import SandboxControl
    from app.sandbox.launcher import Sandbox
    from app.sandbox.storage.azurite import StorageEmulator


class LaterSandbox:
    def __init__(self, broker_version: str | None = None, **options: Any) -> None:
        self.options = {"broker_version": broker_version, "storage": True, **options}
        self.sandbox: Sandbox | None = None

    def make(self) -> Sandbox:
        """The Sandbox, not started (made once; its module imported here)."""
        if self.sandbox is None:
            from app.sandbox.launcher import Sandbox

            self.sandbox = Sandbox(**self.options)
        return self.sandbox

    def forget(self) -> None:
        """After a start that failed (the Sandbox tore itself down): make() makes a new one."""
        self.sandbox = None

    def tenant_names(self) -> dict[str, str]:
        """The simulated tenants' names by id (entra.directory.tenant_names, for display)."""
        path = Path(self.options.get("directory") or DIRECTORY)
        return {t["id"]: t["name"] for t in json.loads(path.read_text())["tenants"]}

    @property
    def control(self) -> SandboxControl | None:
        return self.sandbox.control if self.sandbox else None

    @property
    def storage(self) -> StorageEmulator | None:
        return self.sandbox.storage if self.sandbox else None

    def stop(self) -> None:
        if self.sandbox is not None:
            self.sandbox.stop()
