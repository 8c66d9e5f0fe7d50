"""Two matrix cells side by side: their outcomes and the claims that matter, each row that
differs marked (bold, tinted, and "≠" in the first column) so the difference is seen at once."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QSize, Qt
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
from app.core.tokens.claims import TIME_CLAIMS, format_time
from app.ui.common.screen import room

DIFFERS = "≠"


def compared_rows(
    outcomes: Sequence[Outcome], names: Mapping[str, str] | None = None
) -> list[tuple[str, list[str]]]:
    """(name, value per cell): the outcome, then every compared claim either token has;
    times as dates (their number beside), tenant ids with the tenant's name."""
    names = names or {}

    def tenant(tid: str | None) -> str:
        return f"{names[tid]} ({tid})" if tid and tid in names else tid or ""

    rows: list[tuple[str, list[str]]] = [
        ("outcome", [o.label for o in outcomes]),
        ("code", [o.code for o in outcomes]),
        ("token tenant", [tenant(o.facts.tenant) if o.facts else "" for o in outcomes]),
        ("guest", [("yes" if o.facts.guest else "no") if o.facts else "" for o in outcomes]),
        ("granted", [" ".join(o.facts.scopes) if o.facts else "" for o in outcomes]),
    ]
    claims = [dict(o.facts.claims) if o.facts else {} for o in outcomes]
    for name in COMPARED_CLAIMS:
        if any(name in c for c in claims):
            values = [_text(name, c.get(name)) for c in claims]
            if name == "tid":
                values = [tenant(v) if v != ABSENT else v for v in values]
            rows.append((name, values))
    return rows


ABSENT = "—"


def _text(name: str, value: object) -> str:
    if value is None:
        return ABSENT
    if name in TIME_CLAIMS and isinstance(value, int) and not isinstance(value, bool):
        return f"{format_time(value)}  ({value})"
    return value if isinstance(value, str) else json.dumps(value)


class CompareDialog(QDialog):
    def __init__(
        self,
        cells: Sequence[tuple[Cell, Outcome]],
        titles: Sequence[str],
        parent: QWidget,
        names: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare two cells")
        self.resize(QSize(900, 560).boundedTo(room(self)))
        rows = compared_rows([o for _, o in cells], names)
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
        header = self.table.horizontalHeader()  # the claim's name as wide as it is, the two
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)  # cells' values alike
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # whole in the tooltip
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
