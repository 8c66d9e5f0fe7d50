"""Containers, folders and blobs as a lazily fetched tree.

Each level is fetched a page at a time on a worker (`canFetchMore`/`fetchMore`): the view
asks for more as the user scrolls or expands, the page arrives on the GUI thread and is
inserted. Files are kept as plain tuples of their `BlobRow` (no object per file, nothing for
the garbage collector to walk); only containers and folders get a `Node`. Every index points
at its parent node, the usual way to keep a Qt tree cheap.

While the view shows one page, the next is read ahead on the worker, so scrolling on (or
listing a whole folder) never waits for the round trip after the GUI has inserted a page: a
full listing keeps up with the SDK's own iteration. A level can be narrowed to the rows a
filter matched and sorted by a column (levels.py). The pane shows one level at a time in a
table (table.py) and the containers and folders in a tree of their own (navigation.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal

from app.core.storage.blobs import BlobBrowser, BlobRow, ContainerRow
from app.core.storage.details import human_size
from app.ui.common.tasks import TaskRunner
from app.ui.storage.levels import LISTING, LevelRows, Order

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
    continuation: str | None = None  # the next page not yet inserted
    fetched_once: bool = False
    loading: bool = False  # a page the view asked for is on its way
    shown: list[Node | tuple[Any, ...]] | None = None  # the rows a filter kept (None: all)
    match: Callable[[Node | tuple[Any, ...]], bool] | None = None  # that filter
    version: int = 0  # bumped when rows are removed, reloaded or sorted (not when one is added)
    listing: int = 0  # bumped when the level is listed again: a page of an older one is dropped
    ahead: tuple[list[Any], str | None] | None = None  # the next page, read ahead
    reading: bool = False  # the read-ahead is on its way
    sorted_as: Order = LISTING  # the order of its rows
    sorting: Order | None = None  # the order a worker sorts its rows in now
    gone: bool = False  # removed from the model (deleted, reloaded): the folder tree drops it

    @property
    def rows(self) -> list[Node | tuple[Any, ...]]:
        """What the view shows of this level: every loaded row, or those the filter kept."""
        return self.shown if self.shown is not None else self.children

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


class BlobModel(LevelRows):
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
        self.root, self.arranged = Node("root", ""), None
        self.endResetModel()

    # ---- structure -------------------------------------------------------------------------
    def node(self, index: Index) -> Node:
        """The item at index as a Node; a file row is wrapped in a transient one."""
        if not index.isValid():
            return self.root
        parent: Node = index.internalPointer()
        item = parent.rows[index.row()]
        if isinstance(item, Node):
            return item
        row = BlobRow._make(item)
        return Node("file", row.name, parent, row, position=index.row())

    def _level(self, parent: Index) -> Node | None:
        """The container node of parent's children without building a Node for a file (None:
        a file has no children). QTreeView asks index() and hasChildren() of every row of an
        open level each time it lays it out: the transient Node made that ~1.6x as slow."""
        if not parent.isValid():
            return self.root
        item = parent.internalPointer().rows[parent.row()]
        return item if isinstance(item, Node) else None

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self._level(parent)
        if node is not None and 0 <= row < len(node.rows) and 0 <= column < 5:
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
        node = self._level(parent)
        return 0 if node is None else len(node.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.HEADERS)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        node = self._level(parent)
        return node is not None and (bool(node.rows) or node.more())

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
        node = self._level(parent)
        rows = node.rows[first : last + 1] if node is not None else []
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
        if node.ahead is not None:  # read ahead already: in at once
            page, node.ahead = node.ahead, None
            self._arrived(node, browser, page)
        elif not node.reading:  # else the read-ahead on its way is delivered when it comes
            self._read(node, browser)

    def _read(self, node: Node, browser: BlobBrowser) -> None:
        """Fetch the page after what is inserted: for the view if it asked (`loading`), else
        kept in `ahead` until it does. A page of an older listing of the level is dropped."""
        fetch: Callable[[], tuple[list[Any], str | None]]
        if node.kind == "root":
            token = node.continuation
            fetch = lambda: browser.container_pages(token)  # noqa: E731
        else:
            prefix = node.name if node.kind == "folder" else ""
            container, token = node.container, node.continuation
            fetch = lambda: browser.blob_page(container, prefix, token)  # noqa: E731
        node.reading, listing = True, node.listing

        def arrived(page: tuple[list[Any], str | None]) -> None:
            if node.listing != listing:
                return
            node.reading = False
            if node.loading:
                self._arrived(node, browser, page)
            else:
                node.ahead = page

        def failed(error: BaseException) -> None:
            if node.listing != listing:
                return
            node.reading = False
            if node.loading:
                self._fetch_failed(node, browser, error)
            else:  # nobody asked yet: the next fetchMore asks again, and says why if it fails
                logger.info("reading ahead failed: %s", type(error).__name__)

        self.runner.run("listing storage", fetch, arrived, failed)

    def _alive(self, node: Node, browser: BlobBrowser) -> bool:
        """A page for a tree that was reset meanwhile (account switch), or for a level that was
        removed or listed again above it (deleted, reloaded), is dropped."""
        if browser is not self.browser:
            return False
        while node.parent is not None:
            if node.gone:
                return False
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
        if continuation is not None and not node.reading and node.ahead is None:
            self._read(node, browser)  # the next page, while this one is looked at
        items = [_child(node, row, 0) for row in rows]
        shown, match = node.shown, node.match
        if node.sorted_as != LISTING:  # a sorted level: each row at its place
            kept = items if shown is None or match is None else [i for i in items if match(i)]
            self._insert_sorted(node, items, kept)
            self.page_loaded.emit(len(rows))
            return
        if shown is not None and match is not None:  # a filtered level: only what it keeps
            node.children.extend(items)
            items = [item for item in items if match(item)]
        if not items:
            self.page_loaded.emit(len(rows))
            return
        first = len(node.rows)
        for position, item in enumerate(items, first):
            if isinstance(item, Node):
                item.position = position
        self.beginInsertRows(self._index_of(node), first, first + len(items) - 1)
        node.rows.extend(items)
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
        row = index.row()
        self.beginRemoveRows(self._index_of(parent), row, row)
        item = parent.rows.pop(row)
        if isinstance(item, Node):
            item.gone = True
        if parent.shown is not None:
            parent.children.remove(item)
        parent.version += 1
        for position in range(row, len(parent.rows)):  # rows below move up
            child = parent.rows[position]
            if isinstance(child, Node):
                child.position = position
        self.endRemoveRows()

    def refetch(self, index: QModelIndex) -> None:
        """Reload one level: drop what is shown and fetch its first page again."""
        node = self.node(index)
        for item in node.children:
            if isinstance(item, Node):
                item.gone = True
        if node.rows:
            self.beginRemoveRows(self._index_of(node), 0, len(node.rows) - 1)
            node.children.clear()
            if node.shown is not None:
                node.shown.clear()
            self.endRemoveRows()
        node.children.clear()
        node.fetched_once, node.continuation, node.loading = False, None, False
        node.version, node.ahead, node.reading = node.version + 1, None, False
        node.listing += 1
        self.fetchMore(self._index_of(node))


def _child(parent: Node, row: BlobRow | ContainerRow, position: int) -> Node | tuple[Any, ...]:
    if isinstance(row, ContainerRow):
        return Node("container", row.name, parent, row, position=position)
    if row.is_folder:
        return Node("folder", row.name, parent, row, position=position)
    # An exact tuple of atomic values: the garbage collector untracks it (a NamedTuple
    # subclass it keeps walking), which is what keeps full collections short.
    return tuple(row)


def display_name(item: Node | tuple[Any, ...]) -> str:
    """The Name column's text of a row (its last path segment), for matching a filter."""
    if isinstance(item, Node):
        row = item.row
        return row.display if isinstance(row, BlobRow) else item.name
    return BlobRow._make(item).display


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else ""
