"""The tree the Subscriptions window shows: account → tenant → subscription → storage account,
each with what ARM or the broker answered, and a filter over names and ids that keeps the
parents of what matches (hundreds of subscriptions narrowed as you type)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from app.core.arm.records import Discovery, StorageAccount, Subscription, TenantAnswer

KIND = Qt.ItemDataRole.UserRole + 1  # "account", "tenant", "subscription", "storage"
PAYLOAD = Qt.ItemDataRole.UserRole + 2  # the record behind the row
ACCOUNT = Qt.ItemDataRole.UserRole + 3  # the home account id the row belongs to
HEADERS = ("Name", "Answer", "Id")
Index = QModelIndex | QPersistentModelIndex


@dataclass(eq=False)
class Node:
    kind: str
    home: str  # the home account id the row belongs to
    payload: object
    texts: tuple[str, str, str]
    tip: str = ""  # the Answer column's tooltip ("" : its text)
    parent: Node | None = None
    row: int = 0
    children: list[Node] = field(default_factory=list)

    def add(self, child: Node) -> Node:
        child.parent, child.row = self, len(self.children)
        self.children.append(child)
        return child


class ArmModel(QAbstractItemModel):
    """A plain tree over the records: no item objects, so 300 subscriptions show at once."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Node("root", "", None, ("", "", ""))

    def show(self, found: Mapping[str, Discovery] | Node) -> None:
        """The tree of what was found (or one built already, off the GUI thread by `tree`)."""
        self.beginResetModel()
        self.root = found if isinstance(found, Node) else tree(found)
        self.endResetModel()

    # ---- QAbstractItemModel --------------------------------------------------------------------
    def node(self, index: Index) -> Node:
        return index.internalPointer() if index.isValid() else self.root

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        children = self.node(parent).children
        if 0 <= row < len(children) and 0 <= column < len(HEADERS):
            return self.createIndex(row, column, children[row])
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        node = self.node(index).parent if index.isValid() else None
        if node is None or node is self.root:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        node = self.node(index)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = node.texts[index.column()]
            if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1 and node.tip:
                return node.tip
            return text
        return {KIND: node.kind, PAYLOAD: node.payload, ACCOUNT: node.home}.get(role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None


def tree(found: Mapping[str, Discovery]) -> Node:
    """The rows for what was found: plain Python, so a worker can build it (no Qt here)."""
    root = Node("root", "", None, ("", "", ""))
    for discovery in sorted(found.values(), key=lambda d: d.username.lower()):
        _Rows.account(root, discovery)
    return root


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


class _Rows:
    @staticmethod
    def account(root: Node, d: Discovery) -> None:
        home = d.home_account_id
        if d.outcome is not None and d.outcome.token is None:
            answer = f"{d.outcome.label}: {d.outcome.title}"
        elif d.problem is not None:
            answer = d.problem.title
        else:
            count = len(d.tenants)
            answer = f"{count} tenant{'s' if count != 1 else ''}"
        node = root.add(Node("account", home, d, (d.username, answer, home)))
        for tenant in d.tenants:
            _Rows.tenant(node, tenant)

    @staticmethod
    def tenant(parent: Node, answer: TenantAnswer) -> None:
        t = answer.tenant
        where = "home" if t.home else "guest"
        outcome = answer.outcome
        why = answer.problem.fix if answer.problem else ""
        if not why and outcome is not None and outcome.token is None:
            why = f"{outcome.reason} {outcome.fix}"
        texts = (f"{t.label} · {where}", answer.status, t.id)
        node = parent.add(Node("tenant", parent.home, answer, texts,
                               f"{answer.status}. {why}".strip()))  # fmt: skip
        for subscription in answer.subscriptions:
            _Rows.subscription(node, subscription)

    @staticmethod
    def subscription(parent: Node, s: Subscription) -> None:
        if s.problem is not None:
            answer = f"{s.state} · {s.problem.title}"
        else:
            count = len(s.storage_accounts)
            answer = f"{s.state} · {count} storage account{'s' if count != 1 else ''}"
        tip = s.problem.text if s.problem is not None else ""
        node = parent.add(Node("subscription", parent.home, s, (s.name, answer, s.id), tip))
        for account in s.storage_accounts:
            _Rows.storage(node, account)

    @staticmethod
    def storage(parent: Node, account: StorageAccount) -> None:
        texts = (account.name, account.blob_endpoint, account.id)
        parent.add(Node("storage", parent.home, account, texts))
