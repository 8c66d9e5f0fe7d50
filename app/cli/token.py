"""`python -m app token`: a token through the broker, silently (never UI), for scripts, as
`az account get-access-token` gives one: the token alone on stdout (for `$(…)`), or with
--json the keys az prints (accessToken, expiresOn, expires_on, tenant, tokenType) and the
outcome. When there is no token the outcome says why on stderr and the exit status says
what kind (app.cli.common). The token is printed, never logged.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable
from typing import Any

from app.cli.accounts import outcome_json
from app.cli.common import (
    BAD_INPUT,
    BLOCKED,
    EXIT_STATUSES,
    FAILED,
    NEEDS_INTERACTION,
    NO_BROKER,
    NOT_USABLE,
    OK,
    add_profile_options,
    broker,
    profile_of,
)
from app.core.accounts.pick import AccountChoiceError, pick
from app.core.configurations.configuration import Configuration
from app.core.guidance.explain import explain
from app.core.outcomes.classify import check
from app.core.outcomes.outcome import Kind, Outcome
from app.core.tokens.scrubbing import ScrubbingFormatter

STATUS_OF = {
    Kind.TOKEN: OK,
    Kind.INTERACTION: NEEDS_INTERACTION,
    Kind.NOT_USABLE: NOT_USABLE,
    Kind.BLOCKED: BLOCKED,
    Kind.FAILED: FAILED,
}


def status_of(outcome: Outcome) -> int:
    """The exit status for an outcome: a call the broker cannot make in this session (run as
    another user, its service off: broker/limits.py) is "no broker", as no broker here is."""
    return NO_BROKER if outcome.code == "UnavailableHere" else STATUS_OF[outcome.kind]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="broker-account-manager token",
        description="Print a token the broker gives silently (never a sign-in window).",
        epilog=EXIT_STATUSES,
    )
    parser.add_argument(
        "--account",
        metavar="USER",
        help="a username, or a home account id (OBJECTID.TENANTID, as --list-accounts shows "
        "it) where two accounts share the username (a personal and a work account): the "
        "username alone is then refused with both listed",
    )
    add_profile_options(parser)
    parser.add_argument("--scope", action="append", metavar="S", help="a scope (repeatable)")
    parser.add_argument("--claims", metavar="C", help="a claims challenge (JSON, base64, header)")
    parser.add_argument("--json", action="store_true", help="az-style JSON with the outcome")
    parser.add_argument("--sandbox", action="store_true", help="the offline sandbox (Linux)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    return parser.parse_args(argv)


def main(
    argv: list[str], start_sandbox: Callable[[], Any], stop_sandbox: Callable[[Any], None]
) -> int:
    """The command; with --sandbox, start_sandbox() and stop_sandbox(it) bracket it (app.__main__:
    a SIGTERM or Ctrl-C mid-run still tears the sandbox down)."""
    args = parse(argv)
    stderr = logging.StreamHandler()  # scrubbed as the window's --verbose lines are
    stderr.setFormatter(ScrubbingFormatter(logging.BASIC_FORMAT))
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.ERROR, handlers=[stderr])
    sandbox = None
    if args.sandbox:
        sandbox = start_sandbox()
        if sandbox is None:
            return BAD_INPUT
    try:
        return token(args)
    finally:
        if sandbox is not None:
            stop_sandbox(sandbox)


def token(args: argparse.Namespace) -> int:
    overrides: dict[str, object] = {}
    if args.scope:
        overrides["scopes"] = args.scope
    if args.claims is not None:
        overrides["claims"] = args.claims
    chosen = profile_of(args, overrides)
    if isinstance(chosen, str):
        print(f"error: {chosen}", file=sys.stderr)
        return BAD_INPUT
    profile, data = chosen
    found = broker()
    if found is None:
        return NO_BROKER
    try:
        accounts = found.discover_accounts(profile)
        account = pick(accounts, args.account, data.active.get(profile.name))
    except AccountChoiceError as exc:
        print(f"error: --account: {exc}", file=sys.stderr)
        return BAD_INPUT
    except Exception as exc:  # the listing failed: the broker says why
        advice = explain(exc)
        print(f"{advice.title}: {advice.explanation}\n{advice.fix}", file=sys.stderr)
        return FAILED
    outcome = check(found, account, Configuration.of(profile))
    if args.json:
        print(json.dumps(as_json(outcome), indent=2))
    elif outcome.token is not None:
        print(outcome.token.access_token)
    if outcome.kind is not Kind.TOKEN:
        trace = f"\n{outcome.trace}" if outcome.trace else ""
        print(f"{outcome.title}: {outcome.reason}\n{outcome.fix}{trace}", file=sys.stderr)
    return status_of(outcome)


def as_json(outcome: Outcome) -> dict[str, object]:
    """What `az account get-access-token` prints, and the outcome; no token when none."""
    result: dict[str, object] = {"outcome": outcome_json(outcome)}
    token, facts = outcome.token, outcome.facts
    if token is not None:
        result.update(
            accessToken=token.access_token,
            expiresOn=time.strftime("%Y-%m-%d %H:%M:%S.000000", time.localtime(token.expires_on)),
            expires_on=token.expires_on,
            tenant=facts.tenant if facts else None,
            tokenType="pop" if token.pop else "Bearer",
        )
    return result
