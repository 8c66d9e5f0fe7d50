"""The matrix grid: one row per configuration (tenant · passthrough · scope set), one column
per account; each cell the outcome's short word in its colour, why and what to do on hover."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.core.arm.records import tenant_label
from app.core.broker.records import Account
from app.core.configurations.configuration import Configuration
from app.core.matrix.arm_tenants import cell_word, decided_by
from app.core.matrix.export import short_names
from app.core.matrix.spec import Cell, MatrixSpec
from app.core.outcomes.outcome import NOT_ASKED, NOT_CHECKED, Kind, Outcome
from app.ui.accounts.model import kind_colour

Index = QModelIndex | QPersistentModelIndex
_ROLE = Qt.ItemDataRole
_CENTER = Qt.AlignmentFlag.AlignCenter


class MatrixModel(QAbstractTableModel):
    CellRole = Qt.ItemDataRole.UserRole + 1  # the Cell
    OutcomeRole = Qt.ItemDataRole.UserRole + 2  # its Outcome, or None

    def __init__(self, names: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.names = names or {}
        self.spec: MatrixSpec | None = None
        self.configs: list[Configuration] = []
        self.accounts: list[Account] = []
        self.outcomes: dict[tuple[str, Configuration], Outcome] = {}
        # The same outcomes by [row][column], for data(): a paint asks ~7 roles of every cell,
        # and building a Cell and hashing its Configuration for each took half of it (measured).
        self._grid: list[list[Outcome | None]] = []
        self._rows: dict[Configuration, int] = {}
        self._columns: dict[str, int] = {}

    def set_grid(
        self,
        spec: MatrixSpec,
        accounts: Sequence[Account],
        known: Mapping[tuple[str, Configuration], Outcome] | None = None,
    ) -> None:
        """A new grid; cells already known (from the outcome book) show at once."""
        self.beginResetModel()
        self.spec = spec
        self.configs = spec.configurations()
        self.accounts = list(accounts)
        self.outcomes = dict(known or {})
        self._rows = {c: i for i, c in enumerate(self.configs)}
        self._columns = {a.home_account_id: j for j, a in enumerate(self.accounts)}
        self._grid = [
            [self.outcomes.get((a.home_account_id, c)) for a in self.accounts] for c in self.configs
        ]
        self.endResetModel()

    def holds(self, cell: Cell) -> bool:
        """Whether the cell is one of this grid's."""
        return cell.config in self._rows and cell.account.home_account_id in self._columns

    def _put(self, cell: Cell, outcome: Outcome) -> tuple[int, int] | None:
        """Keep the answer; its (row, column), or None when it is not in this grid (the grid
        changed meanwhile)."""
        self.outcomes[(cell.account.home_account_id, cell.config)] = outcome
        row = self._rows.get(cell.config)
        column = self._columns.get(cell.account.home_account_id)
        if row is None or column is None:
            return None
        self._grid[row][column] = outcome
        return row, column

    def set_outcomes(self, answers: Sequence[tuple[Cell, Outcome]]) -> None:
        """Many answers at once: one change signal for the rows they are in."""
        rows = [at[0] for cell, outcome in answers if (at := self._put(cell, outcome))]
        if rows:
            last = self.columnCount() - 1
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), last))

    def set_outcome(self, cell: Cell, outcome: Outcome) -> None:
        at = self._put(cell, outcome)
        if at is not None:
            index = self.index(*at)
            self.dataChanged.emit(index, index)

    def cell(self, index: Index) -> Cell | None:
        if not index.isValid():
            return None
        return Cell(self.accounts[index.column()], self.configs[index.row()])

    def outcome(self, index: Index) -> Outcome | None:
        return self._grid[index.row()][index.column()] if index.isValid() else None

    def answered(self) -> list[tuple[Cell, Outcome]]:
        """Every answered cell, in grid order (for export)."""
        found = []
        for config in self.configs:
            for account in self.accounts:
                outcome = self.outcomes.get((account.home_account_id, config))
                if outcome is not None:
                    found.append((Cell(account, config), outcome))
        return found

    # ---- Qt model API ----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.configs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.accounts)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.accounts):
                account = self.accounts[section]
                if role == Qt.ItemDataRole.DisplayRole:
                    return self.short_names[section]
                home = self.names.get(account.home_tenant, account.home_tenant)
                return f"{account.username} ({account.kind.lower()}, home tenant {home})"
            return None
        if 0 <= section < len(self.configs) and self.spec is not None:
            config = self.configs[section]
            tenant = self.names.get(config.tenant, config.tenant)
            passthrough = "on" if config.msa_passthrough else "off"
            if role == Qt.ItemDataRole.ToolTipRole:
                where = tenant_label(config.tenant, self.names, with_id=True)
                return (f"Tenant {where}, MSA passthrough {passthrough}, scopes "
                        f"{' '.join(config.scopes)}")  # fmt: skip
            return f"{tenant} · {passthrough} · {self.spec.scope_set_name(config)}"
        return None

    @property
    def short_names(self) -> list[str]:
        return short_names(self.accounts)

    def title(self, cell: Cell) -> str:
        """What a cell is called where it is asked about or compared: its column's short name
        and its row's header (the username alone for a cell outside this grid)."""
        row = self.configs.index(cell.config) if cell.config in self.configs else -1
        where = self.headerData(row, Qt.Orientation.Vertical) if row >= 0 else ""
        column = self.accounts.index(cell.account) if cell.account in self.accounts else -1
        who = self.short_names[column] if column >= 0 else cell.account.username
        return f"{who} · {where}"

    def data(self, index: Index, role: int = _ROLE.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._grid) and 0 <= column < len(self.accounts)):
            return None
        if role == _ROLE.TextAlignmentRole:
            return _CENTER
        if role == self.CellRole:
            return self.cell(index)
        outcome = self._grid[row][column]
        if role == self.OutcomeRole:
            return outcome
        if role == _ROLE.DisplayRole:
            return cell_word(outcome) if outcome else NOT_ASKED
        if role == _ROLE.AccessibleTextRole:
            return outcome.label if outcome else NOT_CHECKED
        if role == _ROLE.ToolTipRole:
            if outcome is None:
                return "Not asked yet: Run asks the broker silently."
            asked = "" if outcome.asked else f" ({decided_by(outcome)}; the broker was not asked)"
            return f"{outcome.title}{asked}\n{outcome.reason}\nWhat to do: {outcome.fix}"
        if role == _ROLE.ForegroundRole and outcome is not None:
            return kind_colour(outcome.kind)  # the scheme's own: light ones on dark
        if role == _ROLE.BackgroundRole and outcome is not None:
            return tint(outcome.kind)
        return None


_TINTS: dict[tuple[Kind, int], QColor] = {}


def tint(kind: Kind) -> QColor:
    """The cell's background: its colour, faint (alpha 40) over the view's base, under text
    that keeps ≥ 4.5:1 against it in either scheme."""
    colour = kind_colour(kind)
    found = _TINTS.get((kind, colour.rgb()))
    if found is None:
        found = _TINTS[(kind, colour.rgb())] = QColor(colour)
        found.setAlpha(40)
    return found
