"""The Account menu and toolbar (app.ui.accounts.actions): enabled for what is selected and
whether a call runs."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QToolBar

from app.ui.accounts.actions import ACTIONS, AccountActions


def test_enabled_for_what_is_selected_and_while_no_call_runs(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    toolbar = QToolBar()
    menu = window.menuBar().addMenu("Account")
    actions = AccountActions(window, menu, toolbar, {a[0]: lambda: None for a in ACTIONS})
    assert len(menu.actions()) == len(ACTIONS) and len(toolbar.actions()) == 7
    actions.update(idle=True, broker_usable=True, selected=False)
    assert actions["add"].isEnabled() and not actions["token"].isEnabled()
    assert actions["out_all"].isEnabled() and not actions["copy"].isEnabled()
    actions.update(idle=False, broker_usable=True, selected=True)
    assert not actions["add"].isEnabled() and actions["copy"].isEnabled()
    actions.update(idle=True, broker_usable=False, selected=True)
    assert not actions["token"].isEnabled() and actions["copy"].isEnabled()
    assert actions["token"].toolTip() == "Get token (Ctrl+T)"
