"""A personal and a work account with one username in the window (real Qt offscreen, the
real runtime, the sandbox broker): the sandbox's picker says which is which, both are listed
with their type and tenant, and the matrix gives each a column of its own."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt

from app.core.outcomes.outcome import Kind
from tests.helpers import FABRIKAM
from tests.integration.ui.helpers import idle, use_profile
from tests.integration.ui.test_matrix_window import only

TAYLOR = "taylor@fabrikam.example"
WORK = f"3f9d7c21-5b8e-5a4f-9c60-d2e1b7a48f15.{FABRIKAM}"
PERSONAL = "00000000-0000-0000-a1ce-5a1d0b0a0003.9188040d-6c67-4c5b-b112-36a304b66dad"


@pytest.fixture
def window(fresh_window, fresh_profile, qtbot):  # type: ignore[no-untyped-def]
    """Under `common`, which admits personal and work accounts alike."""
    use_profile(fresh_window, qtbot, dataclasses.replace(fresh_profile, tenant="common"))
    return fresh_window


def pick_in_dialog(window, qtbot, wanted: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Add account, choose taylor's line containing `wanted`; the lines offered."""
    window.act_add.trigger()
    qtbot.waitUntil(lambda: window.sandbox_picker.dialog is not None, timeout=10000)
    dialog = window.sandbox_picker.dialog
    offered = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    dialog.list.setCurrentRow(next(i for i, t in enumerate(offered) if TAYLOR in t and wanted in t))
    dialog.accept()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    return offered


def test_the_picker_says_which_and_both_are_listed_apart(window, qtbot, control):
    offered = pick_in_dialog(window, qtbot, "work or school account")
    assert f"Taylor Reyes\n{TAYLOR} · work or school account · Fabrikam" in offered
    assert f"Taylor Reyes\n{TAYLOR} · personal account · Microsoft account" in offered
    pick_in_dialog(window, qtbot, "personal account")
    # the dialog answered with each account's id: both are on the device
    assert {WORK, PERSONAL} <= set(control.state()["known_ids"])
    model = window.model
    qtbot.waitUntil(lambda: sum(r.account.username == TAYLOR for r in model.rows) == 2)
    rows = [i for i, r in enumerate(model.rows) if r.account.username == TAYLOR]
    tenant, kind = model.HEADERS.index("Tenant"), model.HEADERS.index("Type")
    shown = {(model.index(i, tenant).data(), model.index(i, kind).data()) for i in rows}
    assert len(shown) == 2 and ("Fabrikam", "Work or school") in shown
    assert {k for _, k in shown} == {"Work or school", "Personal"}
    assert {model.rows[i].account.home_account_id for i in rows} == {WORK, PERSONAL}
    assert all(model.rows[i].kind is Kind.TOKEN for i in rows)


def test_the_matrix_has_a_column_for_each(window, qtbot, control):
    control.script_picker(WORK, PERSONAL)
    for _ in range(2):
        window.act_add.trigger()
        qtbot.waitUntil(lambda: idle(window), timeout=15000)
    matrix = window.open_matrix()
    qtbot.waitExposed(matrix)
    boxes = matrix.axes.accounts
    labels = [boxes.item(i).text() for i in range(boxes.count())]
    assert f"{TAYLOR} (work)" in labels and f"{TAYLOR} (personal)" in labels
    only(boxes, {a for a in boxes.values if a.username == TAYLOR})
    only(matrix.axes.tenants, {"common", FABRIKAM})
    only(matrix.axes.scopes, {"storage"})
    matrix.run_button.click()
    qtbot.waitUntil(lambda: matrix.run is None, timeout=60000)
    model = matrix.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert sorted(headers) == ["taylor (personal)", "taylor (work)"]
    tips = [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        for c in range(model.columnCount())
    ]
    assert f"{TAYLOR} (work or school, home tenant Fabrikam)" in tips
    by_header = dict(zip(headers, range(model.columnCount()), strict=True))
    fabrikam = next(r for r, c in enumerate(model.configs) if c.tenant == FABRIKAM)
    work = model.outcome(model.index(fabrikam, by_header["taylor (work)"]))
    personal = model.outcome(model.index(fabrikam, by_header["taylor (personal)"]))
    assert work.kind is Kind.TOKEN and personal.kind is Kind.NOT_USABLE
    assert "is a personal Microsoft account" in personal.reason
