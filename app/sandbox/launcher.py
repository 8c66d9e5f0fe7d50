"""Start and stop the sandbox: a private D-Bus session bus, an unlocked Secret Service and the
sandbox broker service, all children of this process and all gone on `stop()`.

libmsalruntime decides once per process whether a broker answers, at `import pymsalruntime`
(notes/broker-dbus.md), so `start()` must run, and export its environment, before anything in
the process imports pymsalruntime.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

from app.sandbox.control import SandboxControl
from app.sandbox.processes import die_with_parent
from app.sandbox.runtime_locks import clear_orphaned_locks
from app.sandbox.storage import StorageEmulator

logger = logging.getLogger(__name__)

KEYRING_PASSWORD = b"sandbox-keyring"  # an empty password does not create the login collection
REQUIRED_TOOLS = ("dbus-daemon", "gnome-keyring-daemon")


class SandboxError(RuntimeError):
    pass


class Sandbox:
    def __init__(self, workdir: Path | None = None, storage: bool = False) -> None:
        self._own_dir = workdir is None
        self.want_storage = storage
        self.storage: StorageEmulator | None = None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="broker-sandbox-"))
        self.env: dict[str, str] = {}
        self.procs: list[subprocess.Popen[bytes]] = []
        self.control: SandboxControl | None = None

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self, export: bool = True) -> dict[str, str]:
        """Start everything; with export, also put the environment into os.environ."""
        try:
            missing = [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
            if missing:
                raise SandboxError(
                    f"The sandbox needs {', '.join(missing)} (Debian packages dbus-daemon and "
                    "gnome-keyring)."
                )
            if export:
                clear_orphaned_locks()
            self._start_bus()
            self._start_keyring()
            self._start_broker()
            if self.want_storage:
                self.storage = StorageEmulator(self.workdir)
                self.storage.start()
        except BaseException:
            self.stop()
            raise
        if export:
            os.environ.update(self.env)
        atexit.register(self.stop)
        return self.env

    def _spawn(self, args: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
        env = {**os.environ, **self.env}
        proc = subprocess.Popen(  # type: ignore[call-overload]
            args, env=env, start_new_session=True, preexec_fn=die_with_parent, **kwargs
        )
        self.procs.append(proc)
        return proc  # type: ignore[no-any-return]

    def _start_bus(self) -> None:
        runtime = self.workdir / "runtime"
        runtime.mkdir(mode=0o700, exist_ok=True)
        data = self.workdir / "data"
        data.mkdir(exist_ok=True)
        # The keyring lives under XDG_DATA_HOME: keep it out of the user's real keyring.
        self.env.update(XDG_RUNTIME_DIR=str(runtime), XDG_DATA_HOME=str(data))
        with open(self.workdir / "bus.log", "wb") as log:  # e.g. "Failed to set fd limit"
            bus = self._spawn(
                ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"],
                stdout=subprocess.PIPE,
                stderr=log,
            )
        assert bus.stdout is not None
        address = bus.stdout.readline().decode().strip()
        if not address:
            raise SandboxError("dbus-daemon did not print a bus address")
        self.env["DBUS_SESSION_BUS_ADDRESS"] = address
        self.control = SandboxControl(address)

    def _start_keyring(self) -> None:
        keyring = self._spawn(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert keyring.stdin is not None
        keyring.stdin.write(KEYRING_PASSWORD)
        keyring.stdin.close()
        assert self.control is not None
        self.control.wait_for_name("org.freedesktop.secrets", keyring)

    def _start_broker(self) -> None:
        log = open(self.workdir / "broker.log", "wb")  # noqa: SIM115 - owned by the child
        # A frozen app has no `-m`: it runs the service itself (app/__main__.py).
        frozen = getattr(sys, "frozen", False)
        command = ["--sandbox-broker"] if frozen else ["-m", "app.sandbox.service"]
        broker = self._spawn(
            [sys.executable, *command],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=str(Path(__file__).resolve().parents[2]),
        )
        log.close()
        assert self.control is not None
        self.control.wait_for_name("com.microsoft.identity.broker1", broker)

    def broker_log(self) -> str:
        path = self.workdir / "broker.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.storage is not None:
            self.storage.stop()
            self.storage = None
        for proc in reversed(self.procs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        for proc in self.procs:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            if proc.stdout:
                proc.stdout.close()
        self.procs.clear()
        if self.control:
            self.control.close()
            self.control = None
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)
