"""The tree the Subscriptions window shows: account → tenant → subscription → storage account,
each with what ARM or the broker answered, and a filter over names and ids that keeps the
parents of what matches (hundreds of subscriptions narrowed as you type). Tenant and
subscription rows have a check box: unticked, the row is hidden (the settings' ArmChoice of its
account) and left out of the view unless hidden rows are shown."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)

from app.core.arm.choice import ArmChoice
from app.core.arm.records import Discovery, StorageAccount, Subscription, TenantAnswer

KIND = Qt.ItemDataRole.UserRole + 1  # "account", "tenant", "subscription", "storage"
PAYLOAD = Qt.ItemDataRole.UserRole + 2  # the record behind the row
ACCOUNT = Qt.ItemDataRole.UserRole + 3  # the home account id the row belongs to
HEADERS = ("Name", "Answer", "Id")
NOT_LISTED = "storage accounts not listed yet"  # found by the matrix: its tenants only
NOT_LISTED_TIP = (
    "Found by the matrix's “Every ARM tenant” discovery, which lists tenants and "
    "subscriptions only: Refresh lists the storage accounts"
)
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
    """A plain tree over the records: no item objects, so 300 subscriptions show at once.
    `choices` gives the settings' map (home account id -> ArmChoice), changed in place by the
    check boxes (asked each time: a save's merge puts a new map in the settings);
    choice_changed(home account id) follows each change."""

    choice_changed = Signal(str)

    def __init__(self, choices: Callable[[], dict[str, ArmChoice]] | None = None) -> None:
        super().__init__()
        self.root = Node("root", "", None, ("", "", ""))
        own: dict[str, ArmChoice] = {}
        self.choices = choices or (lambda: own)

    @property
    def hidden(self) -> dict[str, ArmChoice]:
        return self.choices()

    def is_hidden(self, node: Node) -> bool:
        """The user hid this tenant or subscription (or the tenant it is under)."""
        choice = self.hidden.get(node.home)
        while choice and node.parent is not None:
            payload = node.payload
            if isinstance(payload, TenantAnswer) and payload.tenant.id in choice.tenants:
                return True
            if isinstance(payload, Subscription) and payload.id in choice.subscriptions:
                return True
            node = node.parent
        return False

    def _own_hidden(self, node: Node) -> bool:
        choice = self.hidden.get(node.home, ArmChoice())
        payload = node.payload
        if isinstance(payload, TenantAnswer):
            return payload.tenant.id in choice.tenants
        return isinstance(payload, Subscription) and payload.id in choice.subscriptions

    def hidden_count(self) -> int:
        """Tenant and subscription rows the user hid, over the tree."""

        def walk(node: Node) -> int:
            own = node.kind in ("tenant", "subscription") and self._own_hidden(node)
            return int(own) + sum(walk(child) for child in node.children)

        return walk(self.root)

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

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.column() == 0 and self.node(index).kind in ("tenant", "subscription"):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = 0) -> bool:
        node = self.node(index)
        checkable = index.column() == 0 and node.kind in ("tenant", "subscription")
        if role != Qt.ItemDataRole.CheckStateRole or not checkable:
            return False
        shown = Qt.CheckState(value) == Qt.CheckState.Checked
        if shown == (not self._own_hidden(node)):
            return True
        payload = node.payload
        choice = self.hidden.get(node.home, ArmChoice())
        if isinstance(payload, TenantAnswer):
            choice = choice.toggled(tenant=payload.tenant.id)
        elif isinstance(payload, Subscription):
            choice = choice.toggled(subscription=payload.id)
        if choice:
            self.hidden[node.home] = choice
        else:
            self.hidden.pop(node.home, None)
        self.dataChanged.emit(self.createIndex(index.row(), 0, node),
                              self.createIndex(index.row(), len(HEADERS) - 1, node))  # fmt: skip
        self.choice_changed.emit(node.home)
        return True

    def _answer(self, node: Node) -> str:
        """The Answer column, saying so where the choice changed since the last Refresh."""
        asked_hidden = getattr(node.payload, "hidden", False)
        if node.kind not in ("tenant", "subscription"):
            return node.texts[1]
        if self._own_hidden(node) and not asked_hidden:
            return f"Hidden: not asked on Refresh (was {node.texts[1]})"
        if asked_hidden and not self._own_hidden(node):
            return "Shown again: Refresh to ask"
        if asked_hidden:
            return "Hidden: not asked on Refresh"
        return node.texts[1]

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        node = self.node(index)
        if role == Qt.ItemDataRole.CheckStateRole:
            if index.column() != 0 or node.kind not in ("tenant", "subscription"):
                return None
            hidden = self._own_hidden(node)
            return Qt.CheckState.Unchecked if hidden else Qt.CheckState.Checked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._answer(node) if index.column() == 1 else node.texts[index.column()]
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
    """Rows whose name or id contains the text (any case), with their parents and what is
    under them;
    rows the user hid (and what is under them) only while show_hidden."""

    def __init__(self) -> None:
        super().__init__()
        self.setRecursiveFilteringEnabled(True)
        # Not autoAcceptChildRows: a hidden tenant under a matching account stays out. What
        # is under a matching row is accepted by filterAcceptsRow instead.
        self.text = ""
        self.show_hidden = False

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        if not self.show_hidden and isinstance(model, ArmModel):
            node = model.node(model.index(source_row, 0, source_parent))
            if model.is_hidden(node):
                return False
        text = self.text.casefold()
        if not text:
            return True
        index = model.index(source_row, 0, source_parent)
        while index.isValid():  # the row or one above it matches: shown with its parents
            if any(text in str(index.siblingAtColumn(c).data()).casefold() for c in (0, 2)):
                return True
            index = index.parent()
        return False

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.text = text.strip()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_show_hidden(self, show: bool) -> None:
        self.beginFilterChange()
        self.show_hidden = show
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def setData(self, index: Index, value: Any, role: int = 0) -> bool:
        """A check box: the row leaves (or stays in) the view once the model has it (filtering
        again from inside the model's own dataChanged is not taken up by the proxy)."""
        done = super().setData(index, value, role)
        if done and role == Qt.ItemDataRole.CheckStateRole and not self.show_hidden:
            self.beginFilterChange()  # Qt 6.10's form of invalidateRowsFilter (deprecated)
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        return done


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
            _Rows.tenant(node, tenant, d.storage)

    @staticmethod
    def tenant(parent: Node, answer: TenantAnswer, storage: bool = True) -> None:
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
            _Rows.subscription(node, subscription, storage)

    @staticmethod
    def subscription(parent: Node, s: Subscription, storage: bool = True) -> None:
        if s.problem is not None:
            answer = f"{s.state} · {s.problem.title}"
        elif not storage:
            answer = f"{s.state} · {NOT_LISTED}"
        else:
            count = len(s.storage_accounts)
            answer = f"{s.state} · {count} storage account{'s' if count != 1 else ''}"
        tip = s.problem.text if s.problem is not None else ("" if storage else NOT_LISTED_TIP)
        node = parent.add(Node("subscription", parent.home, s, (s.name, answer, s.id), tip))
        for account in s.storage_accounts:
            _Rows.storage(node, account)

    @staticmethod
    def storage(parent: Node, account: StorageAccount) -> None:
        texts = (account.name, account.blob_endpoint, account.id)
        parent.add(Node("storage", parent.home, account, texts))
