"""`python -m app.sandbox [COMMAND ...]`: start the sandbox and run COMMAND inside it (with
DBUS_SESSION_BUS_ADDRESS pointing at the private bus), or print the environment and wait
until Ctrl-C. Everything it started is stopped when it exits."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys

from app.sandbox.launcher import Sandbox, SandboxError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.sandbox", description=__doc__)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="command to run inside")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with Sandbox() as sandbox:
            command = args.command[1:] if args.command[:1] == ["--"] else args.command
            if command:
                return subprocess.call(command)
            for key, value in sandbox.env.items():
                print(f"export {key}='{value}'")
            print("# sandbox running; Ctrl-C stops it", flush=True)
            signal.pause()
    except SandboxError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
