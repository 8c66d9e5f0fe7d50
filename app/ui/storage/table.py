"""The flat table of one folder's contents (Storage Explorer's model): the blob model's level
the pane opened (`setRootIndex`), its rows paged in as it is scrolled, sortable by any column,
taking files dropped from the desktop.

A table, not a tree: QTreeView lays out every row of an open level, asking the Python model
for each one (index, hasChildren, parent), each time the level changes, which stalled the
window 557–751 ms when a 50,000-blob folder opened. A table with fixed row heights asks only
for the rows on screen and the row count.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from app.ui.common.focus import FocusDelegate
from app.ui.storage.model import BlobModel

NAME_WIDTH = 120


class BlobTable(QTableView):
    def __init__(
        self, on_drop: Callable[[list[Path], QModelIndex], None], model: BlobModel
    ) -> None:
        super().__init__()
        self.on_drop = on_drop
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setAccessibleName("Contents of the folder shown")
        self.setModel(model)
        self.setItemDelegate(FocusDelegate(self))  # where the keyboard is, always shown
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the table, as it left the tree
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no row is ever measured
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        model.rowsInserted.connect(self.fit_type_column)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(40)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # Fixed widths, not ResizeToContents: that measures every row of a 100,000-row level;
        # Size and Modified as wide as their longest text, so that Name, Size and Modified
        # fit a 300 px pane; Content type grows to the widest type of each page as it arrives.
        fits = self.fontMetrics().horizontalAdvance
        for column, width in (
            (1, fits("999.9 MB") + 16), (2, fits("2026-12-31 23:59") + 16),
            (3, header.sectionSizeHint(3)), (4, 48),
        ):  # fmt: skip
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # as the service lists
        self.setSortingEnabled(True)

    def header(self) -> QHeaderView:
        """The column header (a tree's name for it, which the pane's code and tests use)."""
        return self.horizontalHeader()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_name_column()

    def fit_name_column(self) -> None:
        """Name takes the width the other columns leave, but never less than NAME_WIDTH:
        stretched, it was squeezed to "…" by a wide Content type in a narrow pane."""
        header = self.header()
        others = sum(header.sectionSize(c) for c in range(1, header.count()))
        header.resizeSection(0, max(NAME_WIDTH, self.viewport().width() - others))

    def fit_type_column(self, parent: QModelIndex, first: int, last: int) -> None:
        """A page arrived: Content type widens to its widest type (never measured over every
        row of a 100,000-row level, as ResizeToContents would)."""
        model = self.model()
        types = model.content_types(parent, first, last) if isinstance(model, BlobModel) else ()
        if types:
            wanted = max(self.fontMetrics().horizontalAdvance(t) for t in types) + 16
            if wanted > self.header().sectionSize(BlobModel.TYPE):
                self.header().resizeSection(BlobModel.TYPE, wanted)
                self.fit_name_column()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            at = self.indexAt(event.position().toPoint())
            self.on_drop(paths, at if at.isValid() else self.rootIndex())
            event.acceptProposedAction()
