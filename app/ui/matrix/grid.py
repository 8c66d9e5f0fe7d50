"""The matrix's grid, its Export button and the words beside the grid for the selected cell."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QTableView,
    QToolButton,
    QWidget,
)

from app.core.guidance.advice import entra_code
from app.core.matrix.arm_tenants import NOT_ITS_TENANT_WORD, decided_by
from app.core.outcomes.outcome import Kind, Outcome
from app.ui.matrix.exports import EXPORTS
from app.ui.matrix.model import MatrixModel


def matrix_grid(model: MatrixModel) -> QTableView:
    """Accounts as columns, configurations as rows; headers and corner named for assistive
    technology; rows of one fixed height."""
    grid = QTableView()
    grid.setAccessibleName("Configuration matrix")
    grid.setModel(model)
    grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    # Sized once per grid (size_columns), not per answer: resizing to contents on every
    # answer stalled the event loop for hundreds of ms in a 180-cell run (measured).
    grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    grid.horizontalHeader().setAccessibleName("Accounts, one per column")
    rows = grid.verticalHeader()
    rows.setAccessibleName("Configurations, one per row: tenant · passthrough · scopes")
    corner = grid.findChild(QAbstractButton)  # the corner button, top left
    if corner is not None:
        corner.setAccessibleName("Select every cell")
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(grid.fontMetrics().height() + 8)
    return grid


def size_columns(grid: QTableView, model: MatrixModel) -> None:
    """Each column as wide as its header or the longest word a cell can show."""
    header = grid.horizontalHeader()
    metrics = grid.fontMetrics()
    words = max(metrics.horizontalAdvance(w) for w in [*(k.word for k in Kind),
                                                        NOT_ITS_TENANT_WORD]) + 16  # fmt: skip
    for column in range(model.columnCount()):
        header.resizeSection(column, max(words, header.sectionSizeHint(column)))


def export_button(parent: QWidget, export: Callable[[str], None]) -> QToolButton:
    """Export ▾ with one entry per format (EXPORTS)."""
    button = QToolButton()
    button.setText("Export")
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(button)
    for label in EXPORTS:
        action = QAction(f"{label}…", parent)
        action.triggered.connect(lambda _=False, kind=label: export(kind))
        menu.addAction(action)
    button.setMenu(menu)
    return button


def cell_detail(outcome: Outcome | None, one: bool, gone: bool) -> str:
    """The pane's text for the selection: one cell's outcome, why and what to do (rich text),
    `gone` when its account has signed out since; else what to select."""
    if outcome is not None:
        asked = "" if outcome.asked else f" — decided by {decided_by(outcome)}, not asked"
        if gone:
            asked += " — signed out since: its token is no longer shown"
        trace = f"<br>{escape(outcome.trace)}" if outcome.trace else ""
        return (
            f"<b>{escape(outcome.title)}</b>{asked}<br>{escape(outcome.reason)}<br><br>"
            f"What to do: {escape(outcome.fix)}{entra_code(outcome.code)}{trace}"
        )
    if one:
        return "Not asked yet: Run asks the broker for every cell."
    return "Select a cell to see why, and its token."  # none (a new grid drops it), or several
