"""The accounts table: one row per broker account, with its outcome under the configuration
being tried (or "Not checked"), never another configuration's."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap

from app.core.broker.records import CONSUMERS_TENANT, MSA_PASSTHROUGH_TENANT, Account
from app.core.outcomes.outcome import NOT_CHECKED, Kind, Outcome
from app.ui.common.icons import is_dark

Index = QModelIndex | QPersistentModelIndex

# Personal accounts show one tenant label, however they were added (listed, or signed in
# through MSA passthrough).
PERSONAL_TENANT_NAMES = {
    CONSUMERS_TENANT: "Microsoft account",
    MSA_PASSTHROUGH_TENANT: "Microsoft account",
}


def display_tenant_names(known: Mapping[str, str] | None = None) -> dict[str, str]:
    """Tenant names for display: the known ones, and one label for personal accounts."""
    return {**(known or {}), **PERSONAL_TENANT_NAMES}


@dataclass(frozen=True)
class Row:
    account: Account
    outcome: Outcome | None = None  # under the current configuration
    active: bool = False

    @property
    def kind(self) -> Kind | None:
        return self.outcome.kind if self.outcome else None

    @property
    def state(self) -> str:
        return self.outcome.label if self.outcome else NOT_CHECKED

    @property
    def detail(self) -> str:
        """Why, and what to do: the State column's tooltip."""
        o = self.outcome
        if o is None:
            return "Not checked under this configuration yet: Get token asks the broker."
        asked = "" if o.asked else " (decided by Entra ID's rules, without asking the broker)"
        trace = f"\n{o.trace}" if o.trace else ""
        return f"{o.title}{asked}\n{o.reason}\nWhat to do: {o.fix}{trace}"


class AccountsModel(QAbstractTableModel):
    NAME, USERNAME, TENANT, KIND, STATE = range(5)
    HEADERS = ("Name", "Username", "Tenant", "Type", "State")
    AccountRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, tenant_names: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.listing = "asking"  # then "listed", or "failed" while no listing has arrived
        self.tenant_names = tenant_names or {}
        self._avatars: dict[tuple[str, bool], QIcon] = {}
        self._sort_keys: dict[int, list[tuple[str, str, str]]] = {}  # column → per row

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
        if role == Qt.ItemDataRole.AccessibleTextRole:
            active = " (active)" if row.active and column == self.NAME else ""
            return self._text(row, column) + active
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole text, where it may be elided
            if column in (self.STATE, self.TENANT):
                return row.detail
            if column == self.NAME and row.active:
                return f"{row.account.display_name}: the active account (★), used by the app"
            return self._text(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == self.NAME:
            return self._avatar(row.account, row.active)
        if role == Qt.ItemDataRole.FontRole and row.active:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATE:
            return kind_colour(row.kind)
        return None

    def sort_key(self, row: int, column: int) -> tuple[str, str, str]:
        """The column's text, then name, then username: the same order after every reload,
        whatever order the broker lists the accounts in. Made once per row and column and
        kept until the row changes: a sort compares each row ~2 log n times (500 accounts
        took 104 ms to sort making them afresh, benchmarks/accounts.py)."""
        keys = self._sort_keys.get(column)
        if keys is None:
            keys = self._sort_keys[column] = [self._sort_key(r, column) for r in self.rows]
        return keys[row]

    def _sort_key(self, r: Row, column: int) -> tuple[str, str, str]:
        account = r.account
        return (
            self._text(r, column).casefold(),
            account.display_name.casefold(),
            account.username.casefold(),
        )

    def _text(self, row: Row, column: int) -> str:
        account = row.account
        if column == self.NAME:
            return account.display_name
        if column == self.USERNAME:
            return account.username
        if column == self.TENANT:
            return self.tenant_of(row)
        if column == self.KIND:
            return account.kind
        return row.state

    def tenant_of(self, row: Row) -> str:
        """The account's home tenant; for a token issued elsewhere, where it was issued."""
        names = self.tenant_names
        home = names.get(row.account.home_tenant, row.account.realm or row.account.home_tenant)
        facts = row.outcome.facts if row.outcome else None
        if facts is not None and facts.guest and facts.tenant:
            return f"{names.get(facts.tenant, facts.tenant)} (guest; home {home})"
        return home

    def _avatar(self, account: Account, active: bool) -> QIcon:
        key = (account.account_id, active)
        icon = self._avatars.get(key)
        if icon is None:
            icon = self._avatars[key] = initials_icon(account, active=active)
        return icon

    # ---- updates ---------------------------------------------------------------------------
    def set_accounts(
        self, accounts: list[Account], active_home_id: str | None, listing: str = "listed"
    ) -> None:
        """The session's accounts, its active one and its listing state ("asking", "listed",
        "failed"). The same accounts as shown only update in place (the selection stays)."""
        if listing == self.listing and [r.account for r in self.rows] == accounts:
            self.set_active(active_home_id)
            return
        old = {r.account.home_account_id: r for r in self.rows}
        self.beginResetModel()
        self.listing = listing
        self.rows = [
            replace(
                old.get(a.home_account_id, Row(a)),
                account=a,
                active=a.home_account_id == active_home_id,
            )
            for a in accounts
        ]
        self._sort_keys.clear()
        self.endResetModel()

    def show_outcomes(self, outcome_of: Callable[[Account], Outcome | None]) -> None:
        """Every row's outcome under the configuration now being tried: one change for all
        the rows that changed (the view re-sorts once, not once per row)."""
        changed = []
        for i, row in enumerate(self.rows):
            outcome = outcome_of(row.account)
            if outcome is not row.outcome:
                self.rows[i] = replace(row, outcome=outcome)
                changed.append(i)
        self._changed(*changed)

    def row_of(self, account: Account) -> int:
        for i, row in enumerate(self.rows):
            if row.account.home_account_id == account.home_account_id:
                return i
        return -1

    def set_active(self, home_account_id: str | None) -> None:
        changed = []
        for i, row in enumerate(self.rows):
            active = row.account.home_account_id == home_account_id
            if row.active != active:
                self.rows[i] = replace(row, active=active)
                changed.append(i)
        self._changed(*changed)

    def _changed(self, *rows: int) -> None:
        """These rows changed: their sort keys are made again, and one dataChanged covers
        them all."""
        if not rows:
            return
        for column, keys in self._sort_keys.items():
            for i in rows:
                keys[i] = self._sort_key(self.rows[i], column)
        last = self.columnCount() - 1
        self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), last))


