"""The tree the Subscriptions window shows: account → tenant → subscription → storage account,
each with what ARM or the broker answered, and a filter over names and ids that keeps the
parents of what matches (hundreds of subscriptions narrowed as you type)."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

from app.core.arm.records import Discovery, StorageAccount, Subscription, TenantAnswer

KIND = Qt.ItemDataRole.UserRole + 1  # "account", "tenant", "subscription", "storage"
PAYLOAD = Qt.ItemDataRole.UserRole + 2  # the record behind the row
ACCOUNT = Qt.ItemDataRole.UserRole + 3  # the home account id the row belongs to
HEADERS = ("Name", "Answer", "Id")


def _row(kind: str, home_id: str, payload: object, *texts: str) -> list[QStandardItem]:
    items = []
    for text in texts:
        item = QStandardItem(text)
        item.setEditable(False)
        item.setToolTip(text)
        item.setData(kind, KIND)
        item.setData(payload, PAYLOAD)
        item.setData(home_id, ACCOUNT)
        items.append(item)
    return items


class ArmModel(QStandardItemModel):
    def __init__(self) -> None:
        super().__init__()
        self.setHorizontalHeaderLabels(list(HEADERS))

    def show(self, found: Mapping[str, Discovery]) -> None:
        self.removeRows(0, self.rowCount())
        root = self.invisibleRootItem()
        for discovery in sorted(found.values(), key=lambda d: d.username.lower()):
            root.appendRow(self._account(discovery))

    def _account(self, d: Discovery) -> list[QStandardItem]:
        home = d.home_account_id
        if d.outcome is not None and d.outcome.token is None:
            answer = f"{d.outcome.label}: {d.outcome.title}"
        elif d.problem is not None:
            answer = d.problem.title
        else:
            count = len(d.tenants)
            answer = f"{count} tenant{'s' if count != 1 else ''}"
        row = _row("account", home, d, d.username, answer, home)
        for tenant in d.tenants:
            row[0].appendRow(self._tenant(home, tenant))
        return row

    def _tenant(self, home: str, answer: TenantAnswer) -> list[QStandardItem]:
        t = answer.tenant
        where = "home" if t.home else "guest"
        name = f"{t.label} · {where}"
        row = _row("tenant", home, answer, name, answer.status, t.id)
        outcome = answer.outcome
        why = answer.problem.fix if answer.problem else ""
        if not why and outcome is not None and outcome.token is None:
            why = f"{outcome.reason} {outcome.fix}"
        row[1].setToolTip(f"{answer.status}. {why}".strip())
        for subscription in answer.subscriptions:
            row[0].appendRow(self._subscription(home, subscription))
        return row

    def _subscription(self, home: str, s: Subscription) -> list[QStandardItem]:
        if s.problem is not None:
            answer = f"{s.state} · {s.problem.title}"
        else:
            count = len(s.storage_accounts)
            answer = f"{s.state} · {count} storage account{'s' if count != 1 else ''}"
        row = _row("subscription", home, s, s.name, answer, s.id)
        if s.problem is not None:
            row[1].setToolTip(s.problem.text)
        for account in s.storage_accounts:
            row[0].appendRow(self._storage(home, account))
        return row

    @staticmethod
    def _storage(home: str, account: StorageAccount) -> list[QStandardItem]:
        return _row("storage", home, account, account.name, account.blob_endpoint, account.id)


class ArmFilter(QSortFilterProxyModel):
    """Rows whose name or id contains the text (any case), with their parents and children."""

    def __init__(self) -> None:
        super().__init__()
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)
        self.text = ""

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        text = self.text
        if not text:
            return True
        model = self.sourceModel()
        return any(
            text.casefold() in str(model.index(source_row, column, source_parent).data()).casefold()
            for column in (0, 2)
        )

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.text = text.strip()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
