"""What the window tells, told right (issue 23, "Wrong or misleading answers"): real Qt, the
real runtime and the sandbox broker, a client id registered for each test."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from app.core.outcomes.outcome import NOT_ASKED, Kind
from tests.helpers import CONTOSO
from tests.integration.ui.helpers import idle, row, select, token_for
from tests.integration.ui.test_matrix_window import only, run_all


@pytest.fixture
def window(fresh_window):  # type: ignore[no-untyped-def]
    return fresh_window


def outcome_row(window, username: str):  # type: ignore[no-untyped-def]
    """The account of the row with this username."""
    return row(window, username).account


def test_a_personal_account_is_not_told_to_use_the_tenant_linux_refuses(window, qtbot):
    """alex under organizations: Entra ID's rules decide, and the advice names common and MSA
    passthrough, never consumers (on Linux the app refuses a sign-in under it); no internal
    tag ends the banner."""
    token_for(window, qtbot, "alex@outlook.example")
    outcome = row(window, "alex@outlook.example").outcome
    assert outcome.kind is Kind.NOT_USABLE and outcome.code == "PersonalAccountNotAdmitted"
    body = window.banner.body.text()
    assert "common tenant" in body and "MSA passthrough" in body
    assert "or consumers" not in body and "Not consumers: on Linux" in body
    assert "[" not in body and "PersonalAccountNotAdmitted" not in body
    state = window.model.index(window.model.row_of(outcome_row(window, "alex@outlook.example")),
                               window.model.STATE)  # fmt: skip
    tooltip = state.data(Qt.ItemDataRole.ToolTipRole)
    assert "MSA passthrough" in tooltip
    assert "or consumers" not in tooltip


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_a_conditional_access_block_offers_no_sign_in_and_diagnostics_says_what_happened(
    window, qtbot
):
    token_for(window, qtbot, "carl@contoso.example")
    assert row(window, "carl@contoso.example").kind is Kind.BLOCKED
    assert "blocking policy. (AADSTS53003)\n" in window.banner.body.text()  # Entra's code
    again = window.act_again
    assert not again.isEnabled() and "cannot help, blocked by conditional access" in (
        again.toolTip()
    )
    select(window, "adele@contoso.example")
    assert again.isEnabled()
    # Diagnostics opens on the app's own lines (Source App, level Info): what happened.
    dock = window.diagnostics
    dock.show()
    dock.drain()
    shown = dock.view.toPlainText()
    assert "Blocked: Blocked by Conditional Access (AADSTS53003)" in shown
    assert "carl@contoso.example" not in shown  # personal data scrubbed: PII is off
    dock.hide()


def test_the_inspector_drops_a_signed_out_accounts_token(window, qtbot):
    token_for(window, qtbot, "adele@contoso.example")
    adele = outcome_row(window, "adele@contoso.example")
    inspector = window.inspector
    assert inspector.result is not None and inspector.copy_button.isEnabled()
    window.sign_out()
    qtbot.waitUntil(lambda: idle(window) and window.model.row_of(adele) < 0)
    assert inspector.result is None
    assert not inspector.copy_button.isEnabled() and not inspector.json_button.isEnabled()


def test_with_several_rows_selected_get_token_says_which_it_acts_on(window, qtbot):
    select(window, "adele@contoso.example")
    table = window.table
    source = window.model.index(
        window.model.row_of(outcome_row(window, "megan@contoso.example")), 0
    )
    megan = window.proxy.mapFromSource(source)
    table.selectionModel().select(
        megan, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    )
    acting = window.selected().username
    assert f"acts on {acting} only, the current of the 2 rows selected" in (
        window.act_token.toolTip()
    )
    window.get_token()
    assert window.statusBar().currentMessage() == (
        f"Getting a token for {acting} only: the current of 2 rows"
    )
    qtbot.waitUntil(lambda: idle(window) and row(window, acting).outcome is not None)


def test_a_cancelled_rerun_shows_and_exports_only_what_it_answered(
    window, qtbot, control, tmp_path
):
    """The first run answers every cell; the second is cancelled after a few: the others show
    "not asked" again and the export holds only this run's answers (they were the earlier
    run's outcomes, presented as answers)."""
    matrix = window.open_matrix()
    qtbot.waitExposed(matrix)
    only(matrix.axes.tenants, {"organizations", CONTOSO})
    only(matrix.axes.scopes, {"storage"})
    run_all(matrix, qtbot)
    total = len(matrix.model.answered())
    assert total == 7 * 2 * 2
    control.delay("acquireTokenSilently", 0.3, count=100)
    matrix.run_button.click()
    run = matrix.run
    assert len(matrix.model.answered()) == total  # known cells show at once while it runs
    qtbot.waitUntil(lambda: run.done >= 2, timeout=30000)
    matrix.cancel()
    answered = matrix.model.answered()
    assert 2 <= len(answered) < total
    words = [matrix.model.index(r, c).data() for r in range(matrix.model.rowCount())
             for c in range(matrix.model.columnCount())]  # fmt: skip
    assert words.count(NOT_ASKED) == total - len(answered)
    assert f"not checked (shown {NOT_ASKED}, not exported)" in matrix.asking.text()
    matrix.ask_path = lambda _parent, name: tmp_path / name
    matrix.export("CSV")
    rows = list(csv.DictReader((tmp_path / "configuration-matrix.csv").open()))
    assert len(rows) == len(answered)
    assert rows[0]["run_at"] and rows[0]["app_version"]
    assert {r["tenant_name"] for r in rows if r["tenant"] == CONTOSO} <= {"Contoso"}
    qtbot.waitUntil(lambda: run.current is None, timeout=30000)
