"""Where the blob pane is: the tree of containers and folders beside the table, the
breadcrumbs above it (the account, the container, each folder down to the one shown; a click
goes back up), and what reopens the folder shown after a reconnect.

The tree holds no listing of its own: it shows the containers and folders of the blob model's
levels (the same nodes, the same pages), never its blobs, so a folder of 50,000 blobs is one
row in it. Expanding one lists its first page through the blob model.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QTreeView,
    QWidget,
)

from app.ui.common.focus import FocusDelegate
from app.ui.storage.model import BlobModel, Node

Index = QModelIndex | QPersistentModelIndex


class FolderTreeModel(QAbstractItemModel):
    """The containers and folders of the blob model's loaded levels, in their order there.
    Each node's folders are kept here (`folders`), added as the blob model inserts them and
    dropped once it removed them (`Node.gone`); a filter in the table hides none of them."""

    def __init__(self, blobs: BlobModel) -> None:
        super().__init__()
        self.blobs = blobs
        self.folders: dict[int, list[Node]] = {}  # id(node): its containers or folders
        self.leaving: list[Node] = []
        blobs.modelAboutToBeReset.connect(self.beginResetModel)
        blobs.modelReset.connect(self._reset)
        blobs.rowsInserted.connect(self._inserted)
        blobs.rowsAboutToBeRemoved.connect(self._leaving)
        blobs.rowsRemoved.connect(self._removed)

    def _reset(self) -> None:
        self.folders = {}
        self.endResetModel()

    def of(self, node: Node) -> list[Node]:
        return self.folders.setdefault(id(node), [])

    def _inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        node = self.blobs.node(parent)
        new = [i for i in node.rows[first : last + 1] if isinstance(i, Node) and not i.gone]
        known = self.of(node)
        have = {id(n) for n in known}
        new = [n for n in new if id(n) not in have]  # a filter shows a folder again: known
        if new and node.parent is not None and not self.index_of(node).isValid():
            known.extend(new)  # under a folder the tree does not show (yet): no rows to add
        elif new:
            self.beginInsertRows(self.index_of(node), len(known), len(known) + len(new) - 1)
            known.extend(new)
            self.endInsertRows()

    def _leaving(self, parent: QModelIndex, first: int, last: int) -> None:
        self.leaving = [self.blobs.node(parent)]

    def _removed(self, parent: QModelIndex, first: int, last: int) -> None:
        """Rows left the blob model: its deleted or reloaded folders leave the tree."""
        for node in self.leaving:
            known = self.of(node)
            for row in range(len(known) - 1, -1, -1):
                if known[row].gone:
                    self.beginRemoveRows(self.index_of(node), row, row)
                    dropped = known.pop(row)
                    self.folders.pop(id(dropped), None)
                    self.endRemoveRows()
        self.leaving = []

    # ---- structure -------------------------------------------------------------------------
    def node(self, index: Index) -> Node:
        if not index.isValid():
            return self.blobs.root
        parent: Node = index.internalPointer()
        return self.of(parent)[index.row()]

    def index_of(self, node: Node) -> QModelIndex:
        parent = node.parent
        if parent is None:
            return QModelIndex()
        known = self.of(parent)
        row = next((r for r, n in enumerate(known) if n is node), -1)
        return self.createIndex(row, 0, parent) if row >= 0 else QModelIndex()

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self.node(parent)
        if 0 <= row < len(self.of(node)) and column == 0:
            return self.createIndex(row, 0, node)
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent: Node = index.internalPointer()
        return self.index_of(parent) if parent.parent is not None else QModelIndex()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.of(self.node(parent)))

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        node = self.node(parent)
        return bool(self.of(node)) or node.more()

    def canFetchMore(self, parent: Index) -> bool:
        return self.blobs.canFetchMore(self.blobs._index_of(self.node(parent)))

    def fetchMore(self, parent: Index) -> None:
        self.blobs.fetchMore(self.blobs._index_of(self.node(parent)))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role in (
            Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
        ):  # fmt: skip
            return self.blobs._text(self.node(index), BlobModel.NAME)
        return None


class FolderTree(QTreeView):
    def __init__(self, model: FolderTreeModel) -> None:
        super().__init__()
        self.setModel(model)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setAccessibleName("Containers and folders")
        self.setItemDelegate(FocusDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)


def key(node: Node) -> tuple[str, str, str]:
    return node.kind, node.container, node.name


def path_of(node: Node) -> list[Node]:
    """The nodes from the container down to node (none for the account)."""
    path: list[Node] = []
    while node.parent is not None:
        path.append(node)
        node = node.parent
    return path[::-1]


class Breadcrumbs(QWidget):
    """Up (Backspace or Alt+Up in the table), then the account › container › folder… of the
    folder shown, each a button back up to it (deep paths keep the last levels, "…" before),
    and Folders, which shows or hides the folder tree."""

    SHOWN = 3

    def __init__(self, go: Callable[[Node], None], up: Callable[[], None], table: QWidget):
        super().__init__()
        self.go = go
        self.setAccessibleName("Where the table is")
        self.up = QAction("Up", self)
        self.up.setShortcuts([QKeySequence("Backspace"), QKeySequence("Alt+Up")])
        self.up.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.up.setToolTip("Up to the folder above (Backspace, Alt+Up)")
        self.up.triggered.connect(up)
        table.addAction(self.up)  # its shortcuts work while the table has focus
        button = QToolButton()
        button.setDefaultAction(self.up)
        button.setText("↑")
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.setAccessibleName("Up to the folder above")
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(button)
        self.row = QHBoxLayout()
        self.row.setSpacing(4)
        outer.addLayout(self.row, 1)
        self.tree_button = QToolButton()  # the folder tree beside the table, shown or not
        self.tree_button.setText("Folders")
        self.tree_button.setCheckable(True)
        self.tree_button.setAutoRaise(True)
        self.tree_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.tree_button.setToolTip("Show the tree of containers and folders beside the table")
        self.tree_button.setAccessibleName("Show the folder tree")
        outer.addWidget(self.tree_button)
        self.buttons: list[QToolButton] = []

    def show_path(self, node: Node, url: str) -> None:
        """Where node is, under the storage account at url ("": not connected)."""
        account = account_name(url) if url else "Storage"
        while self.row.count():
            item = self.row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.buttons = []
        self.up.setEnabled(node.parent is not None)
        root = node
        while root.parent is not None:
            root = root.parent
        crumbs = [(account, root), *((_label(n), n) for n in path_of(node))]
        if len(crumbs) > self.SHOWN + 1:
            crumbs = [crumbs[0], ("…", crumbs[-self.SHOWN - 1][1]), *crumbs[-self.SHOWN :]]
        for position, (text, target) in enumerate(crumbs):
            if position:
                self.row.addWidget(QLabel("›"))
            if target is node:  # where the table is: said, not a button
                here = QLabel(f"<b>{html.escape(_elide(text))}</b>")
                here.setToolTip(target.name or account)
                here.setAccessibleName(f"Showing {target.name or account}")
                self.row.addWidget(here)
                continue
            button = QToolButton()
            button.setAutoRaise(True)
            button.setText(_elide(text))
            button.setToolTip(target.name or account)
            button.setAccessibleName(f"Go to {target.name or account}")
            button.clicked.connect(lambda _=False, t=target: self.go(t))
            self.row.addWidget(button)
            self.buttons.append(button)
        self.row.addStretch(1)


def account_name(url: str) -> str:
    """The storage account's name: a path-style (emulator) URL's path, else the host's
    first label."""
    host, _, path = url.split("://", 1)[-1].partition("/")
    return path.strip("/") or host.split(".", 1)[0]


def _label(node: Node) -> str:
    return node.name.rstrip("/").rsplit("/", 1)[-1] if node.kind == "folder" else node.name


def _elide(text: str, most: int = 24) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


class KeepOpen(QObject):
    """The folder the table showed, shown again as a reconnect lists it (the claims step-up
    reconnects: the pane came back at the account's top level). Each container and folder on
    the way is opened as it arrives, which lists the next level."""

    def __init__(self, parent: QObject, model: BlobModel, open_: Callable[[QModelIndex], None]):
        super().__init__(parent)
        self.model, self.open = model, open_
        self.wanted: list[tuple[str, str, str]] = []
        model.rowsInserted.connect(self._inserted)

    def remember(self, shown: Node) -> None:
        self.wanted = [key(n) for n in path_of(shown)]

    def _inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if not self.wanted:
            return
        for row in range(first, last + 1):
            index = self.model.index(row, 0, parent)
            if key(self.model.node(index)) == self.wanted[0]:
                self.wanted.pop(0)
                self.open(index)  # lists it, and so the next level on the way
                return
