"""The matrix's grid, Export button and cell text on their own (real Qt, offscreen)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QHeaderView, QWidget
from pytestqt.qtbot import QtBot

from app.core.outcomes.outcome import Kind, Outcome
from app.ui.matrix.grid import cell_detail, export_button, matrix_grid
from app.ui.matrix.model import MatrixModel


def test_the_grid_and_its_corner_are_named_and_rows_fixed(qtbot: QtBot) -> None:
    grid = matrix_grid(MatrixModel({}))
    qtbot.addWidget(grid)
    assert grid.accessibleName() == "Configuration matrix"
    assert grid.horizontalHeader().accessibleName() == "Accounts, one per column"
    assert grid.verticalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.Fixed
    corner = grid.findChild(QAbstractButton)
    assert corner is not None and corner.accessibleName() == "Select every cell"


def test_export_offers_each_format_and_says_which_was_chosen(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    chosen: list[str] = []
    button = export_button(parent, chosen.append)
    menu = button.menu()
    assert [a.text() for a in menu.actions()] == ["JSON…", "CSV…", "Markdown…"]
    menu.actions()[1].trigger()
    assert chosen == ["CSV"]


def test_a_cells_text_says_who_decided_and_escapes_what_entra_said() -> None:
    outcome = Outcome(Kind.BLOCKED, "AADSTS53003", "Blocked", "a <policy> applies", "Ask IT.")
    text = cell_detail(outcome, one=True, gone=False)
    assert "<b>Blocked</b>" in text and "a &lt;policy&gt; applies" in text
    assert "What to do: Ask IT." in text and "AADSTS53003" in text
    unasked = Outcome(Kind.NOT_USABLE, "Rules", "Not usable", "why", "fix", asked=False)
    assert "not asked" in cell_detail(unasked, one=True, gone=False)
    assert "signed out since" in cell_detail(outcome, one=True, gone=True)
    assert cell_detail(None, one=True, gone=False).startswith("Not asked yet")
    assert cell_detail(None, one=False, gone=False).startswith("Select a cell")
