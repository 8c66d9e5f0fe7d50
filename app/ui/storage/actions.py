"""The blob pane's actions, reachable without a mouse: toolbar buttons that Tab stops at, a
shortcut each (while the tree or the toolbar has focus: Delete in the filter box deletes a
character, not a blob), the same actions in the tree's context menu (right-click, the Menu
key or Shift+F10), and Enter or a double-click on a blob for its preview (a container or
folder opens, as in a file manager; a preview, not download, because it writes nothing and
asks nothing; Alt+Enter shows its properties).

The toolbar shows icons only, each named by its tooltip and accessible name: that way all
of it fits the pane at the window's default size (900×560, the pane ~320 px) instead of
New container and Delete hiding behind an unlabelled ». Which actions are enabled follows
the selection and whether a storage call runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QMenu, QToolBar, QWidget

from app.ui.common.icons import icon
from app.ui.storage.model import BlobModel, Node

# (key, icon, text, shortcut, on the toolbar)
ACTIONS = (
    ("reload", "refresh", "Reload", "Ctrl+R", True),
    ("preview", "properties", "Preview", "", False),  # Enter, a double-click
    ("properties", "properties", "Properties", "Alt+Return", True),
    ("download", "download", "Download…", "Ctrl+S", True),
    ("upload", "upload", "Upload…", "Ctrl+U", True),
    ("upload_folder", "upload", "Upload a folder…", "Ctrl+Shift+U", False),
    ("new", "new", "New container…", "Ctrl+Shift+N", True),
    ("delete", "delete", "Delete…", "Del", True),
    ("copy_url", "copy", "Copy URL", "Ctrl+C", True),
)
MENU = ("preview", "properties", "download", "copy_url", None, "upload", "upload_folder", "new",
        "delete", None, "reload")  # fmt: skip


class PaneActions:
    def __init__(
        self,
        owner: QWidget,
        toolbar: QToolBar,
        tree: QAbstractItemView,
        slots: Mapping[str, Callable[[], object]],
        on_blob: Callable[[], object],
    ) -> None:
        self.tree = tree
        self.actions: dict[str, QAction] = {}
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        for key, icon_name, text, keys, on_toolbar in ACTIONS:
            action = QAction(icon(icon_name), text, owner)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shown = text.rstrip("…")
            keys_shown = action.shortcut().toString() or "Enter"
            action.setToolTip(f"{shown} ({keys_shown})")
            action.triggered.connect(slots[key])
            tree.addAction(action)  # its shortcut works while the tree has focus
            self.actions[key] = action
            if on_toolbar:
                toolbar.addAction(action)
                button = toolbar.widgetForAction(action)
                button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a toolbar's buttons had none
                button.setAccessibleName(shown)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self.popup)
        self.on_blob = on_blob
        tree.activated.connect(self._activated)

    def __getitem__(self, key: str) -> QAction:
        return self.actions[key]

    def update(
        self,
        connected: bool,
        idle: bool,
        current: Node | None,
        chosen: list[Node],
        queues: bool = True,
    ) -> None:
        """`queues`: a transfer asked for now would wait its turn (a transfer runs)."""
        kind = current.kind if current is not None else None
        sendable = (idle or queues) and kind in ("container", "folder", "file")
        kinds = {n.kind for n in chosen}
        enabled = {
            "reload": connected,
            "preview": idle and kind == "file",
            "properties": idle and kind == "file",
            "download": sendable,
            "upload": sendable,
            "upload_folder": sendable,
            "new": idle,
            "delete": idle and bool(kinds) and kinds <= {"container", "file"},
            "copy_url": connected and bool(kinds - {"root"}),
        }
        for key, action in self.actions.items():
            action.setEnabled(connected and enabled[key])

    def menu(self) -> QMenu:
        """The tree's context menu: the pane's actions, as enabled for the selection."""
        menu = QMenu(self.tree)
        for key in MENU:
            if key is None:
                menu.addSeparator()
            else:
                menu.addAction(self.actions[key])
        return menu

    def popup(self, at: QPoint) -> None:
        """At the pointer; from the keyboard (the Menu key), at the current row."""
        tree = self.tree
        if not tree.indexAt(at).isValid() and tree.currentIndex().isValid():
            at = tree.visualRect(tree.currentIndex()).center()
        menu = self.menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(tree.viewport().mapToGlobal(at))

    def _activated(self, index: QModelIndex) -> None:
        model = self.tree.model()
        if isinstance(model, BlobModel) and index.isValid() and model.node(index).kind == "file":
            self.on_blob()
