"""Containers, folders and blobs as a lazily fetched tree.

Each level is fetched a page at a time on a worker (`canFetchMore`/`fetchMore`): the view
asks for more as the user scrolls or expands, the page arrives on the GUI thread and is
inserted. Files are kept as plain tuples of their `BlobRow` (no object per file, nothing for
the garbage collector to walk); only containers and folders get a `Node`. Every index points
at its parent node, the usual way to keep a Qt tree cheap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from app.core.storage.blobs import BlobBrowser, BlobRow, ContainerRow
from app.ui.common.tasks import TaskRunner

logger = logging.getLogger(__name__)
Index = QModelIndex | QPersistentModelIndex


@dataclass(eq=False)
class Node:
    kind: str  # "root", "container", "folder", "file" (files: made on demand, never stored)
    name: str  # container name, or the blob path / folder prefix
    parent: Node | None = None
    row: BlobRow | ContainerRow | None = None
    children: list[Node | tuple[Any, ...]] = field(default_factory=list)  # files: plain tuples
    position: int = 0  # this node's row in its parent
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
        """The item at index as a Node; a file row is wrapped in a transient one."""
        if not index.isValid():
            return self.root
        parent: Node = index.internalPointer()
        item = parent.children[index.row()]
        if isinstance(item, Node):
            return item
        row = BlobRow._make(item)
        return Node("file", row.name, parent, row, position=index.row())

    def _container_of(self, index: Index) -> Node:
        """The node whose children index's level shows (a file's parent for a file)."""
        return self.node(index) if index.isValid() else self.root

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self._container_of(parent)
        if node.kind != "file" and 0 <= row < len(node.children) and 0 <= column < 5:
            return self.createIndex(row, column, node)
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent: Node = index.internalPointer()
        if parent is self.root or parent.parent is None:
            return QModelIndex()
        return self.createIndex(parent.position, 0, parent.parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        node = self._container_of(parent)
        return 0 if node.kind == "file" else len(node.children)

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

    def content_types(self, parent: Index, first: int, last: int) -> set[str]:
        """The content types of rows first..last under parent (files only)."""
        node = self._container_of(parent)
        rows = node.children[first : last + 1] if node.kind != "file" else []
        return {r[4] for r in rows if isinstance(r, tuple) and r[4]}

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
        for position, row in enumerate(rows, first):
            node.children.append(_child(node, row, position))
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
        return self.createIndex(node.position, 0, node.parent)

    def remove(self, index: QModelIndex) -> None:
        node = self.node(index)
        parent = node.parent
        if parent is None:
            return
        row = node.position
        self.beginRemoveRows(self._index_of(parent), row, row)
        parent.children.pop(row)
        for position in range(row, len(parent.children)):  # rows below move up
            child = parent.children[position]
            if isinstance(child, Node):
                child.position = position
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


def _child(parent: Node, row: BlobRow | ContainerRow, position: int) -> Node | tuple[Any, ...]:
    if isinstance(row, ContainerRow):
        return Node("container", row.name, parent, row, position=position)
    if row.is_folder:
        return Node("folder", row.name, parent, row, position=position)
    # An exact tuple of atomic values: the garbage collector untracks it (a NamedTuple
    # subclass it keeps walking), which is what keeps full collections short.
    return tuple(row)


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
