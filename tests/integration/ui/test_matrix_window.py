"""View ▸ Configuration matrix with real Qt, the real runtime and the sandbox broker. Each test
uses a client id registered for it alone (no answer comes from another test's cache)."""

from __future__ import annotations

import csv
import json
import logging

import pytest
from PySide6.QtCore import QItemSelectionModel

from app.core.outcomes.outcome import NOT_ASKED, Kind
from app.core.tokens.redact import looks_like_jwt
from tests.helpers import CONTOSO
from tests.integration.ui.helpers import EventLoopProbe, idle
from tests.integration.ui.helpers import select as select_row


@pytest.fixture
def main(fresh_window):  # type: ignore[no-untyped-def]
    return fresh_window


def only(box, wanted) -> None:  # type: ignore[no-untyped-def]
    """Check exactly the items of a CheckList whose value is in wanted."""
    from PySide6.QtCore import Qt

    for i, value in enumerate(box.values):
        key = value[0] if isinstance(value, tuple) else value
        state = Qt.CheckState.Checked if key in wanted else Qt.CheckState.Unchecked
        box.item(i).setCheckState(state)


@pytest.fixture
def matrix(main, qtbot):  # type: ignore[no-untyped-def]
    """The matrix window over every listed account, organizations and Contoso, passthrough
    off and on, management (the profile's), storage and vault: 7 × 2 × 2 × 3 = 84 cells."""
    window = main.open_matrix()
    qtbot.waitExposed(window)
    only(window.axes.tenants, {"organizations", CONTOSO})
    only(window.axes.scopes, {"management", "storage", "vault"})
    return window


def run_all(matrix, qtbot) -> None:  # type: ignore[no-untyped-def]
    matrix.run_button.click()
    qtbot.waitUntil(lambda: matrix.run is None, timeout=60000)


def index_of(matrix, username: str, tenant: str, passthrough: bool, scopes: str):  # type: ignore[no-untyped-def]
    model = matrix.model
    column = next(i for i, a in enumerate(model.accounts) if a.username == username)
    row = next(
        i
        for i, c in enumerate(model.configs)
        if (c.tenant, c.msa_passthrough, matrix.spec.scope_set_name(c))
        == (tenant, passthrough, scopes)
    )
    return model.index(row, column)


def select(matrix, *indexes) -> None:  # type: ignore[no-untyped-def]
    selection = matrix.grid.selectionModel()
    selection.clearSelection()
    for index in indexes:
        selection.select(index, QItemSelectionModel.SelectionFlag.Select)


def test_the_grid_model_passes_the_model_tester(matrix, qtbot, qtmodeltester):
    run_all(matrix, qtbot)
    qtmodeltester.check(matrix.model)


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_run_answers_every_cell_off_the_gui_thread_and_never_opens_a_picker(
    main, matrix, qtbot, control
):
    with EventLoopProbe() as probe:
        run_all(matrix, qtbot)
    model = matrix.model
    assert (model.rowCount(), model.columnCount()) == (2 * 2 * 3, 7)
    assert len(model.answered()) == 84 and matrix.progress.value() == 84
    words = {model.index(r, c).data() for r in range(12) for c in range(7)}
    assert NOT_ASKED not in words
    assert (
        model.outcome(
            index_of(matrix, "carl@contoso.example", "organizations", False, "storage")
        ).kind
        is Kind.BLOCKED
    )
    assert (
        model.outcome(
            index_of(matrix, "megan@contoso.example", "organizations", False, "vault")
        ).kind
        is Kind.INTERACTION
    )
    lee = model.outcome(index_of(matrix, "lee@fabrikam.example", CONTOSO, False, "storage"))
    assert lee.kind is Kind.TOKEN and lee.facts.guest and lee.facts.tenant == CONTOSO
    tooltip = index_of(matrix, "diego@fabrikam.example", CONTOSO, True, "storage").data(3)
    assert "AADSTS50020" not in tooltip and "not a member of “Contoso”" in tooltip
    assert not control.calls("acquireTokenInteractively")
    assert probe.largest < 1000, f"event loop blocked for {probe.largest} ms"
    # The accounts list shows the answers for the window's own configuration.
    carl = next(r for r in main.model.rows if r.account.username == "carl@contoso.example")
    assert carl.kind is Kind.BLOCKED


def test_selecting_a_cell_shows_its_token_and_why(matrix, qtbot):
    run_all(matrix, qtbot)
    select(matrix, index_of(matrix, "lee@fabrikam.example", CONTOSO, True, "storage"))
    assert "Contoso — guest here (home tenant Fabrikam)" in matrix.inspector.summary.text()
    assert "user_impersonation" in matrix.inspector.summary.text()  # scp, not .default
    select(matrix, index_of(matrix, "alex@outlook.example", "organizations", False, "storage"))
    assert "decided by Entra ID's rules" in matrix.detail.text()
    assert matrix.inspector.result is None


