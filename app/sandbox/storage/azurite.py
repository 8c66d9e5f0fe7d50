"""Azurite, the Azure Storage emulator, behind the sandbox's blob endpoint: blob service only,
on loopback, HTTPS with a CA made for this run, in memory, telemetry off
(app/sandbox/BEHAVIOUR.md).

It runs without OAuth (its `--oauth basic` accepts any well-formed token, signed or not) and
its one account has a key made for this run (AZURITE_ACCOUNTS) instead of the documented
public one: loopback is open to every local user, so the key is what keeps them out. The
sandbox's storage endpoint checks each bearer token as Azure Storage does and signs what
passes with that key (gateway.py); set-up code gets the key from `shared_key_client()`.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.sandbox.processes import guarded

if TYPE_CHECKING:
    from azure.storage.blob import BlobServiceClient

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[3]
AZURITE = ROOT / "node_modules" / ".bin" / "azurite-blob"
ACCOUNT = "devstoreaccount1"
# Azurite's documented, public development key: what the emulator falls back to when it
# cannot read AZURITE_ACCOUNTS. Never used here; tests check it opens nothing.
PUBLIC_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


class StorageError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StorageEmulator:
    """Azurite on loopback. Inside a Sandbox, clients reach it through the sandbox's storage
    endpoint (tokens checked, roles enforced): `account_url` is then that endpoint's,
    `direct_url` Azurite's, which answers only requests signed with `account_key`."""

    def __init__(self, workdir: Path, ca: Any = None) -> None:
        self.workdir = workdir
        self.account_key = base64.b64encode(secrets.token_bytes(64)).decode("ascii")
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.ca = ca  # a trustme.CA; one of its own when None
        self.ca_path = workdir / "storage-ca.pem"
        self.public_url: str | None = None

    @property
    def direct_url(self) -> str:
        return f"https://127.0.0.1:{self.port}/{ACCOUNT}"

    @property
    def account_url(self) -> str:
        return self.public_url or self.direct_url

    def _certificates(self) -> tuple[Path, Path]:
        import trustme

        ca = self.ca or trustme.CA()
        server = ca.issue_cert("127.0.0.1", "localhost")
        cert, key = self.workdir / "storage-cert.pem", self.workdir / "storage-key.pem"
        ca.cert_pem.write_to_path(str(self.ca_path))
        server.private_key_pem.write_to_path(str(key))
        with open(cert, "wb") as out:
            for blob in server.cert_chain_pems:
                out.write(blob.bytes())
        return cert, key

    def start(self, port: int | None = None, location: Path | None = None) -> None:
        """Start on loopback; with `location`, data persists there (the benchmark's 100,000
        blobs are seeded once), else it lives in memory."""
        node = shutil.which("node")
        if not AZURITE.exists() or node is None:
            raise StorageError(
                "The storage emulator is not installed: run `npm ci` in the project folder "
                "(needs Node.js; scripts/setup.sh does it)."
            )
        cert, key = self._certificates()
        self.port = port or free_port()
        log = open(self.workdir / "azurite.log", "wb")  # noqa: SIM115 - owned by the child
        command, guard = guarded([str(AZURITE), *self.arguments(cert, key, location)])
        self.proc = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=self.environment(),
            **guard,
        )
        log.close()
        self._wait_for_port()

    def arguments(self, cert: Path, key: Path, location: Path | None = None) -> list[str]:
        """Azurite's command line after the program (no --oauth: see the module docstring)."""
        return ["--blobHost", "127.0.0.1", "--blobPort", str(self.port),
                "--cert", str(cert), "--key", str(key),
                *(["--location", str(location)] if location else ["--inMemoryPersistence"]),
                "--disableTelemetry", "--silent", "--skipApiVersionCheck", "--loose"]  # fmt: skip

    def environment(self) -> dict[str, str]:
        """The emulator's environment: its one account, under this run's key."""
        return {**os.environ, "AZURITE_ACCOUNTS": f"{ACCOUNT}:{self.account_key}"}

    def _wait_for_port(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise StorageError(f"Azurite exited with {self.proc.returncode}: {self.log()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5),
            ):
                return
            time.sleep(0.05)
        raise StorageError(f"Azurite did not open port {self.port} within {timeout:g} s")

    def log(self) -> str:
        path = self.workdir / "azurite.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def shared_key_client(self) -> BlobServiceClient:
        """A client with this run's account key, straight to Azurite (the key needs no role):
        for seeding and test set-up only; the app itself only ever uses the active account's
        token credential."""
        from azure.storage.blob import BlobServiceClient

        return BlobServiceClient(
            self.direct_url,
            credential={"account_name": ACCOUNT, "account_key": self.account_key},
            connection_verify=str(self.ca_path),
        )


DEMO_TREE = {
    "demo-documents": [
        "readme.txt",
        "reports/2026/q1/summary.csv",
        "reports/2026/q2/summary.csv",
        "reports/2026/q3/summary.csv",
        "reports/archive/2025.csv",
        "images/logo.svg",
        "images/photos/team.jpg",
    ],
    "demo-backups": ["db/nightly-2026-11-25.bak", "db/nightly-2026-11-26.bak"],
    "demo-logs": [f"app/2026/11/{day:02d}.log" for day in range(1, 28)],
    # Needs the authentication context c1 (directory.json): a claims challenge, then a step-up.
    "sensitive": ["payroll/2026-11.csv"],
}


def seed_demo(emulator: StorageEmulator) -> None:
    """A few containers and a folder tree so a newcomer sees a working pane (again: what is
    there already is overwritten)."""
    client = emulator.shared_key_client()
    there = {box.name for box in client.list_containers()}  # seeded again after a failure
    for container, names in DEMO_TREE.items():
        box = client.get_container_client(container)
        if container not in there:
            box.create_container()
        for name in names:
            body = f"Sandbox demo file {container}/{name}\n".encode() * 8
            box.upload_blob(name, body, overwrite=True)
