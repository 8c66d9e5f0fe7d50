"""Command line → build the services → window (or --list-accounts, --matrix, --self-test).

On Linux with no broker, `--sandbox` runs against the offline sandbox, which must be up before
anything imports pymsalruntime (the runtime decides at import whether a broker answers): the
headless modes start it first; the window starts it once it is shown (its storage emulator
when the Blob tab first needs it) and holds the runtime's import until then.

SIGTERM, SIGINT (Ctrl-C) and SIGHUP end every mode through the same `finally`, so the sandbox
(its processes, and its folder with the keyring and TLS keys) is torn down however the run
ends; the window, once shown, quits its event loop on them instead (app.ui.shell.application).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.sandbox.later import LaterSandbox
    from app.sandbox.launcher import Sandbox

logger = logging.getLogger("app")
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


def _stop(signum: int, frame: object) -> None:
    """Leave whatever runs (a broker call, a matrix, the self-test) as an exit, by the
    `finally` that stops the sandbox: the default action of SIGTERM ends the process on the
    spot and leaves /tmp/broker-sandbox-* behind. Exit status 128 + the signal's number, as a
    shell reports a process the signal ended."""
    raise SystemExit(128 + signum)


def stop_on_signals() -> None:
    for number in STOP_SIGNALS:
        signal.signal(number, _stop)


def _ignore_signals() -> None:
    """While the sandbox is torn down: a second Ctrl-C must not cut that short."""
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)


def stop_sandbox(sandbox: Sandbox | LaterSandbox) -> None:
    """Tear the sandbox down, its processes and its folder, whatever signal comes meanwhile."""
    _ignore_signals()
    sandbox.stop()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    from app.cli import EXIT_STATUSES

    parser = argparse.ArgumentParser(
        prog="broker-account-manager",
        description="Accounts, sign-in and tokens through the OS authentication broker. "
        "`broker-account-manager token --help`: a token for scripts.",
        epilog=f"--list-accounts, --matrix and token: {EXIT_STATUSES}",
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="use simulated accounts from the offline sandbox broker (Linux)",
    )
    parser.add_argument(
        "--broker-version",
        choices=("2.0.1", "2.5"),
        default=None,
        help="--sandbox: the broker generation it answers as (default 2.5, what current "
        "installs run)",
    )
    parser.add_argument(
        "--list-accounts",
        action="store_true",
        help="print the accounts the broker knows for the default profile and exit",
    )
    parser.add_argument(
        "--tenant",
        default=None,
        help="tenant for --list-accounts: each account's usability under it, with the reason",
    )
    parser.add_argument("--profile", metavar="NAME", help="--list-accounts, --matrix: a profile")
    parser.add_argument("--client-id", metavar="ID", help="--list-accounts, --matrix: a client")
    parser.add_argument("--json", action="store_true", help="--list-accounts: JSON")
    parser.add_argument(
        "--tenants",
        action="store_true",
        help="--list-accounts: also each account's tenants (named, home or guest) and their "
        "subscriptions, from Azure Resource Manager; a tenant that needs MFA or is blocked "
        "says so and the others still answer",
    )
    parser.add_argument(
        "--matrix",
        type=Path,
        default=None,
        metavar="FILE",
        help="ask the broker for every cell of a configuration matrix file (TOML), print the "
        "grid, exit 1 if an expected outcome is not met",
    )
    parser.add_argument(
        "--out", type=Path, default=None, metavar="REPORT", help="--matrix: also write JSON here"
    )
    parser.add_argument(
        "--junit", type=Path, default=None, metavar="REPORT", help="--matrix: a JUnit report"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument(
        "--self-test",
        nargs="?",
        const="",
        default=None,
        metavar="REPORT",
        help="check that this installation can run (imports, broker runtime, accounts, icons, "
        "main window offscreen), print the result (and write it to REPORT), exit 0 if it can",
    )
    # The frozen app's sandbox broker and gateway processes (it has no `python -m`).
    parser.add_argument(
        "--sandbox-broker", nargs="?", const="", default=None, metavar="CONFIG",
        help=argparse.SUPPRESS,
    )  # fmt: skip
    parser.add_argument("--sandbox-gateway", metavar="CONFIG", help=argparse.SUPPRESS)
    # benchmarks/startup.py: write when the window was shown to this file, then quit.
    parser.add_argument("--startup-probe", type=Path, default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def start_sandbox(broker_version: str | None = None) -> Sandbox | None:
    """The sandbox broker, plus the storage emulator with a demo tree when it is installed
    (without it the app still runs; the blob pane then needs a real account URL)."""
    from app.sandbox.launcher import Sandbox, SandboxError
    from app.sandbox.storage.azurite import StorageError, seed_demo

    for storage in (True, False):
        sandbox = Sandbox(storage=storage, broker_version=broker_version)
        try:
            sandbox.start()
        except StorageError as exc:
            logger.warning("storage emulator unavailable: %s", exc)
            print(f"note: {exc}", file=sys.stderr)
            continue
        except SandboxError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return None
        try:
            if sandbox.storage is not None:
                seed_demo(sandbox.storage)
        except BaseException:  # a signal while seeding: nothing left behind
            stop_sandbox(sandbox)
            raise
        return sandbox
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["token"]:  # a command of its own: its options are not the window's
        from app.cli.token import main as token

        stop_on_signals()
        return token(argv[1:], start_sandbox, stop_sandbox)
    args = parse_args(argv)
    # Every stderr line is scrubbed as the Diagnostics dock's are (secrets always, personal
    # data while its PII switch is off): the same process-wide switch and account ids.
    from app.core.tokens.scrubbing import ScrubbingFormatter

    stderr = logging.StreamHandler()
    stderr.setFormatter(ScrubbingFormatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, handlers=[stderr])
    # The diagnostics dock turns our loggers up to DEBUG; stderr keeps the chosen level, and
    # the native runtime's own lines (its warnings and errors are routine: "no token in the
    # cache") reach stderr only with --verbose (the dock shows them).
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.DEBUG if args.verbose else logging.WARNING)
        if not args.verbose:
            handler.addFilter(lambda record: record.name != "msalruntime")
    if args.sandbox_broker is not None:
        from app.sandbox.broker.service import main as sandbox_broker

        sandbox_broker([args.sandbox_broker] if args.sandbox_broker else [])
        return 0
    if args.sandbox_gateway:
        from app.sandbox.gateway import main as sandbox_gateway

        return sandbox_gateway([args.sandbox_gateway])
    stop_on_signals()
    lock = None
    if args.self_test is None and not (args.list_accounts or args.matrix):  # the window
        from app.ui.shell.one_window import claim  # the window: one per user and settings

        lock = claim(argv, args.sandbox)
        if lock is None:
            return 0  # the running window took this launch
    sandbox: Sandbox | LaterSandbox | None = None
    if args.broker_version and not args.sandbox:
        print("error: --broker-version chooses the sandbox broker's: use it with --sandbox",
              file=sys.stderr)  # fmt: skip
        return 2
    window = args.self_test is None and not (args.list_accounts or args.matrix)
    if args.sandbox and window:  # started by the window once it is shown, storage on first need
        from app.sandbox.later import LaterSandbox

        sandbox = LaterSandbox(args.broker_version)
    elif args.sandbox:  # the headless modes start it all first
        sandbox = start_sandbox(args.broker_version)
        if sandbox is None:
            return 2
    try:
        if args.self_test is not None:
            from app import selftest

            return selftest.run(Path(args.self_test) if args.self_test else None)
        if args.list_accounts or args.matrix:
            names = {}
            if sandbox is not None:
                from app.sandbox.entra.directory import tenant_names

                names = tenant_names()
            if args.matrix:
                from app.cli.matrix import run_matrix

                return run_matrix(args, names)
            from app.cli.accounts import list_accounts

            return list_accounts(args, names)
        from app.ui.shell.application import run

        return run(sandbox=sandbox, startup_probe=args.startup_probe, lock=lock)
    finally:
        if sandbox is not None:
            stop_sandbox(sandbox)


if __name__ == "__main__":
    sys.exit(main())
