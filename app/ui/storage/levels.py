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
import heapq
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

from app.core.storage.blobs import BlobRow

Index = QModelIndex | QPersistentModelIndex
Order = tuple[int, bool]  # (column, descending)
LISTING: Order = (-1, False)  # as the service lists (no column): pages are appended
SORT_HERE = 5_000  # a level of more rows is sorted on a worker


class LevelRows(QAbstractItemModel):
    """The filter and the sort order of BlobModel's levels (its base class)."""

    order: Order = LISTING  # the order the table shows levels in
    arranged: Any = None  # the Node whose rows the table shows (sorted as `order`)
    runner: Any  # BlobModel's TaskRunner

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
        """Sort the level's loaded rows: here if they are few, else on a worker (100,000 rows
        take 250-430 ms of Python), put in once sorted with the rows that arrived meanwhile."""
        order = self.order
        if node.sorted_as == order or node.sorting == order or not node.expandable:
            return  # (QTableView asks twice: once itself, once as its header's indicator moves)
        if len(node.children) <= SORT_HERE:
            self._sorted(node, order, sorted(node.children, key=sort_key(order)))
            return
        rows, version, key = list(node.children), node.version, sort_key(order)

        def done(ordered: list[Any]) -> None:
            node.sorting = None
            if node.sorted_as == order or self.order != order:
                return  # sorted meanwhile, or another order asked for
            if node.version != version:  # rows removed or reloaded meanwhile: again
                self._sort(node)
                return
            had = {id(item) for item in rows}  # pages that arrived meanwhile go in too
            for item in (i for i in node.children if id(i) not in had):
                bisect.insort(ordered, item, key=key)
            self._sorted(node, order, ordered)

        node.sorting = order
        forget = lambda _: setattr(node, "sorting", None)  # noqa: E731 - asked again, sorted again
        self.runner.run("sorting", lambda: sorted_in_pieces(rows, key), done, forget)

    def _sorted(self, node: Any, order: Order, ordered: list[Any]) -> None:
        """The level's rows in this order, as one layout change; its rows keep their indexes."""
        self.layoutAboutToBeChanged.emit()  # (PySide emits it with no parents)
        old = list(node.rows)
        if node.shown is not None:
            keep = {id(item) for item in node.shown}
            node.shown = [item for item in ordered if id(item) in keep]
        node.children[:] = ordered
        node.sorted_as = order
        node.version += 1  # a filter matching a snapshot of the old order matches again
        self._move_persistent(node, old, node.rows)
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
        """From the rows shown to `shown` (None: all), as one layout change: the table asks
        for the rows on screen and the count only (QTreeView laid out every row of the level
        again, so this was done as removals and insertions of runs of rows). The rows that
        stay keep their selection and the keyboard's place (persistent indexes)."""
        old = node.rows
        new = shown if shown is not None else node.children
        if new is old:
            return
        self.layoutAboutToBeChanged.emit()
        self._move_persistent(node, old, new)
        node.shown = shown
        _renumber(node)
        self.layoutChanged.emit()

    def _move_persistent(self, node: Any, old: list[Any], new: list[Any]) -> None:
        """Persistent indexes of node's rows to those rows' places in `new` (gone: invalid)."""
        mine = [i for i in self.persistentIndexList() if i.internalPointer() is node]
        wanted = {id(old[i.row()]) for i in mine if i.row() < len(old)}
        rows = {id(item): row for row, item in enumerate(new) if id(item) in wanted}
        after = []
        for i in mine:
            row = rows.get(id(old[i.row()])) if i.row() < len(old) else None
            after.append(QModelIndex() if row is None else self.createIndex(row, i.column(), node))
        self.changePersistentIndexList(mine, after)

    def counts(self, index: Index) -> tuple[int, int]:
        """(rows shown, rows loaded) of the level."""
        node = self.node(index)
        return len(node.rows), len(node.children)


def sorted_in_pieces(rows: list[Any], key: Callable[[Any], Any], piece: int = 4000) -> list[Any]:
    """sorted(rows, key=key), as sorted pieces merged in Python: one sorted() of 100,000 rows
    compares their keys in C for ~100 ms without letting go of the GIL, and the GUI thread
    waited that out (a 106-152 ms gap); between the merge's steps it gets its turn."""
    pieces = [sorted(rows[at : at + piece], key=key) for at in range(0, len(rows), piece)]
    return list(heapq.merge(*pieces, key=key))


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
