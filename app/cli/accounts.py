"""`--list-accounts [--tenant T] [--profile NAME] [--client-id ID] [--json]`: each account the
broker knows, and whether it can get a token under the configuration, with why and what to
do when it cannot, classified as the window does. Never a token."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping

from app.cli.common import BAD_INPUT, FAILED, NO_BROKER, OK, broker, profile_of
from app.core.accounts.pick import describe
from app.core.broker.records import shared_usernames
from app.core.configurations.configuration import Configuration
from app.core.guidance.explain import explain
from app.core.matrix.run import MatrixRun
from app.core.matrix.spec import cells
from app.core.outcomes.outcome import Kind, Outcome


def list_accounts(args: argparse.Namespace, names: Mapping[str, str] | None = None) -> int:
    chosen = profile_of(args)
    if isinstance(chosen, str):
        print(f"error: {chosen}", file=sys.stderr)
        return BAD_INPUT
    profile, _ = chosen
    found = broker()
    if found is None:
        return NO_BROKER
    try:
        accounts = found.discover_accounts(profile)
    except Exception as exc:
        advice = explain(exc)
        print(f"{advice.title}: {advice.explanation}\n{advice.fix}", file=sys.stderr)
        return FAILED
    ordered = sorted(accounts, key=lambda a: (a.username.lower(), a.home_account_id))
    run = MatrixRun(cells(ordered, [Configuration.of(profile)]), dict(names or {}))
    run.run(found)
    answers = run.take()
    if args.json:
        rows = [
            {
                "username": c.account.username,
                "name": c.account.display_name,
                "type": c.account.kind,
                "homeAccountId": c.account.home_account_id,
                "homeTenant": c.account.home_tenant,
                "outcome": outcome_json(o),
            }
            for c, o in answers
        ]
        print(json.dumps({"tenant": profile.tenant, "clientId": profile.client_id,
                          "accounts": rows}, indent=2))  # fmt: skip
        return OK
    if not accounts:
        print("The broker knows no accounts for this client.")
        return OK
    if any(o.code == "AADSTS90002" for _, o in answers):
        print(f"warning: tenant {profile.tenant!r} was not found: no account can use it")
    print(f"Accounts under tenant {profile.tenant} (client {profile.client_id}):")
    shared = shared_usernames(ordered)
    for cell, outcome in answers:
        a = cell.account
        usable = "usable" if outcome.kind is Kind.TOKEN else outcome.label.lower()
        print(f"{a.username:32} {a.kind:15} {usable:16} {a.display_name}".rstrip())
        if a.username.casefold() in shared:  # two accounts, one username: tell them apart
            print(f"    {describe(a)}")
        if outcome.kind is not Kind.TOKEN:
            print(f"    why: {outcome.reason}\n    fix: {outcome.fix}")
    return OK


def outcome_json(outcome: Outcome) -> dict[str, object]:
    """An outcome for scripts: what it is, why, what to do, and the call it was."""
    return {
        "kind": outcome.kind.value,
        "code": outcome.code,
        "title": outcome.title,
        "reason": outcome.reason,
        "fix": outcome.fix,
        "asked": outcome.asked,
        "correlationId": outcome.correlation_id,
    }
