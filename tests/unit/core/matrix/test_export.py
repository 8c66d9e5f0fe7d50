"""The exports' metadata: when the run was, which version of the app made it, each scope
set's scopes, and each tenant's name beside its id (the grid names tenants; the CSV and JSON
gave their GUIDs alone). Plain Python."""

from __future__ import annotations

import csv
import io
import json

from app.core.broker.records import Account
from app.core.matrix.export import RunInfo, to_csv, to_json, to_markdown
from app.core.matrix.spec import Cell, MatrixSpec
from app.core.outcomes.outcome import Kind, Outcome
from tests.helpers import CONTOSO

ADELE = Account("adele", f"adele.{CONTOSO}", "adele@contoso.example", "Adele", CONTOSO, "login")
STORAGE = ("https://storage.azure.com/.default",)
SPEC = MatrixSpec("client", "https://login.microsoftonline.com", (CONTOSO,), (False,),
                  (("storage", STORAGE),))  # fmt: skip
RUN = RunInfo(at=1796216400.0, app_version="1.2.3", names={CONTOSO: "Contoso"})
ANSWERS = [
    (Cell(ADELE, SPEC.configurations()[0]),
     Outcome(Kind.BLOCKED, "AADSTS53003", "Blocked by Conditional Access", "why", "fix")),
]  # fmt: skip


def test_json_says_when_by_what_and_names_tenants():
    exported = json.loads(to_json(SPEC, ANSWERS, run=RUN))
    assert exported["run"] == {"at": "2026-12-02T13:00:00Z", "app_version": "1.2.3"}
    assert exported["matrix"]["scopes"] == {"storage": list(STORAGE)}
    assert exported["matrix"]["tenant_names"] == {CONTOSO: "Contoso"}
    cell = exported["cells"][0]
    assert (cell["tenant"], cell["tenant_name"]) == (CONTOSO, "Contoso")
    assert cell["scope_list"] == list(STORAGE) and cell["code"] == "AADSTS53003"


def test_every_csv_row_carries_the_run_the_scopes_and_the_tenant_name():
    row = next(csv.DictReader(io.StringIO(to_csv(SPEC, ANSWERS, RUN))))
    assert (row["run_at"], row["app_version"]) == ("2026-12-02T13:00:00Z", "1.2.3")
    assert (row["tenant"], row["tenant_name"]) == (CONTOSO, "Contoso")
    assert row["scopes"] == "storage" and row["scope_list"] == STORAGE[0]


def test_markdown_says_when_by_what_and_defines_scope_sets_and_tenants():
    text = to_markdown(SPEC, ANSWERS, [ADELE], RUN.names, RUN)
    assert "Run at 2026-12-02T13:00:00Z by Broker Account Manager 1.2.3" in text
    assert f"| storage | {STORAGE[0]} |" in text
    assert f"| Contoso | {CONTOSO} |" in text
