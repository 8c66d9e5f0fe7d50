"""A matrix run as a JUnit report, the format CI systems read: one test case per cell that a
matrix file expects something of, failed with the reason when the outcome is not the one
expected, and one per account the file names that the broker does not list. No token."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from app.core.broker.records import distinct_labels
from app.core.matrix.spec import Cell, Expectation, MatrixSpec
from app.core.outcomes.outcome import Outcome


def to_junit(
    spec: MatrixSpec,
    answers: Sequence[tuple[Cell, Outcome]],
    expected: Sequence[Expectation],
    source: str,
    missing: Sequence[str] = (),
) -> str:
    suite = ET.Element("testsuite", name=f"configuration matrix {source}")
    accounts = list(dict.fromkeys(c.account for c, _ in answers))
    label = dict(zip(accounts, distinct_labels(accounts), strict=True))  # "x (personal)"
    failures = 0
    for username in missing:
        case = ET.SubElement(suite, "testcase", classname="accounts", name=username)
        ET.SubElement(case, "failure", message=f"{username} is not an account the broker lists")
        failures += 1
    for cell, outcome in answers:
        relevant = [e for e in expected if e.matches(cell, spec)]
        if not relevant:
            continue
        c = cell.config
        passthrough = "passthrough on" if c.msa_passthrough else "passthrough off"
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"{c.tenant} · {passthrough} · {spec.scope_set_name(c)}",
            name=label[cell.account],
        )
        for e in relevant:
            if not e.met_by(outcome):
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=f"expected {e.outcome}, got {outcome.kind.value} ({outcome.code})",
                    type=outcome.code,
                )
                trace = f"\n{outcome.trace}" if outcome.trace else ""
                failure.text = f"{source}:{e.line}: {outcome.reason}\n{outcome.fix}{trace}"
                failures += 1
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(failures))
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"
