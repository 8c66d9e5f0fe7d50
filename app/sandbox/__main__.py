"""`python -m app.sandbox [--storage] [--pick USER] [--broker-version 2.0.1|2.5] [--system-ca]
[-- COMMAND ...]`: start the sandbox and run COMMAND inside it, or print its environment and
wait until Ctrl-C. Everything it started is stopped when it exits.

Inside, an unchanged msal / azure-identity / azure-identity-broker program signs in through
the sandbox broker (DBUS_SESSION_BUS_ADDRESS), gets its login metadata from the sandbox's
login proxy (HTTPS_PROXY, REQUESTS_CA_BUNDLE) and, with --storage, finds the storage emulator
at $AZURE_STORAGE_ACCOUNT_URL, role assignments enforced. What honours these variables
sends nothing off the machine (`unshare -n` makes sure of the rest).

--system-ca runs COMMAND where the system's CA bundle is the sandbox's (a private mount
namespace of an unprivileged user namespace, `unshare -rm`: nothing on disk changes). Native
HTTP stacks need it: libmsalruntime looks up a tenant given as a domain itself, through the
proxy but trusting only /etc/ssl/certs (app/sandbox/BEHAVIOUR.md).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import subprocess
import sys

from app.sandbox.broker.generations import DEFAULT, GENERATIONS
from app.sandbox.broker.service import BUS_NAME, CONTROL_INTERFACE, OBJECT_PATH, PICK_ENV
from app.sandbox.launcher import STORAGE_URL_ENV, Sandbox, SandboxError

SYSTEM_CA = "/etc/ssl/certs/ca-certificates.crt"  # Debian's bundle, libcurl's default


def with_system_ca(command: list[str], bundle: str) -> list[str]:
    """COMMAND in a user and mount namespace of its own, the sandbox's bundle over the system
    one: only that process tree sees it."""
    unshare = shutil.which("unshare")
    if unshare is None:
        raise SandboxError("--system-ca needs unshare (Debian package util-linux).")
    mount = f"mount --bind {shlex.quote(bundle)} {SYSTEM_CA} && exec {shlex.join(command)}"
    # Mapped to root in the namespace: mount(8) refuses a bind mount to anyone else.
    return [unshare, "--user", "--map-root-user", "--mount", "sh", "-c", mount]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.sandbox",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--storage",
        action="store_true",
        help=f"start the storage emulator with the demo containers; its URL is ${STORAGE_URL_ENV}",
    )
    parser.add_argument(
        "--pick",
        metavar="USER",
        default=os.environ.get(PICK_ENV) or None,
        help=f"answer every account picker with USER (a username, or the home account id of one "
        f"of two accounts that share it; <cancel> cancels); default ${PICK_ENV}",
    )
    parser.add_argument(
        "--broker-version",
        choices=sorted(GENERATIONS),
        default=DEFAULT,
        help=f"the broker generation the sandbox answers as (default {DEFAULT}, what current "
        "installs run; 2.0.1: the last broker with D-Bus introspection)",
    )
    parser.add_argument(
        "--system-ca",
        action="store_true",
        help="run COMMAND with the sandbox's CA as the system CA bundle (needs unprivileged "
        "user namespaces), so native HTTP stacks trust the login proxy too",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="command to run inside")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # Ctrl-C stops it even when started from a background job, which inherits SIGINT ignored
    # (a shell's `cmd &`): Python then leaves SIGINT ignored unless told otherwise.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with Sandbox(
            storage=args.storage, pick=args.pick, broker_version=args.broker_version
        ) as sandbox:
            if sandbox.storage is not None:
                from app.sandbox.storage.azurite import seed_demo

                seed_demo(sandbox.storage)
            command = args.command[1:] if args.command[:1] == ["--"] else args.command
            if command and args.system_ca:
                command = with_system_ca(command, sandbox.env["SSL_CERT_FILE"])
            if command:
                return subprocess.call(command)
            for key, value in sandbox.env.items():
                print(f"export {key}='{value}'")
            print(
                "# Answer the account picker from another shell (a username, or <cancel>):\n"
                f"#   gdbus call --session --dest {BUS_NAME} --object-path {OBJECT_PATH} "
                f"--method {CONTROL_INTERFACE}.Control "
                """'{"op": "pick", "username": "adele@contoso.example"}'\n"""
                "# sandbox running; Ctrl-C stops it",
                flush=True,
            )
            signal.pause()
    except SandboxError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
