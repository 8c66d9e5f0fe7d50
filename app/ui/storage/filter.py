"""The blob pane's filter box: narrows the loaded rows of the folder the table shows to those
whose names contain the text typed, including rows of pages that arrive later. Only loaded
rows: filtering never lists more of a folder than the user asked for.

The rows are matched on a worker (`app.ui.common.tasks`) over a copy of the level, and the
model then shows only the rows kept, in one layout change: hiding 50,000 rows one by one
(`QTreeView.setRowHidden`, each a call into the Python model, then a layout that asks for
every hidden row too) froze the window for about a second. Meanwhile the line under the tree
says how many rows are being matched; once applied, how many matched, kept up to date as
pages arrive.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QTimer
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

from app.ui.common.tasks import Task
from app.ui.storage.model import BlobModel, Node, display_name

logger = logging.getLogger(__name__)
Row = Node | tuple[Any, ...]


def matcher(text: str) -> Callable[[Row], bool]:
    """Case-insensitive "contains", on the Name column's text."""
    return lambda item: text in display_name(item).casefold()


class FolderFilter(QObject):
    def __init__(
        self, tree: QAbstractItemView, model: BlobModel, say: Callable[[str], None]
    ) -> None:
        super().__init__(tree)
        self.tree, self.model, self.say = tree, model, say
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Filter the loaded rows of this folder")
        self.edit.setAccessibleName("Filter the loaded rows of this folder")
        self.edit.setClearButtonEnabled(True)
        self.level = QPersistentModelIndex()  # the folder filtered (invalid: the top level)
        self.applied = ""  # the text the level shows the matches of
        self.task: Task | None = None  # the match running on the worker
        self.timer = QTimer(self, singleShot=True, interval=150)  # once typing pauses
        self.timer.timeout.connect(self.apply)
        self.edit.textChanged.connect(self.timer.start)
        model.page_loaded.connect(self._arrived)
        model.modelReset.connect(self.forget)

    @property
    def text(self) -> str:
        return self.edit.text().strip().casefold()

    def _folder(self) -> QModelIndex:
        """The folder the table shows."""
        root = self.tree.rootIndex()
        return self.model.index(root.row(), 0, root.parent()) if root.isValid() else root

    def _level(self) -> QModelIndex:
        level = self.level
        return self.model.index(level.row(), level.column(), level.parent())

    def apply(self) -> None:
        if self.task is not None:  # a newer text: the older match is not waited for
            self.task.cancel()
            self.task = None
        folder, text = self._folder(), self.text
        if self._level() != folder:  # another folder now: the last one shows all its rows
            self.model.show_only(self._level(), None)
            self.applied = ""
        self.level = QPersistentModelIndex(folder)
        if not text:
            self.model.show_only(folder, None)
            self.applied = ""
            self.say("")
            return
        rows, version = self.model.snapshot(folder)
        match = matcher(text)
        self.say(f"Filtering {len(rows):,} loaded rows of {self._name()} for “{text}”…")
        self.task = self.model.runner.run(
            "filtering",
            lambda: [item for item in rows if match(item)],
            lambda kept: self._matched(text, match, kept, (len(rows), version)),
            self._failed,
        )

    def _matched(
        self, text: str, match: Callable[[Row], bool], kept: list[Row], of: tuple[int, int]
    ) -> None:
        self.task = None
        if not self.model.show_only(self._level(), match, kept, of):
            self.apply()  # rows were removed or reloaded meanwhile: match them again
            return
        self.applied = text
        self._count()

    def _failed(self, error: BaseException) -> None:
        self.task = None
        logger.warning("the filter failed: %s", type(error).__name__)
        self.say("The filter could not be applied; type it again.")

    def _count(self) -> None:
        shown, total = self.model.counts(self._level())
        self.say(f"{shown:,} of {total:,} loaded rows of {self._name()} match “{self.applied}”.")

    def _name(self) -> str:
        return self.model.node(self._level()).name or "the storage account"

    def forget(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None
        self.level = QPersistentModelIndex()
        self.applied = ""

    def _arrived(self, _rows: int) -> None:
        if self.applied and self.task is None:
            self._count()  # a later page: the model showed what matched of it
