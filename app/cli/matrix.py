"""`--matrix FILE [--out REPORT.json] [--junit REPORT.xml] [--profile NAME | --client-id ID]`:
a configuration matrix without a window, classified as the window does, printed in a stable
order, with JSON and JUnit reports; never a token."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Mapping

from app.cli.common import BAD_INPUT, FAILED, NO_BROKER, NOT_WRITTEN, OK, profile_of, write_report
from app.cli.common import broker as find_broker
from app.core.broker.records import distinct_labels
from app.core.configurations.configuration import Configuration
from app.core.matrix.export import LEGEND, grid, to_json, to_text
from app.core.matrix.file import MatrixFileError, load_matrix
from app.core.matrix.junit import to_junit
from app.core.matrix.run import MatrixRun
from app.core.matrix.spec import MatrixSpec, cells, misses


def run_matrix(args: argparse.Namespace, names: Mapping[str, str] | None = None) -> int:
    """Run a matrix file, print the grid, and exit non-zero when an expectation fails."""
    path, out, junit = args.matrix, args.out, args.junit
    try:
        matrix = load_matrix(path)
    except MatrixFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return BAD_INPUT
    spec: MatrixSpec = matrix.spec
    if args.profile or args.client_id:  # the command line's client wins over the file's
        chosen = profile_of(args)
        if isinstance(chosen, str):
            print(f"error: {chosen}", file=sys.stderr)
            return BAD_INPUT
        profile = chosen[0]
        spec = dataclasses.replace(
            spec, client_id=profile.client_id, authority_host=profile.authority_host
        )
    broker = find_broker()
    if broker is None:
        return NO_BROKER
    listed = broker.discover_accounts(Configuration(spec.client_id, spec.authority_host).profile())
    accounts, missing = spec.pick(listed)
    run = MatrixRun(cells(accounts, spec.configurations()), dict(names or {}))
    run.run(broker)
    answers = run.take()
    print(f"Configuration matrix: {len(answers)} cells, client {spec.client_id}")
    print(to_text(*grid(spec, answers, accounts, names)), end="")
    print(LEGEND)
    missed = misses(spec, answers, matrix.expectations)
    status = OK
    for username in missing:
        print(f"missing: {username} is not an account the broker lists", file=sys.stderr)
        status = FAILED
    label = dict(zip(accounts, distinct_labels(accounts), strict=True))  # "x (personal)"
    for m in missed:
        c = m.cell.config
        print(
            f"{path}:{m.expectation.line}: expected {m.expectation.outcome} for "
            f"{label.get(m.cell.account, m.cell.account.username)} under {c.tenant}, passthrough "
            f"{'on' if c.msa_passthrough else 'off'}, {spec.scope_set_name(c)}; got "
            f"{m.outcome.kind.value} ({m.outcome.code}): {m.outcome.reason}",
            file=sys.stderr,
        )
        status = FAILED
    checked = sum(1 for e in matrix.expectations for c, _ in answers if e.matches(c, spec))
    print(f"{checked} expected outcomes checked, {len(missed)} not met")
    written = True
    if out is not None:
        written = write_report(out, to_json(spec, answers, missed))
    if junit is not None:
        junit_text = to_junit(spec, answers, matrix.expectations, str(path), missing)
        written = write_report(junit, junit_text) and written
    return status if written else NOT_WRITTEN
