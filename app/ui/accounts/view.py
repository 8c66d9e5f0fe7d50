"""The accounts list: a filter box over the accounts table, sorted by any column (by name,
then username, by default), its columns fitted to the width it has so that State is always
whole, the selected rows copied as text. The row the user selected stays selected when the
list is reloaded; until the first listing arrives the table says it is asking the broker."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.broker.records import Account
from app.ui.accounts.broker_note import AccountsNote
from app.ui.accounts.model import AccountsModel
from app.ui.common.focus import FocusDelegate
from app.ui.common.widgets import copy_text

Index = QModelIndex | QPersistentModelIndex
M = AccountsModel
# Shrunk, each by its share, down to their floors when the table is narrower than its text;
# State never is.
SHRINKABLE = ((M.NAME, M.USERNAME, M.TENANT, M.KIND),)
# A username keeps its domain (elided in the middle); names and tenants keep their start.
ELIDE = {M.USERNAME: Qt.TextElideMode.ElideMiddle}
FLOOR = {M.NAME: 90, M.USERNAME: 100, M.TENANT: 70, M.KIND: 64}


MEASURED_ROWS = 100  # lists longer than this are fitted to the rows on screen


class AccountsProxy(QSortFilterProxyModel):
    def lessThan(self, left: Index, right: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, AccountsModel)
        return model.sort_key(left.row(), left.column()) < model.sort_key(
            right.row(), right.column()
        )


class ElidingDelegate(FocusDelegate):  # and the keyboard's row framed
    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = ELIDE.get(index.column(), Qt.TextElideMode.ElideRight)


class AccountsTable(QTableView):
    """A table that says why it is empty, in its own viewport."""

    resized = Signal()
    copy = Signal()  # Ctrl+C: the selected rows, not just the current cell

    def __init__(self) -> None:
        super().__init__()
        self.placeholder = ""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy.emit()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if not self.placeholder or model is None or model.rowCount() > 0:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        area = self.viewport().rect().adjusted(16, 16, -16, -16)
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        painter.drawText(area, int(flags) | int(Qt.TextFlag.TextWordWrap), self.placeholder)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()


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
        self.proxy = AccountsProxy(self)
        self.proxy.setSourceModel(model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter.textChanged.connect(self._filter)
        focus_filter = QAction(self)
        focus_filter.setShortcut(QKeySequence.StandardKey.Find)
        focus_filter.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        focus_filter.triggered.connect(lambda: self.filter.setFocus())
        self.addAction(focus_filter)

        self.table = table = AccountsTable()
        table.setAccessibleName("Accounts")
        table.setModel(self.proxy)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setTabKeyNavigation(False)  # Tab moves on to the next widget; arrows move within
        table.setWordWrap(False)  # "Not usable here" on one line, never two cut-off ones
        table.setItemDelegate(ElidingDelegate(table))
        table.verticalHeader().hide()
        table.setIconSize(QSize(28, 28))
        rows = 3 * table.verticalHeader().defaultSectionSize()  # never crushed below 3 rows
        frame = 2 * table.frameWidth() + table.horizontalScrollBar().sizeHint().height()
        table.setMinimumHeight(table.horizontalHeader().sizeHint().height() + rows + frame)
        table.setSortingEnabled(True)
        table.sortByColumn(M.NAME, Qt.SortOrder.AscendingOrder)
        header = table.horizontalHeader()
        header.setAccessibleName("Account columns: click one to sort by it")
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.copy_rows = self._table_action("Copy selected rows (Ctrl+C)", self.copy_selected)
        self.copy_all = self._table_action("Copy the whole list", self.copy_list)
        table.copy.connect(self.copy_selected)
        table.doubleClicked.connect(lambda _: self.activated.emit())
        table.selectionModel().selectionChanged.connect(lambda *_: self.selection_changed.emit())
        self._kept: Account | None = None
        model.modelAboutToBeReset.connect(self._keep)
        model.modelReset.connect(lambda: self._kept and self.select(self._kept))

        # Columns are fitted once the layout has settled, never more than once per change.
        self._fitting = QTimer(self)
        self._fitting.setSingleShot(True)
        self._fitting.setInterval(0)
        self._fitting.timeout.connect(self.fit_columns)
        for changed in (
            model.modelReset,
            model.dataChanged,
            model.rowsInserted,
            model.layoutChanged,
            table.resized,
        ):
            changed.connect(self._fitting.start)
        self.fit_columns()
        self._show_placeholder()
        for changed in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            changed.connect(self._show_placeholder)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.note = AccountsNote()  # the list may be out of date: the broker is gone
        layout.addWidget(self.note)
        layout.addWidget(self.filter)
        layout.addWidget(table, 1)

    def _table_action(self, text: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self.table)
        action.triggered.connect(slot)
        self.table.addAction(action)
        return action

    # ---- selection -------------------------------------------------------------------------
    def selected(self) -> Account | None:
        """The account the actions apply to: the current row if selected, else the first."""
        selection = self.table.selectionModel()
        rows = selection.selectedRows()
        current = selection.currentIndex()
        if current.isValid() and selection.isRowSelected(current.row(), QModelIndex()):
            rows = [current]
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

    # ---- copying -----------------------------------------------------------------------------
    def rows_text(self, proxy_rows: list[int]) -> str:
        """Tab-separated lines under a header line, as shown (pastes into a spreadsheet)."""
        columns = range(self.proxy.columnCount())
        lines = ["\t".join(AccountsModel.HEADERS)]
        for row in proxy_rows:
            lines.append("\t".join(str(self.proxy.index(row, c).data()) for c in columns))
        return "\n".join(lines)

    def copy_selected(self) -> None:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        if rows:
            copy_text(self, self.rows_text(rows), f"{len(rows)} row(s)")

    def copy_list(self) -> None:
        rows = list(range(self.proxy.rowCount()))
        copy_text(self, self.rows_text(rows), f"the whole list ({len(rows)} accounts)")

    # ---- what the table shows ------------------------------------------------------------------
    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self._show_placeholder()

    def _show_placeholder(self) -> None:
        listing, typed = self.model.listing, self.filter.text()
        if listing == "asking":
            text = "Asking the broker for its accounts…"
        elif listing == "failed" and not self.model.rows:
            text = "The broker did not list its accounts: see the message above."
        elif typed and self.model.rows:
            text = f"No account matches “{typed}”."
        else:
            text = "The broker knows no accounts for this profile yet: Add account signs one in."
        self.table.placeholder = text
        self.table.viewport().update()

    def fit_columns(self) -> None:
        """State and Type whole; Name, Username and Tenant get what they need when it fits,
        and are shrunk (their text elided in the middle) when it does not."""
        table, header = self.table, self.table.horizontalHeader()
        columns = range(self.model.columnCount())
        # Every row is measured in a short list; in a long one only the rows on screen (each
        # cell measured costs ~0.1 ms through the delegate: all of 500 accounts froze the
        # window 255 ms at every change, benchmarks/accounts.py). Tooltips hold whole texts.
        everyone = self.model.rowCount() <= MEASURED_ROWS
        header.setResizeContentsPrecision(-1 if everyone else 0)  # rows per column measured
        wanted = {
            c: max(table.sizeHintForColumn(c), header.sectionSizeHint(c)) + 8 for c in columns
        }
        floors = {c: min(wanted[c], FLOOR.get(c, wanted[c])) for c in columns}
        widths = dict(wanted)
        excess = sum(widths.values()) - table.viewport().width()
        for group in SHRINKABLE:  # each gives up its share of what it has above its floor
            room = sum(widths[c] - floors[c] for c in group)
            cut = min(excess, room)
            for c in group if cut > 0 else ():
                widths[c] -= -(-cut * (wanted[c] - floors[c]) // room)
            excess -= max(cut, 0)
        if excess < 0:  # room to spare: the last column takes it
            widths[M.STATE] -= excess
        for c in columns:
            if header.sectionSize(c) != widths[c]:
                header.resizeSection(c, widths[c])
        # Never narrower than the floors and State: the splitter keeps this much for the list.
        frame = 2 * table.frameWidth() + table.verticalScrollBar().sizeHint().width()
        table.setMinimumWidth(sum(floors.values()) + frame)
