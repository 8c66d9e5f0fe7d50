"""Containers, folders and blobs as a lazily fetched tree.

Each level is fetched a page at a time on a worker (`canFetchMore`/`fetchMore`): the view
asks for more as the user scrolls or expands, the page arrives on the GUI thread and is
inserted. Rows are compact `ContainerRow`/`BlobRow` values, never SDK objects.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from app.core.blobs import BlobBrowser, BlobRow, ContainerRow
from app.ui.tasks import TaskRunner

logger = logging.getLogger(__name__)
Index = QModelIndex | QPersistentModelIndex


@dataclass(eq=False)
class Node:
    kind: str  # "root", "container", "folder", "file"
    name: str  # container name, or the blob path / folder prefix
    parent: Node | None = None
    row: BlobRow | ContainerRow | None = None
    children: list[Node] = field(default_factory=list)
    continuation: str | None = None
    fetched_once: bool = False
    loading: bool = False

    @property
    def container(self) -> str:
        node: Node | None = self
        while node is not None and node.kind != "container":
            node = node.parent
        return node.name if node is not None else ""

    @property
    def expandable(self) -> bool:
        return self.kind in ("root", "container", "folder")

    def more(self) -> bool:
        return (
            self.expandable
            and not self.loading
            and (not self.fetched_once or self.continuation is not None)
        )


class BlobModel(QAbstractItemModel):
    NAME, SIZE, MODIFIED, TYPE, TIER = range(5)
    HEADERS = ("Name", "Size", "Modified", "Content type", "Tier")
    failed = Signal(object)  # the exception of a page that could not be fetched
    page_loaded = Signal(int)  # rows inserted, for the busy indicator and tests

    def __init__(self, browser: BlobBrowser | None, runner: TaskRunner) -> None:
        super().__init__()
        self.browser = browser
        self.runner = runner
        self.root = Node("root", "")

    def reset(self, browser: BlobBrowser | None) -> None:
        self.beginResetModel()
        self.browser = browser
        self.root = Node("root", "")
        self.endResetModel()

    # ---- structure -------------------------------------------------------------------------
    def node(self, index: Index) -> Node:
        return index.internalPointer() if index.isValid() else self.root  # type: ignore[no-any-return]

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self.node(parent)
        if 0 <= row < len(node.children) and 0 <= column < len(self.HEADERS):
            return self.createIndex(row, column, node.children[row])
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent = self.node(index).parent
        if parent is None or parent is self.root or parent.parent is None:
            return QModelIndex()
        return self.createIndex(parent.parent.children.index(parent), 0, parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.HEADERS)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        node = self.node(parent)
        return node.expandable and (bool(node.children) or node.more())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self.node(index)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(node, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == self.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, node: Node, column: int) -> str:
        row = node.row
        if column == self.NAME:
            if isinstance(row, BlobRow):
                return row.display
            return node.name
        if isinstance(row, ContainerRow):
            return _when(row.modified) if column == self.MODIFIED else ""
        if not isinstance(row, BlobRow) or row.is_folder:
            return ""
        if column == self.SIZE:
            return human_size(row.size)
        if column == self.MODIFIED:
            return _when(row.modified)
        if column == self.TYPE:
            return row.content_type or ""
        return row.tier or ""

    # ---- lazy paging -----------------------------------------------------------------------
    def canFetchMore(self, parent: Index) -> bool:
        return self.browser is not None and self.node(parent).more()

    def fetchMore(self, parent: Index) -> None:
        node = self.node(parent)
        browser = self.browser
        if browser is None or not node.more():
            return
        node.loading = True
        fetch: Callable[[], tuple[list[Any], str | None]]
        if node.kind == "root":
            token = node.continuation
            fetch = lambda: browser.container_pages(token)  # noqa: E731
        else:
            prefix = node.name if node.kind == "folder" else ""
            container, token = node.container, node.continuation
            fetch = lambda: browser.blob_page(container, prefix, token)  # noqa: E731
        self.runner.run(
            "listing storage",
            fetch,
            lambda page: self._arrived(node, browser, page),
            lambda error: self._fetch_failed(node, browser, error),
        )

    def _alive(self, node: Node, browser: BlobBrowser) -> bool:
        """A page for a tree that was reset meanwhile (account switch) is dropped."""
        if browser is not self.browser:
            return False
        while node.parent is not None:
            node = node.parent
        return node is self.root

    def _arrived(
        self, node: Node, browser: BlobBrowser, page: tuple[list[Any], str | None]
    ) -> None:
        node.loading = False
        if not self._alive(node, browser):
            return
        rows, continuation = page
        node.fetched_once = True
        node.continuation = continuation
        if not rows:
            self.page_loaded.emit(0)
            return
        parent = self._index_of(node)
        first = len(node.children)
        self.beginInsertRows(parent, first, first + len(rows) - 1)
        for row in rows:
            node.children.append(_child(node, row))
        self.endInsertRows()
        self.page_loaded.emit(len(rows))

    def _fetch_failed(self, node: Node, browser: BlobBrowser, error: BaseException) -> None:
        node.loading = False
        if self._alive(node, browser):
            node.fetched_once = True  # don't hammer a failing endpoint; Reload tries again
            self.failed.emit(error)

    def _index_of(self, node: Node) -> QModelIndex:
        if node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.children.index(node), 0, node)

    def remove(self, index: QModelIndex) -> None:
        node = self.node(index)
        if node.parent is None:
            return
        row = node.parent.children.index(node)
        self.beginRemoveRows(self._index_of(node.parent), row, row)
        node.parent.children.pop(row)
        self.endRemoveRows()

    def refetch(self, index: QModelIndex) -> None:
        """Reload one level: drop what is shown and fetch its first page again."""
        node = self.node(index)
        if node.children:
            self.beginRemoveRows(self._index_of(node), 0, len(node.children) - 1)
            node.children.clear()
            self.endRemoveRows()
        node.fetched_once, node.continuation, node.loading = False, None, False
        self.fetchMore(self._index_of(node))

    def loaded_count(self) -> int:
        def count(node: Node) -> int:
            return len(node.children) + sum(count(child) for child in node.children)

        return count(self.root)


def _child(parent: Node, row: BlobRow | ContainerRow) -> Node:
    if isinstance(row, ContainerRow):
        return Node("container", row.name, parent, row)
    return Node("folder" if row.is_folder else "file", row.name, parent, row)


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def human_size(size: int | None) -> str:
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"
