"""The window's View and Help menus, and the diagnostics dock View ▸ Diagnostics shows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from app.core.broker.runtime import set_pii_logging
from app.core.tokens.scrubbing import PROCESS
from app.ui.common.icons import icon
from app.ui.common.widgets import shortcut_action
from app.ui.shell.diagnostics import DiagnosticsDock, versions
from app.ui.shell.theme import theme_menu


def build_menus(
    window: QMainWindow,
    open_matrix: Callable[[], object],
    open_arm: Callable[[], object],
    settings: QSettings,
) -> DiagnosticsDock:
    """File (Quit), View (Diagnostics, Configuration matrix, Subscriptions, Theme) and Help
    (About); the dock, hidden."""
    bar = window.menuBar()
    file = QMenu("&File", bar)
    bar.insertMenu(bar.actions()[0], file)  # first, before the Account menu
    quit_app = shortcut_action(window, "cancel", "&Quit", "Ctrl+Q", window.close)
    quit_app.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)  # the matrix's too
    quit_app.setMenuRole(QAction.MenuRole.QuitRole)
    file.addAction(quit_app)
    # The app's scrubber: --verbose stderr shows each line as the dock does (app/__main__.py).
    diagnostics = DiagnosticsDock(set_pii=set_pii_logging, parent=window, scrubber=PROCESS)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, diagnostics)
    diagnostics.install()
    diagnostics.hide()
    view = window.menuBar().addMenu("&View")
    toggle = diagnostics.toggleViewAction()
    toggle.setIcon(icon("diagnostics"))
    toggle.setShortcut(QKeySequence("Ctrl+L"))
    view.addAction(toggle)
    view.addAction(
        shortcut_action(window, "token", "Configuration &matrix…", "Ctrl+M", open_matrix)
    )
    view.addAction(
        shortcut_action(
            window, "storage", "&Subscriptions and storage accounts…", "Ctrl+Shift+S", open_arm
        )
    )
    view.addSeparator()
    theme_menu(view, settings)

    def about() -> None:
        from app.ui.shell.about import show_about  # not needed at start-up

        show_about(window, versions())

    window.menuBar().addMenu("&Help").addAction(
        shortcut_action(window, "about", "&About Broker Account Manager", "", about)
    )
    return diagnostics
