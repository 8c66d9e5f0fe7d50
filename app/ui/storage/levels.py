"""What the blob model does to one level's loaded rows besides paging them in: narrow them to
what a filter matched (`show_only`) and sort them (`sort`, `arrange`).

Both change only the level the table shows, and only its loaded rows (sorting never lists
more of a folder). A sorted level takes each later page row by row at its place (a binary
search per row), so scrolling on keeps the order; a level is in the
service's own listing order until a column is chosen, and pages are appended as they come.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

from app.core.storage.blobs import BlobRow

Index = QModelIndex | QPersistentModelIndex
Order = tuple[int, bool]  # (column, descending)
LISTING: Order = (-1, False)  # as the service lists (no column): pages are appended


class LevelRows(QAbstractItemModel):
    """The filter and the sort order of BlobModel's levels (its base class)."""

    order: Order = LISTING  # the order the table shows levels in
    arranged: Any = None  # the Node whose rows the table shows (sorted as `order`)

    def node(self, index: Index) -> Any:  # the Node at index (BlobModel's)
        raise NotImplementedError

    def _index_of(self, node: Any) -> QModelIndex:
        raise NotImplementedError

    # ---- sorting -----------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The table's header was clicked: its level (and each one opened later) in this order."""
        self.order = (column, order == Qt.SortOrder.DescendingOrder)
        if self.arranged is not None:
            self._sort(self.arranged)

    def arrange(self, index: Index) -> None:
        """The table shows this level now: in the table's order."""
        node = self.node(index)
        self.arranged = node
        if node.sorted_as != self.order:
            self._sort(node)

    def _sort(self, node: Any) -> None:
        key = sort_key(self.order)
        if node.sorted_as == self.order or not node.expandable:
            return
        self.layoutAboutToBeChanged.emit()  # (PySide emits it with no parents)
        old = list(node.rows)
        node.children.sort(key=key)
        if node.shown is not None:
            node.shown.sort(key=key)
        node.sorted_as = self.order
        node.version += 1  # a filter matching a snapshot of the old order matches again
        where = {id(item): row for row, item in enumerate(node.rows)}
        before, after = [], []
        for index in self.persistentIndexList():
            if index.internalPointer() is node and index.row() < len(old):
                before.append(index)
                row = where[id(old[index.row()])]
                after.append(self.createIndex(row, index.column(), node))
        self.changePersistentIndexList(before, after)
        _renumber(node)
        self.layoutChanged.emit()

    def _insert_sorted(self, node: Any, items: list[Any], shown: list[Any]) -> None:
        """A page for a sorted level: each row at its place (`shown`: those the view gets)."""
        key = sort_key(node.sorted_as)
        parent = self._index_of(node)
        if node.shown is not None:
            for item in items:
                bisect.insort(node.children, item, key=key)
        for item in shown:
            row = bisect.bisect_right(node.rows, key(item), key=key)
            self.beginInsertRows(parent, row, row)
            node.rows.insert(row, item)
            self.endInsertRows()
        _renumber(node)

    # ---- filtering a level -------------------------------------------------------------------
    def snapshot(self, index: Index) -> tuple[list[Any], int]:
        """A copy of the level's loaded rows (for a worker to match) and its version."""
        node = self.node(index)
        return list(node.children), node.version

    def show_only(
        self,
        index: Index,
        match: Callable[[Any], bool] | None,
        matched: list[Any] | None = None,
        of: tuple[int, int] = (0, 0),
    ) -> bool:
        """Show the level's rows `match` keeps (None: all of them). `matched` is what a worker
        kept of the first `of[0]` rows at version `of[1]`; rows added since are matched here.
        False when rows were removed, reloaded or sorted meanwhile: match a new snapshot."""
        node = self.node(index)
        if not node.expandable:
            return True
        if match is None:
            shown = None
        elif matched is None:
            shown = [item for item in node.children if match(item)]
        elif node.version != of[1]:
            return False
        elif node.sorted_as != LISTING:  # rows since were put in place, not appended
            shown = [item for item in node.children if match(item)]
        else:
            shown = matched + [item for item in node.children[of[0] :] if match(item)]
        self._change_rows(index, node, shown)
        node.match = match
        return True

    def _change_rows(self, index: Index, node: Any, shown: list[Any] | None) -> None:
        """From the rows shown to `shown` (None: all), as removals and insertions of runs of
        rows: a layout change made the view lay out every row of the level again, even the
        ones the filter drops (266 ms at 50,000 rows here); runs cost ~8 ms."""
        new = shown if shown is not None else node.children
        keep = {id(item) for item in new}
        if node.shown is None:
            node.shown = list(node.children)  # the same rows: the view sees no change yet
        view, row = node.shown, len(node.shown) - 1
        while row >= 0:  # drop the runs of rows the new list does not have, from the end
            if id(view[row]) in keep:
                row -= 1
                continue
            last = row
            while row >= 0 and id(view[row]) not in keep:
                row -= 1
            self.beginRemoveRows(index, row + 1, last)
            del view[row + 1 : last + 1]
            self.endRemoveRows()
        had, row = {id(item) for item in view}, 0
        while row < len(new):  # then put in the runs it has that are not shown
            if id(new[row]) in had:
                row += 1
                continue
            end = row
            while end < len(new) and id(new[end]) not in had:
                end += 1
            self.beginInsertRows(index, row, end - 1)
            view[row:row] = new[row:end]
            self.endInsertRows()
            row = end
        node.shown = shown if shown is None else view
        _renumber(node)

    def counts(self, index: Index) -> tuple[int, int]:
        """(rows shown, rows loaded) of the level."""
        node = self.node(index)
        return len(node.rows), len(node.children)


def _renumber(node: Any) -> None:
    for position, item in enumerate(node.rows):
        if not isinstance(item, tuple):
            item.position = position


class _Reversed:
    """A sort key compared the other way round (bisect has no `reverse`)."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.key < self.key)


EPOCH = datetime.min


@functools.lru_cache(maxsize=16)
def sort_key(order: Order) -> Callable[[Any], Any]:
    """The key a level's rows sort by in this order. Names compare case-insensitively, then
    exactly; folders come before blobs either way; rows without a value (containers have no
    size) sort first. The listing order is the service's own (nothing to sort): asked for
    again, it is taken as by name."""
    column, descending = order

    def fields(item: Any) -> tuple[str, bool, int, datetime, str, str]:
        if isinstance(item, tuple):
            row = BlobRow._make(item)
            name, folder = row.name, row.is_folder
            size, when, kind, tier = row.size, row.modified, row.content_type, row.tier
        else:
            row = item.row
            name, folder = item.name, item.kind != "file"
            size, kind, tier = None, None, None
            when = getattr(row, "modified", None)
        if when is not None and when.tzinfo is not None:
            when = when.replace(tzinfo=None)
        return name, folder, size or 0, when or EPOCH, kind or "", tier or ""

    def key(item: Any) -> Any:
        name, folder, size, when, kind, tier = fields(item)
        value: Any = (name.casefold(), name)
        if column == 1:
            value = (size, value)
        elif column == 2:
            value = (when, value)
        elif column == 3:
            value = (kind.casefold(), value)
        elif column == 4:
            value = (tier.casefold(), value)
        value = (not folder, value) if not descending else (folder, value)
        return _Reversed(value) if descending else value

    return key
