"""Two matrix cells side by side: their outcomes and the claims that matter, each row that
differs marked (bold, tinted, and "≠" in the first column) so the difference is seen at once."""

from __future__ import annotations

import json
from collections.abc import Sequence

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.matrix.spec import Cell
from app.core.outcomes.outcome import COMPARED_CLAIMS, Outcome

DIFFERS = "≠"


def compared_rows(outcomes: Sequence[Outcome]) -> list[tuple[str, list[str]]]:
    """(name, value per cell): the outcome, then every compared claim either token has."""
    rows: list[tuple[str, list[str]]] = [
        ("outcome", [o.label for o in outcomes]),
        ("code", [o.code for o in outcomes]),
        ("token tenant", [(o.facts.tenant or "") if o.facts else "" for o in outcomes]),
        ("guest", [("yes" if o.facts.guest else "no") if o.facts else "" for o in outcomes]),
        ("granted", [" ".join(o.facts.scopes) if o.facts else "" for o in outcomes]),
    ]
    claims = [dict(o.facts.claims) if o.facts else {} for o in outcomes]
    for name in COMPARED_CLAIMS:
        if any(name in c for c in claims):
            rows.append((name, [_text(c.get(name)) for c in claims]))
    return rows


def _text(value: object) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else json.dumps(value)


class CompareDialog(QDialog):
    def __init__(
        self, cells: Sequence[tuple[Cell, Outcome]], titles: Sequence[str], parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare two cells")
        self.resize(760, 520)
        rows = compared_rows([o for _, o in cells])
        self.table = QTableWidget(len(rows), 1 + len(cells))
        self.table.setAccessibleName("Claims side by side")
        self.table.setHorizontalHeaderLabels(["Claim", *titles])
        self.table.verticalHeader().hide()
        self.differing: list[str] = []
        bold = QFont()
        bold.setBold(True)
        tint = QBrush(QColor(255, 193, 7, 70))
        for r, (name, values) in enumerate(rows):
            differs = len(set(values)) > 1
            items = [QTableWidgetItem(f"{DIFFERS} {name}" if differs else name)]
            items += [QTableWidgetItem(v) for v in values]
            for c, item in enumerate(items):
                item.setToolTip(item.text())
                if differs:
                    item.setFont(bold)
                    item.setBackground(tint)
                self.table.setItem(r, c, item)
            if differs:
                self.differing.append(name)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setWordWrap(True)
        summary = QLabel(
            f"{len(self.differing)} of {len(rows)} rows differ (marked {DIFFERS}): "
            + ", ".join(self.differing)
            if self.differing
            else "The two cells agree on every row shown."
        )
        summary.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
