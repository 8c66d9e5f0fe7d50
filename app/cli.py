"""The command line without a window: `--list-accounts [--tenant T]` and `--matrix FILE`.

Both classify what the broker answers exactly as the window does (app.core.outcomes.classify), print
in a stable order, and never print a token.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from app.core.broker.runtime import Broker
from app.core.configurations.configuration import Configuration
from app.core.configurations.profile import Profile, ProfileError, parse_profile
from app.core.files.private import write_private
from app.core.guidance.explain import explain
from app.core.guidance.files import for_file_error, one_line
from app.core.guidance.statuses import for_unavailable
from app.core.matrix.export import LEGEND, grid, to_json, to_text
from app.core.matrix.file import MatrixFileError, load_matrix
from app.core.matrix.run import MatrixRun
from app.core.matrix.spec import MatrixSpec, cells, misses
from app.core.outcomes.outcome import Kind

# Exit statuses: 0 all well, 1 an expectation failed (or a listed account was missing),
# 2 bad input, 3 no broker here, 4 the report could not be written.
OK, FAILED, BAD_INPUT, NO_BROKER, NOT_WRITTEN = 0, 1, 2, 3, 4


def _broker() -> Broker | None:
    broker = Broker()
    if broker.unavailable:
        advice = for_unavailable(broker.unavailable)
        print(f"{advice.title}: {advice.explanation}\n{advice.fix}", file=sys.stderr)
        return None
    return broker


def list_accounts(tenant: str | None, names: Mapping[str, str] | None = None) -> int:
    """Each account the broker knows, and whether it can get a token under the tenant."""
    try:
        profile = parse_profile({"tenant": tenant}) if tenant is not None else Profile()
    except ProfileError as exc:
        print(f"error: --tenant: {exc.errors['tenant']}", file=sys.stderr)
        return BAD_INPUT
    broker = _broker()
    if broker is None:
        return NO_BROKER
    try:
        accounts = broker.discover_accounts(profile)
    except Exception as exc:
        advice = explain(exc)
        print(f"{advice.title}: {advice.explanation}\n{advice.fix}", file=sys.stderr)
        return FAILED
    if not accounts:
        print("The broker knows no accounts for this client.")
        return OK
    config = Configuration.of(profile)
    ordered = sorted(accounts, key=lambda a: (a.username.lower(), a.home_account_id))
    run = MatrixRun(cells(ordered, [config]), dict(names or {}))
    run.run(broker)
    answers = run.take()
    if any(o.code == "AADSTS90002" for _, o in answers):
        print(f"warning: tenant {profile.tenant!r} was not found: no account can use it")
    print(f"Accounts under tenant {profile.tenant} (client {profile.client_id}):")
    for cell, outcome in answers:
        a = cell.account
        usable = "usable" if outcome.kind is Kind.TOKEN else outcome.label.lower()
        line = f"{a.username:32} {a.kind:15} {usable:16} {a.display_name}"
        print(line.rstrip())
        if outcome.kind is not Kind.TOKEN:
            print(f"    why: {outcome.reason}\n    fix: {outcome.fix}")
    return OK


def run_matrix(path: Path, out: Path | None, names: Mapping[str, str] | None = None) -> int:
    """Run a matrix file, print the grid, and exit non-zero when an expectation fails."""
    try:
        matrix = load_matrix(path)
    except MatrixFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return BAD_INPUT
    broker = _broker()
    if broker is None:
        return NO_BROKER
    spec: MatrixSpec = matrix.spec
    listed = broker.discover_accounts(Configuration(spec.client_id, spec.authority_host).profile())
    accounts, missing = spec.pick(listed)
    run = MatrixRun(cells(accounts, spec.configurations()), dict(names or {}))
    run.run(broker)
    answers = run.take()
    print(f"Configuration matrix: {len(answers)} cells, client {spec.client_id}")
    print(to_text(*grid(spec, answers, [a.username for a in accounts], names)), end="")
    print(LEGEND)
    missed = misses(spec, answers, matrix.expectations)
    status = OK
    for username in missing:
        print(f"missing: {username} is not an account the broker lists", file=sys.stderr)
        status = FAILED
    for m in missed:
        c = m.cell.config
        print(
            f"{path}:{m.expectation.line}: expected {m.expectation.outcome} for "
            f"{m.cell.account.username} under {c.tenant}, passthrough "
            f"{'on' if c.msa_passthrough else 'off'}, {spec.scope_set_name(c)}; got "
            f"{m.outcome.kind.value} ({m.outcome.code}): {m.outcome.reason}",
            file=sys.stderr,
        )
        status = FAILED
    checked = sum(1 for e in matrix.expectations for c, _ in answers if e.matches(c, spec))
    print(f"{checked} expected outcomes checked, {len(missed)} not met")
    if out is not None and not write_report(out, to_json(spec, answers, missed)):
        return NOT_WRITTEN
    return status


def write_report(out: Path, text: str) -> bool:
    """The report, private to the user (it names accounts, object ids and claims), or what
    kept it from being written, on stderr. A pipe or device named on purpose (/dev/stdout) is
    written to as it is."""
    try:
        write_private(out, text.encode("utf-8"), streams=True)
    except OSError as exc:
        advice = for_file_error(exc)
        reason = one_line(advice) if advice else exc.strerror or "the disk refused"
        print(f"error: could not write {out}: {reason}", file=sys.stderr)
        return False
    print(f"wrote {out}")
    return True
