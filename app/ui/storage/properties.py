"""A blob's properties in a dialog of their own: every value selectable, one or all copied."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.storage.details import BlobDetails
from app.ui.common.widgets import CopyingTree


class ReadOnlyDelegate(QStyledItemDelegate):
    """Double-click (or F2) opens a value in a read-only field: part of it can be selected."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        editor = QLineEdit(parent)
        editor.setReadOnly(True)
        editor.setFrame(False)
        return editor

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Nothing here is changed by the user."""


class PropertiesDialog(QDialog):
    def __init__(self, details: BlobDetails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.details = details
        self.setWindowTitle(f"Properties — {details.name.rsplit('/', 1)[-1]}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.tree = CopyingTree(self.copy_selected)
        self.tree.setAccessibleName("Blob properties")
        self.tree.setHeaderLabels(["Property", "Value"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)  # scroll, never cut
        self.tree.setItemDelegate(ReadOnlyDelegate(self.tree))
        self.tree.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        for name, value in details.rows():
            self._add(None, name, value)
        for title, values, empty in (
            ("Metadata", details.metadata, "none"),
            ("Index tags", details.tags, details.tags_unreadable or "none"),
        ):
            group = self._add(None, title, "" if values else empty)
            for key, value in values.items():
                self._add(group, key, value)
            group.setExpanded(True)
        self.tree.setRootIsDecorated(bool(details.metadata or details.tags))
        for text, slot in (("Copy (Ctrl+C)", self.copy_selected), ("Copy all", self.copy_all)):
            action = QAction(text, self.tree)
            action.triggered.connect(slot)
            self.tree.addAction(action)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        hint = QLabel("Ctrl+C copies the selected rows; double-click a value to select part of it.")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy_all = QPushButton("Copy all")
        copy_all.setAccessibleName("Copy all properties")
        copy_all.clicked.connect(self.copy_all)
        buttons.addButton(copy_all, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(640, 460)

    def _add(self, parent: QTreeWidgetItem | None, name: str, value: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([name, value])
        item.setToolTip(1, value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)  # read-only: see the delegate
        if parent is None:
            self.tree.addTopLevelItem(item)
        else:
            parent.addChild(item)
        return item

    def text_of(self, items: list[QTreeWidgetItem]) -> str:
        lines = []
        for item in items:
            parent = item.parent()
            name = f"{parent.text(0)}: {item.text(0)}" if parent else item.text(0)
            lines.append(f"{name}\t{item.text(1)}")
        return "\n".join(lines)

    def all_items(self) -> list[QTreeWidgetItem]:
        items = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top is not None:
                children = (top.child(j) for j in range(top.childCount()))
                items += [top, *(c for c in children if c is not None)]
        return items

    def copy_selected(self) -> None:
        chosen = set(map(id, self.tree.selectedItems()))
        self._copy(self.text_of([i for i in self.all_items() if id(i) in chosen]))

    def copy_all(self) -> None:
        self._copy(self.text_of(self.all_items()))

    def _copy(self, text: str) -> None:
        if text:
            QGuiApplication.clipboard().setText(text)
