"""Start and stop the sandbox: a private D-Bus session bus, an unlocked Secret Service, the
sandbox broker service, the gateway (login proxy, and the storage endpoint in front of
Azurite when storage is wanted), all children of this process (the broker the bus's, as D-Bus
activation starts it: activation.py) and all gone on `stop()`.

One RSA signing key per run (entra/tokens.py): the broker signs tokens with it, the storage
endpoint verifies them against its public half, which the login proxy publishes at the
tenants' jwks_uri. It and the emulator's account key stay in the run's folder, readable by
its owner alone.

`env` is what a program inside needs and nothing else: the bus, the proxy and CA-bundle
variables Python's HTTP stacks honour (requests, azure-core and msal read REQUESTS_CA_BUNDLE;
the ssl module's default context, urllib's for one, SSL_CERT_FILE), and the storage URL.

libmsalruntime decides once per process whether a broker answers, at `import pymsalruntime`
(app/sandbox/BEHAVIOUR.md), so `start()` must run, and export its environment, before anything in
the process imports pymsalruntime.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from app.sandbox.arm import HOSTS as ARM_HOSTS
from app.sandbox.broker import activation
from app.sandbox.broker.bus import BUS_NAME
from app.sandbox.broker.control import SandboxControl
from app.sandbox.broker.generations import DEFAULT, GENERATIONS
from app.sandbox.entra.directory import DATA
from app.sandbox.entra.metadata import CLOUD_HOSTS
from app.sandbox.entra.tokens import jwks, new_signing_key
from app.sandbox.processes import end, guarded
from app.sandbox.runtime_locks import clear_orphaned_locks
from app.sandbox.storage.azurite import ACCOUNT, StorageEmulator

logger = logging.getLogger(__name__)

KEYRING_PASSWORD = b"sandbox-keyring"  # an empty password does not create the login collection
REQUIRED_TOOLS = ("dbus-daemon", "gnome-keyring-daemon")
STORAGE_URL_ENV = "AZURE_STORAGE_ACCOUNT_URL"
LOOPBACK = "localhost,127.0.0.1,::1"


class SandboxError(RuntimeError):
    pass


class Sandbox:
    """`broker_version`: the broker generation the sandbox answers as (generations.py; the
    default is what current installs run). `activation`: the bus starts the broker from its
    activation file, again after it died (False: started once, by hand, as a broker without
    an activation file; once it dies it stays dead). `emulator`: the storage emulator's class
    (benchmarks/blob_pane.py's bulk-seeding Azurite)."""

    def __init__(
        self,
        workdir: Path | None = None,
        storage: bool = False,
        pick: str | None = None,
        broker_version: str | None = None,
        activation: bool = True,
        directory: Path | None = None,
        emulator: type[StorageEmulator] = StorageEmulator,
    ) -> None:
        if broker_version is not None and broker_version not in GENERATIONS:
            raise SandboxError(
                f"Unknown broker version {broker_version!r}: the sandbox answers as "
                + " or ".join(GENERATIONS)
            )
        self.directory = directory or DATA  # the users, tenants and roles (directory.json)
        self._own_dir = workdir is None
        self.want_storage = storage
        self.pick = pick  # the picker's standing answer (a username or <cancel>)
        self.broker_version = broker_version or DEFAULT
        self.activation = activation
        self.storage: StorageEmulator | None = None
        self.emulator = emulator
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="broker-sandbox-"))
        self.env: dict[str, str] = {}
        self.procs: list[subprocess.Popen[bytes]] = []
        self.control: SandboxControl | None = None
        self.ca: Any = None  # trustme.CA: signs the login proxy's and the storage certificates
        self.step = ""  # what start_storage does now (the blob pane shows it)

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self, export: bool = True) -> dict[str, str]:
        """Start everything; with export, also put the environment into os.environ."""
        return self.start_services(export, storage=self.want_storage)

    def start_services(self, export: bool = True, storage: bool = False) -> dict[str, str]:
        """The bus, the Secret Service, the broker and the gateway (with storage, the
        emulator behind it too); the window starts storage later, by `start_storage`."""
        try:
            missing = [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
            if missing:
                raise SandboxError(
                    f"The sandbox needs {', '.join(missing)} (Debian packages dbus-daemon and "
                    "gnome-keyring)."
                )
            if export:
                clear_orphaned_locks()
            self.signing_key = self.workdir / "signing-key.pem"
            public = new_signing_key(self.signing_key).public_key()
            self.signing_keys = self.workdir / "signing-keys.json"
            self.signing_keys.write_text(json.dumps(jwks(public)))
            self._start_bus()
            self._start_keyring()
            self._start_broker()
            import trustme  # here: the app without --sandbox never needs it

            self.ca = trustme.CA()
            if storage:
                self.storage = self.emulator(self.workdir, ca=self.ca)
                self.storage.start()
            self._start_gateway()
        except BaseException:
            self.stop()
            raise
        if export:
            os.environ.update(self.env)
        atexit.register(self.stop)
        return self.env

    def _spawn(
        self, args: list[str], extra_env: dict[str, str] | None = None, **kwargs: object
    ) -> subprocess.Popen[bytes]:
        env = {**os.environ, **self.env, **(extra_env or {})}
        command, guard = guarded(args)
        proc = subprocess.Popen(  # type: ignore[call-overload]
            command, env=env, start_new_session=True, **guard, **kwargs
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
        self.broker_config = activation.write_broker_config(
            self.workdir,
            {
                "generation": self.broker_version,
                "pick": self.pick or "",
                "state": str(self.workdir / "broker-state.json"),
                "log": str(self.workdir / "broker.log"),
                "directory": str(self.directory),
                "signing_key": str(self.signing_key),
            },
        )
        config = ["--session"]
        if self.activation:
            bus_config = activation.write_bus_config(self.workdir, self.broker_config)
            config = [f"--config-file={bus_config}"]
        with open(self.workdir / "bus.log", "wb") as log:  # e.g. "Failed to set fd limit"
            bus = self._spawn(
                ["dbus-daemon", *config, "--nofork", "--nopidfile", "--print-address=1"],
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
        assert self.control is not None
        if self.activation:  # as the first client of a real session does
            started = self.control.start_service(BUS_NAME)
            logger.debug("StartServiceByName(%s): %s", BUS_NAME, started)
            self.control.wait_for_name(BUS_NAME)
            return
        log = open(self.workdir / "broker.log", "ab")  # noqa: SIM115 - owned by the child
        broker = self._spawn(
            activation.broker_command(self.broker_config),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=str(activation.ROOT),
        )
        log.close()
        self.control.wait_for_name(BUS_NAME, broker)

    def broker_pid(self) -> int | None:
        """The process that owns the broker's name now (the bus's child once activated)."""
        assert self.control is not None
        return self.control.owner_pid(BUS_NAME)

    def _start_gateway(self) -> None:
        """The login proxy (and the storage endpoint); exports what points programs at them."""
        import certifi

        ca_pem = self.workdir / "sandbox-ca.pem"
        self.ca.cert_pem.write_to_path(str(ca_pem))
        bundle = self.workdir / "ca-bundle.pem"  # the sandbox's CA and the usual public ones
        bundle.write_bytes(ca_pem.read_bytes() + Path(certifi.where()).read_bytes())
        ports = self._spawn_gateway("gateway", self.storage)[1]
        proxy = f"http://127.0.0.1:{ports['proxy']}"
        for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
            self.env[name] = proxy
        self.env.update(NO_PROXY=LOOPBACK, no_proxy=LOOPBACK)
        self.env.update(REQUESTS_CA_BUNDLE=str(bundle), SSL_CERT_FILE=str(bundle))
        if self.storage is not None:
            self.storage.public_url = f"https://127.0.0.1:{ports['storage']}/{ACCOUNT}"
            self.env[STORAGE_URL_ENV] = self.storage.public_url

    def _spawn_gateway(
        self, name: str, storage: StorageEmulator | None
    ) -> tuple[subprocess.Popen[bytes], dict[str, int]]:
        config: dict[str, object] = {
            "journal": str(self.workdir / "gateway.jsonl"),
            "login_cert": self._issue("login", *CLOUD_HOSTS, *ARM_HOSTS),
            "directory": str(self.directory),
            "signing_keys": str(self.signing_keys),
        }
        if storage is not None:
            config.update(
                storage_cert=self._issue("storage-front", "127.0.0.1", "localhost"),
                upstream=["127.0.0.1", storage.port],
                upstream_ca=str(storage.ca_path),
                account=ACCOUNT,
                account_key=storage.account_key,
            )
        path = self.workdir / f"{name}.json"  # holds the emulator's key: its owner's alone
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
            out.write(json.dumps(config))
        frozen = getattr(sys, "frozen", False)
        command = ["--sandbox-gateway"] if frozen else ["-m", "app.sandbox.gateway"]
        log = open(self.workdir / f"{name}.log", "wb")  # noqa: SIM115 - owned by the child
        gateway = self._spawn(
            [sys.executable, *command, str(path)],
            stdout=subprocess.PIPE,
            stderr=log,
            cwd=str(Path(__file__).resolve().parents[2]),
        )
        log.close()
        assert gateway.stdout is not None
        line = gateway.stdout.readline().decode()
        if not line:
            why = (self.workdir / f"{name}.log").read_text(errors="replace")[-2000:]
            raise SandboxError(f"the sandbox gateway did not start: {why}")
        return gateway, json.loads(line)

    def start_storage(self) -> StorageEmulator:
        """The storage emulator and an endpoint in front of it, once `start_services` has run
        without them (the window's Blob tab first needing them); `step` says what it does.
        Its URL goes into `env`, not os.environ (the caller exports it)."""
        assert self.ca is not None, "start_services first"
        if self.storage is not None:
            return self.storage
        self.step = "Azurite (1 of 3)"
        emulator = self.emulator(self.workdir, ca=self.ca)
        try:
            emulator.start()
            self.step = "its endpoint (2 of 3)"
            ports = self._spawn_gateway("storage-gateway", emulator)[1]
        except BaseException:
            emulator.stop()
            raise
        emulator.public_url = f"https://127.0.0.1:{ports['storage']}/{ACCOUNT}"
        self.env[STORAGE_URL_ENV] = emulator.public_url
        self.storage = emulator
        return emulator

    @contextlib.contextmanager
    def storage_front(self, emulator: StorageEmulator) -> Iterator[str]:
        """Another storage endpoint, with the same checks, in front of an emulator of the
        caller's (a test's own, to stop mid-download); yields its account URL."""
        gateway, ports = self._spawn_gateway(f"gateway-{emulator.port}", emulator)
        try:
            yield f"https://127.0.0.1:{ports['storage']}/{ACCOUNT}"
        finally:
            self.procs.remove(gateway)
            end(gateway.pid)
            gateway.wait()
            if gateway.stdout:
                gateway.stdout.close()

    def _issue(self, name: str, *hosts: str) -> list[str]:
        """A server certificate from the sandbox CA: [cert path, key path]."""
        cert = self.ca.issue_cert(*hosts)
        cert_path, key_path = self.workdir / f"{name}-cert.pem", self.workdir / f"{name}-key.pem"
        cert_path.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
        cert.private_key_pem.write_to_path(str(key_path))
        return [str(cert_path), str(key_path)]

    def journal(self) -> list[dict[str, str]]:
        """What the gateway served, refused and denied so far, oldest first."""
        path = self.workdir / "gateway.jsonl"
        text = path.read_text() if path.exists() else ""
        return [json.loads(line) for line in text.splitlines()]

    def broker_log(self) -> str:
        path = self.workdir / "broker.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.storage is not None:
            self.storage.stop()
            self.storage = None
        broker = None
        if self.control is not None:  # activated: the bus's child, daemonised, not ours
            with contextlib.suppress(Exception):
                broker = self.broker_pid()
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
        if broker is not None:
            end(broker)
        if self.control:
            self.control.close()
            self.control = None
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)