def test_a_signed_out_accounts_cell_token_leaves_the_inspector(main, matrix, qtbot):
    """As in the main window's inspector: once adele is signed out (from the main window),
    her cell's token is no longer shown, nor can it be copied; selecting it again shows none."""
    run_all(matrix, qtbot)
    cell = index_of(matrix, "adele@contoso.example", CONTOSO, False, "management")
    select(matrix, cell)
    inspector = matrix.inspector
    assert inspector.result is not None and inspector.copy_button.isEnabled()
    select_row(main, "adele@contoso.example")
    main.sign_out()
    qtbot.waitUntil(
        lambda: (
            idle(main) and all(a.username != "adele@contoso.example" for a in main.session.accounts)
        )
    )
    assert inspector.result is None
    assert not inspector.copy_button.isEnabled() and not inspector.json_button.isEnabled()
    select(matrix)
    select(matrix, cell)
    assert inspector.result is None and not inspector.copy_button.isEnabled()
    assert "signed out since" in matrix.detail.text()


def test_as_your_code_would_opens_for_the_cell_its_configuration(matrix, qtbot):  # type: ignore[no-untyped-def]
    from app.ui.accounts.as_your_code import AsYourCodeDialog

    run_all(matrix, qtbot)
    select(matrix, index_of(matrix, "lee@fabrikam.example", CONTOSO, True, "storage"))
    assert matrix.sdk_button.isEnabled()
    matrix.sdk_button.click()
    dialog = matrix.findChild(AsYourCodeDialog)
    assert "lee@fabrikam.example" in dialog.heading.text()
    assert "passthrough on" in dialog.heading.text() and dialog.profile.tenant == CONTOSO
    assert "Token" in dialog.ours.text()  # the cell's own answer, beside


def test_cancel_stops_at_once_and_keeps_the_answered_cells(main, matrix, qtbot, control, caplog):
    caplog.set_level(logging.INFO, logger="app.ui.common.tasks")
    control.delay("acquireTokenSilently", 0.5, count=100)  # a cell is in flight at Cancel
    matrix.run_button.click()
    run = matrix.run
    qtbot.waitUntil(lambda: run.done >= 3, timeout=30000)
    matrix.cancel()
    assert matrix.run is None and matrix.run_button.isEnabled() and idle(main)
    kept = len(matrix.model.answered())
    assert 3 <= kept < 84 and "Cancelled" in matrix.asking.text()
    qtbot.waitUntil(lambda: run.current is None, timeout=30000)  # the worker stopped too
    assert run.done <= kept + 1  # at most the cell that was in flight
    late = "dropped the late result of Running the configuration matrix"
    qtbot.waitUntil(lambda: late in caplog.text, timeout=15000)  # its answer came, and went
    assert len(matrix.model.answered()) == kept  # nothing late reaches the grid


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_sign_in_for_one_cell_goes_to_the_broker_for_that_account(matrix, qtbot, control):
    run_all(matrix, qtbot)
    megan = index_of(matrix, "megan@contoso.example", "organizations", False, "vault")
    select(matrix, megan)
    assert matrix.sign_in_button.isEnabled()
    select(matrix, index_of(matrix, "carl@contoso.example", "organizations", False, "vault"))
    assert not matrix.sign_in_button.isEnabled()  # blocked: signing in will not help
    select(matrix, megan)
    matrix.sign_in_button.click()
    qtbot.waitUntil(lambda: matrix.model.outcome(megan).kind is Kind.TOKEN, timeout=30000)
    (call,) = control.calls("acquireTokenInteractively")
    assert call["account"] == "megan@contoso.example"
    assert call["parentWindowHandle"] == int(matrix.winId())
    assert call["scopes"] == ["https://vault.azure.net/.default"]


def test_two_cells_compare_side_by_side(matrix, qtbot):
    run_all(matrix, qtbot)
    select(
        matrix,
        index_of(matrix, "lee@fabrikam.example", "organizations", False, "storage"),
        index_of(matrix, "lee@fabrikam.example", CONTOSO, False, "storage"),
    )
    assert matrix.compare_button.isEnabled()
    matrix.compare()
    dialog = matrix.compared
    assert {"tid", "iss", "token tenant", "guest"} <= set(dialog.differing)
    assert "aud" not in dialog.differing and "scp" not in dialog.differing
    texts = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert "≠ tid" in texts and "aud" in texts
    dialog.close()


def test_export_writes_json_csv_and_markdown_without_tokens(matrix, qtbot, tmp_path):
    run_all(matrix, qtbot)
    matrix.ask_path = lambda _parent, name: tmp_path / name
    for kind in ("JSON", "CSV", "Markdown"):
        matrix.export(kind)
    files = {p.suffix: p.read_text() for p in tmp_path.glob("configuration-matrix.*")}
    assert set(files) == {".json", ".csv", ".md"}
    assert not any(looks_like_jwt(text) for text in files.values())
    assert len(json.loads(files[".json"])["cells"]) == 84
    assert len(list(csv.DictReader(files[".csv"].splitlines()))) == 84
    grid_rows = [
        line for line in files[".md"].split("## Why")[0].splitlines() if "| Contoso |" in line
    ]
    assert len(grid_rows) == 2 * 3  # passthrough off/on × 3 scope sets
    assert "Exported 84 cells" in matrix.asking.text()
