"""`python -m app.sandbox [--storage] [--pick USER] [-- COMMAND ...]`: start the sandbox and run
COMMAND inside it, or print its environment and wait until Ctrl-C. Everything it started is
stopped when it exits.

Inside, an unchanged msal / azure-identity / azure-identity-broker program signs in through
the sandbox broker (DBUS_SESSION_BUS_ADDRESS), gets its login metadata from the sandbox's
login proxy (HTTPS_PROXY, REQUESTS_CA_BUNDLE) and, with --storage, finds the storage emulator
at $AZURE_STORAGE_ACCOUNT_URL, role assignments enforced. What honours these variables
sends nothing off the machine (`unshare -n` makes sure of the rest).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys

from app.sandbox.broker.service import BUS_NAME, CONTROL_INTERFACE, OBJECT_PATH, PICK_ENV
from app.sandbox.launcher import STORAGE_URL_ENV, Sandbox, SandboxError


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
        help=f"answer every account picker with USER (or <cancel>); default ${PICK_ENV}",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="command to run inside")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # Ctrl-C stops it even when started from a background job, which inherits SIGINT ignored
    # (a shell's `cmd &`): Python then leaves SIGINT ignored unless told otherwise.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with Sandbox(storage=args.storage, pick=args.pick) as sandbox:
            if sandbox.storage is not None:
                from app.sandbox.storage.azurite import seed_demo

                seed_demo(sandbox.storage)
            command = args.command[1:] if args.command[:1] == ["--"] else args.command
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
