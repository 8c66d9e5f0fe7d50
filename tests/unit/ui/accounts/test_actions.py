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


def test_what_cannot_work_in_this_session_is_off_and_its_tooltip_says_why(qtbot):
    """Elevated: only the broker's window cannot work; as another user, no broker call can
    (app/core/broker/limits.py). The listing is always asked; copying needs no broker."""
    from app.core.broker.limits import find
    from tests.stubs import SessionProbes

    window = QMainWindow()
    qtbot.addWidget(window)
    menu = window.menuBar().addMenu("Account")
    actions = AccountActions(window, menu, QToolBar(), {a[0]: lambda: None for a in ACTIONS})
    elevated = find(SessionProbes(is_elevated=True))
    actions.update(idle=True, broker_usable=True, selected=True, limits=elevated)
    off = {name for name, action in actions.actions.items() if not action.isEnabled()}
    assert off == {"add", "again"}
    assert actions["again"].toolTip() == (
        "Sign in again (Ctrl+I): not in this session (Running as administrator)"
    )
    run_as = find(SessionProbes(desktop="CONTOSO\\megan"))
    actions.update(idle=True, broker_usable=True, selected=True, limits=run_as)
    on = {name for name, action in actions.actions.items() if action.isEnabled()}
    assert on == {"refresh", "copy", "sdk"}
    actions.update(idle=True, broker_usable=True, selected=True)  # nothing found: all back
    assert all(action.isEnabled() for action in actions.actions.values())
    assert actions["again"].toolTip() == "Sign in again (Ctrl+I)"


def test_no_sign_in_again_for_a_blocked_account_and_several_rows_say_which(qtbot):
    """A Conditional Access block: signing in again cannot help, so it is off and its tooltip
    says why; with several rows selected, the account actions name the one they act on."""
    from app.core.outcomes.outcome import Kind, Outcome

    window = QMainWindow()
    qtbot.addWidget(window)
    menu = window.menuBar().addMenu("Account")
    actions = AccountActions(window, menu, QToolBar(), {a[0]: lambda: None for a in ACTIONS})
    blocked = Outcome(Kind.BLOCKED, "AADSTS53003", "Blocked by Conditional Access", "why",
                      "Ask your IT administrator to check the sign-in logs.")  # fmt: skip
    actions.update(idle=True, broker_usable=True, selected=True, outcome=blocked)
    assert not actions["again"].isEnabled() and actions["token"].isEnabled()
    assert "cannot help, blocked by conditional access" in actions["again"].toolTip()
    assert "Ask your IT administrator" in actions["again"].toolTip()
    interaction = Outcome(Kind.INTERACTION, "InteractionRequired", "Sign-in required", "", "")
    actions.update(True, True, True, outcome=interaction, acts_on="adele@contoso.example", rows=3)
    assert actions["again"].isEnabled()
    assert actions["token"].toolTip() == (
        "Get token (Ctrl+T): acts on adele@contoso.example only, the current of the 3 rows selected"
    )
    assert actions["add"].toolTip() == "Add account (Ctrl+N)"  # not about a selected account