# Each ≥ 4.5:1 (WCAG AA) against the base colour of its scheme, and against the tint the
# matrix lays under it (tests/integration/ui/test_contrast.py computes it).
KIND_COLOURS = {
    Kind.TOKEN: QColor("#236b27"),
    Kind.INTERACTION: QColor("#8a5300"),
    Kind.NOT_USABLE: QColor("#8e24aa"),
    Kind.BLOCKED: QColor("#b71c1c"),
    Kind.FAILED: QColor("#ad1457"),
}
DARK_KIND_COLOURS = {
    Kind.TOKEN: QColor("#81c995"),
    Kind.INTERACTION: QColor("#fdd663"),
    Kind.NOT_USABLE: QColor("#d7aefb"),
    Kind.BLOCKED: QColor("#f28b82"),
    Kind.FAILED: QColor("#f48fb1"),
}
NOT_CHECKED_COLOURS = (QColor("#5f6368"), QColor("#9aa0a6"))  # light, dark


def kind_colour(kind: Kind | None) -> QColor:
    """Each state's own colour (Not checked: grey), readable on the scheme in use."""
    dark = is_dark()
    if kind is None:
        return NOT_CHECKED_COLOURS[dark]
    return (DARK_KIND_COLOURS if dark else KIND_COLOURS)[kind]


_AVATAR_COLOURS = ("#5c6bc0", "#26a69a", "#ef6c00", "#8e24aa", "#00838f", "#6d4c41")


def initials_icon(account: Account, size: int = 64, active: bool = False) -> QIcon:
    """A coloured disc with the account's initials; the active account's carries the star of
    "Make active" (a mark that takes no width from the name, which may be elided)."""
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
    badge = size // 2
    text_area = pixmap.rect().adjusted(0, 0, -badge // 3, -badge // 3) if active else pixmap.rect()
    painter.drawText(text_area, Qt.AlignmentFlag.AlignCenter, initials)
    if active:
        corner = QRect(size - badge, size - badge, badge, badge)
        painter.setPen(QPen(QColor("white"), size // 16))
        painter.setBrush(QColor("#f9a825"))
        painter.drawEllipse(corner)
        font.setPixelSize(badge * 3 // 4)
        painter.setFont(font)
        painter.drawText(corner, Qt.AlignmentFlag.AlignCenter, "★")
    painter.end()
    return QIcon(pixmap)
