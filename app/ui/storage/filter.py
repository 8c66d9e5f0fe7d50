"""The blob pane's filter box: hides the loaded rows of one folder whose names do not contain
the text typed, including rows of pages that arrive later. Only loaded rows: filtering never
lists more of a folder than the user asked for."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QTimer
from PySide6.QtWidgets import QLineEdit, QTreeView

from app.ui.storage.model import BlobModel


class FolderFilter(QObject):
    def __init__(self, tree: QTreeView, model: BlobModel, say: Callable[[str], None]) -> None:
        super().__init__(tree)
        self.tree, self.model, self.say = tree, model, say
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Filter the loaded rows of this folder")
        self.edit.setAccessibleName("Filter the loaded rows of this folder")
        self.edit.setClearButtonEnabled(True)
        self.level = QPersistentModelIndex()  # the folder filtered (invalid: the top level)
        self.timer = QTimer(self, singleShot=True, interval=150)  # once typing pauses
        self.timer.timeout.connect(self.apply)
        self.edit.textChanged.connect(self.timer.start)
        model.rowsInserted.connect(self._arrived)
        model.modelReset.connect(self.forget)

    @property
    def text(self) -> str:
        return self.edit.text().strip().casefold()

    def _folder(self) -> QModelIndex:
        """The selected folder if it is open, else the folder the selection is in."""
        index = self.tree.currentIndex()
        if not index.isValid():
            return QModelIndex()
        index = index.siblingAtColumn(0)
        return index if self.tree.isExpanded(index) else index.parent()

    def apply(self) -> None:
        folder, text = self._folder(), self.text
        level = self.level
        old = self.model.index(level.row(), level.column(), level.parent())
        if old != folder:  # another folder now: the last one shows all its rows again
            self._hide(old, 0, self.model.rowCount(old) - 1, "")
        self.level = QPersistentModelIndex(folder)
        total = self.model.rowCount(folder)
        shown = self._hide(folder, 0, total - 1, text)
        name = self.model.node(folder).name or "the storage account"
        self.say(f"{shown:,} of {total:,} loaded rows of {name} match “{text}”." if text else "")

    def forget(self) -> None:
        self.level = QPersistentModelIndex()

    def _hide(self, folder: QModelIndex, first: int, last: int, text: str) -> int:
        shown = 0
        for row in range(first, last + 1):
            name = str(self.model.index(row, 0, folder).data() or "").casefold()
            hidden = bool(text) and text not in name
            self.tree.setRowHidden(row, folder, hidden)
            shown += not hidden
        return shown

    def _arrived(self, parent: QModelIndex, first: int, last: int) -> None:
        if self.text and QPersistentModelIndex(parent) == self.level:
            self.apply()  # a later page of the folder being filtered
