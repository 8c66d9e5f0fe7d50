"""The accounts table: one row per broker account, with what the app knows about it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from app.core.accounts import Account

FRESH, NEEDS_SIGN_IN, ERROR, UNKNOWN, UNUSABLE = (
    "Token fresh",
    "Needs sign-in",
    "Error",
    "Not checked",
    "Not usable here",
)
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Row:
    account: Account
    state: str = UNKNOWN
    detail: str = ""  # why, for NEEDS_SIGN_IN / ERROR / UNUSABLE
    active: bool = False


class AccountsModel(QAbstractTableModel):
    NAME, USERNAME, TENANT, KIND, STATE = range(5)
    HEADERS = ("Name", "Username", "Tenant", "Type", "State")
    AccountRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, tenant_names: dict[str, str] | None = None) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.tenant_names = tenant_names or {}
        self._avatars: dict[str, QIcon] = {}

    # ---- Qt model API ----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == self.AccountRole:
            return row.account
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.STATE and row.detail:
            return row.detail
        if role == Qt.ItemDataRole.DecorationRole and column == self.NAME:
            return self._avatar(row.account)
        if role == Qt.ItemDataRole.FontRole and row.active:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATE:
            return _STATE_COLOURS.get(row.state)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self._text(row, column)}"
        return None

    def _text(self, row: Row, column: int) -> str:
        account = row.account
        if column == self.NAME:
            return account.display_name + ("  (active)" if row.active else "")
        if column == self.USERNAME:
            return account.username
        if column == self.TENANT:
            return self.tenant_names.get(account.realm, account.realm)
        if column == self.KIND:
            return account.kind
        return row.state

    def _avatar(self, account: Account) -> QIcon:
        icon = self._avatars.get(account.account_id)
        if icon is None:
            icon = self._avatars[account.account_id] = initials_icon(account)
        return icon

    # ---- updates ---------------------------------------------------------------------------
    def set_accounts(
        self, accounts: list[Account], active_home_id: str | None, keep_state: bool = True
    ) -> None:
        old = {r.account.home_account_id: r for r in self.rows} if keep_state else {}
        self.beginResetModel()
        self.rows = [
            replace(
                old.get(a.home_account_id, Row(a)),
                account=a,
                active=a.home_account_id == active_home_id,
            )
            for a in accounts
        ]
        self.endResetModel()

    def row_of(self, account: Account) -> int:
        for i, row in enumerate(self.rows):
            if row.account.home_account_id == account.home_account_id:
                return i
        return -1

    def update(self, account: Account, **changes: Any) -> None:
        i = self.row_of(account)
        if i < 0:
            return
        self.rows[i] = replace(self.rows[i], **changes)
        self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))

    def set_active(self, home_account_id: str | None) -> None:
        for i, row in enumerate(self.rows):
            active = row.account.home_account_id == home_account_id
            if row.active != active:
                self.rows[i] = replace(row, active=active)
                self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))

    def account_at(self, row: int) -> Account | None:
        return self.rows[row].account if 0 <= row < len(self.rows) else None


_STATE_COLOURS = {
    FRESH: QColor("#2e7d32"),
    NEEDS_SIGN_IN: QColor("#b26a00"),
    ERROR: QColor("#c62828"),
    UNUSABLE: QColor("#c62828"),
}
_AVATAR_COLOURS = ("#5c6bc0", "#26a69a", "#ef6c00", "#8e24aa", "#00838f", "#6d4c41")


def initials_icon(account: Account, size: int = 64) -> QIcon:
    words = [w for w in account.display_name.replace("@", " ").split() if w[:1].isalnum()]
    initials = "".join(w[0] for w in words[:2]).upper() or "?"
    colour = QColor(_AVATAR_COLOURS[sum(map(ord, account.username)) % len(_AVATAR_COLOURS)])
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(colour)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(0, 0, size, size)
    font = QFont()
    font.setPixelSize(size * 2 // 5)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, initials)
    painter.end()
    return QIcon(pixmap)
