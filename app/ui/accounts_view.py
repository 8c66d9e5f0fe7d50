"""The accounts list: a filter box over the accounts table. The row the user selected stays
selected when the list is reloaded."""

from __future__ import annotations

from PySide6.QtCore import QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.accounts import Account
from app.ui.accounts_model import AccountsModel
from app.ui.broker_state import AccountsNote


class AccountsView(QWidget):
    selection_changed = Signal()
    activated = Signal()  # double-click: make the account active

    def __init__(self, model: AccountsModel) -> None:
        super().__init__()
        self.model = model
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter accounts")
        self.filter.setAccessibleName("Filter accounts")
        self.filter.setClearButtonEnabled(True)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        focus_filter = QAction(self)
        focus_filter.setShortcut(QKeySequence.StandardKey.Find)
        focus_filter.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        focus_filter.triggered.connect(lambda: self.filter.setFocus())
        self.addAction(focus_filter)

        self.table = QTableView()
        self.table.setAccessibleName("Accounts")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setIconSize(QSize(28, 28))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _: self.activated.emit())
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.selection_changed.emit()
        )
        self._kept: Account | None = None
        model.modelAboutToBeReset.connect(self._keep)
        model.modelReset.connect(lambda: self._kept and self.select(self._kept))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.note = AccountsNote()  # the list may be out of date: the broker is gone
        layout.addWidget(self.note)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)

    def selected(self) -> Account | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        account = self.proxy.data(rows[0], AccountsModel.AccountRole)
        return account if isinstance(account, Account) else None

    def select(self, account: Account) -> None:
        row = self.model.row_of(account)
        if row >= 0:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())

    def _keep(self) -> None:
        self._kept = self.selected()
