"""The matrix's "Every ARM tenant of these accounts" choice with real Qt, the real runtime, the
sandbox broker and the sandbox's ARM: the accounts' tenants are discovered on Run (off the
GUI thread, said in the progress text), each account is asked only in its own tenants (the
others show "Not its tenant", exported as such), an account whose discovery fails is
explained, and the tenants show ARM's names (the sandbox directory's names are withheld)."""

from __future__ import annotations

import csv
import json

import pytest

from app.core.matrix.arm_tenants import (
    EVERY_ARM_TENANT,
    NOT_ITS_TENANT,
    NOT_ITS_TENANT_WORD,
    TENANTS_UNKNOWN,
)
from app.core.outcomes.outcome import Kind
from tests.helpers import CONTOSO, FABRIKAM
from tests.integration.ui.helpers import EventLoopProbe, open_window, row, use_profile
from tests.integration.ui.test_matrix_window import only

WHO = {"lee@fabrikam.example", "adele@contoso.example", "carl@contoso.example"}


@pytest.fixture
def matrix(qtbot, sandbox, control, tmp_path, monkeypatch, fresh_profile):  # type: ignore[no-untyped-def]
    # no names from the sandbox's directory: the tenants' names can only come from ARM
    monkeypatch.setattr("app.sandbox.entra.directory.tenant_names", lambda *a: {})
    window = open_window(qtbot, sandbox, tmp_path)
    use_profile(window, qtbot, fresh_profile)
    matrix = window.open_matrix()
    qtbot.waitExposed(matrix)
    accounts = matrix.axes.accounts
    only(accounts, {a for a in accounts.values if a.username in WHO})
    only(matrix.axes.tenants, {EVERY_ARM_TENANT})
    only(matrix.axes.scopes, {"management"})
    matrix.axes.passthrough_on.setChecked(False)
    yield matrix
    window.sandbox_picker.stop()
    window.session.cancel()


def cell(matrix, username: str, tenant: str):  # type: ignore[no-untyped-def]
    model = matrix.model
    column = next(i for i, a in enumerate(model.accounts) if a.username == username)
    row = next(i for i, c in enumerate(model.configs) if c.tenant == tenant)
    return model.index(row, column)


def test_run_discovers_the_tenants_first_and_asks_each_account_in_its_own(matrix, qtbot, tmp_path):  # type: ignore[no-untyped-def]
    main = matrix.parent()
    adele_row = row(main, "adele@contoso.example")
    assert main.model.tenant_of(adele_row) == CONTOSO  # before: a GUID in the accounts list
    assert not matrix.session.arm_found
    texts: list[str] = []
    matrix.timer.timeout.connect(lambda: texts.append(matrix.asking.text()))
    with EventLoopProbe() as probe:
        matrix.run_button.click()
        assert matrix.discovery is not None and not matrix.run_button.isEnabled()
        qtbot.waitUntil(lambda: matrix.spec is not None and matrix.run is None, timeout=60000)
    assert probe.largest < 1000
    assert any("Discovering the accounts' ARM tenants" in t for t in texts)
    model = matrix.model
    assert {c.tenant for c in model.configs} == {CONTOSO, FABRIKAM}
    # rows and tooltips name the tenants ARM named
    rows = [model.headerData(r, 2) for r in range(model.rowCount())]
    assert sorted(r.split(" · ")[0] for r in rows) == ["Contoso", "Fabrikam"]
    # ARM's names reach the accounts list, and the outcomes' text
    assert main.model.tenant_of(row(main, "adele@contoso.example")) == "Contoso"
    lee = model.outcome(cell(matrix, "lee@fabrikam.example", FABRIKAM))
    assert "Fabrikam" in lee.title and FABRIKAM not in lee.title + lee.reason
    # lee is at home in Fabrikam and a guest in Contoso: asked in both
    assert model.outcome(cell(matrix, "lee@fabrikam.example", CONTOSO)).kind is Kind.TOKEN
    assert model.outcome(cell(matrix, "lee@fabrikam.example", FABRIKAM)).code != NOT_ITS_TENANT
    # adele is not in Fabrikam: not asked, said so
    adele = cell(matrix, "adele@contoso.example", FABRIKAM)
    assert adele.data() == NOT_ITS_TENANT_WORD
    assert model.outcome(adele).code == NOT_ITS_TENANT and not model.outcome(adele).asked
    assert f"Fabrikam ({FABRIKAM})" in adele.data(3) and "ARM's tenants" in adele.data(3)
    # the tenant choices take ARM's names too
    tenants = matrix.axes.tenants
    assert tenants.item(tenants.values.index(FABRIKAM)).text() == "Fabrikam"
    fab = next(r for r, c in enumerate(model.configs) if c.tenant == FABRIKAM)
    assert f"Tenant Fabrikam ({FABRIKAM})" in model.headerData(fab, 2, 3)  # its tooltip
    # carl's discovery failed (his account is blocked): explained, not silently nothing
    assert "carl@contoso.example" in matrix.asking.text()
    assert "no ARM token" in matrix.asking.text()
    carl = model.outcome(cell(matrix, "carl@contoso.example", CONTOSO))
    assert carl.code == TENANTS_UNKNOWN and "no ARM token" in carl.reason and not carl.asked
    # exports: the mark as such, names with the GUID beside
    for kind, suffix in (("CSV", "csv"), ("JSON", "json"), ("Markdown", "md")):
        path = tmp_path / f"m.{suffix}"
        matrix.ask_path = lambda *_a, p=path: p
        matrix.export(kind)
        text = path.read_text()
        assert f"Fabrikam ({FABRIKAM})" in text or '"tenant_name": "Fabrikam"' in text, kind
    cells = json.loads((tmp_path / "m.json").read_text())
    kept = {(c["account"], c["tenant"]): c for c in cells["cells"]}
    adele_fabrikam = kept[("adele@contoso.example", FABRIKAM)]
    assert (adele_fabrikam["code"], adele_fabrikam["tenant_name"]) == (NOT_ITS_TENANT, "Fabrikam")
    assert NOT_ITS_TENANT in (tmp_path / "m.json").read_text()
    assert NOT_ITS_TENANT_WORD in (tmp_path / "m.md").read_text()
    assert list(csv.reader((tmp_path / "m.csv").open()))


def test_cancel_during_discovery_asks_nothing(matrix, qtbot):  # type: ignore[no-untyped-def]
    matrix.run_button.click()
    assert matrix.discovery is not None
    matrix.cancel()
    assert matrix.discovery is None and matrix.run is None
    assert "nothing asked" in matrix.asking.text()
    assert matrix.run_button.isEnabled()
    assert not matrix.model.answered()
