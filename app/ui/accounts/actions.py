"""The Account menu and toolbar: each action's icon, shortcut and tooltip, and which are
enabled for what is selected and whether a call runs. What each does is the window's."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QWidget

from app.core.broker.limits import NO_LIMITS, Limits
from app.core.outcomes.outcome import Kind, Outcome
from app.ui.common.widgets import shortcut_action

# (name, icon, text, shortcut, on the toolbar, needs a selected account)
ACTIONS: tuple[tuple[str, str, str, Any, bool, bool], ...] = (
    ("add", "add-account", "&Add account…", "Ctrl+N", True, False),
    ("default", "default-account", "Use &OS account", "Ctrl+D", True, False),
    ("token", "token", "Get &token", "Ctrl+T", True, True),
    ("active", "active", "Make &active", "Ctrl+Return", True, True),
    ("again", "sign-in-again", "Sign in a&gain…", "Ctrl+I", True, True),
    ("out", "sign-out", "Sign &out", "Ctrl+Shift+O", True, True),
    ("out_all", "sign-out", "Sign out &everywhere in this profile…", "", False, False),
    ("sdk", "token", "As your &code would…", "Ctrl+Y", False, True),
    ("copy", "copy", "&Copy username", "Ctrl+Shift+C", False, True),
    ("refresh", "refresh", "&Refresh", QKeySequence.StandardKey.Refresh, True, False),
)


# What each asks of the broker: True, its window (sign-in, picker); False, a call without a
# window; None, nothing that the session's limits stop (a listing is always asked: it explains
# itself; copying needs no broker; "As your code would" gates its own Ask).
SHOWS_WINDOW: dict[str, bool | None] = {
    "add": True, "default": False, "token": False, "active": False, "again": True,
    "out": False, "out_all": False, "sdk": None, "copy": None, "refresh": None,
}  # fmt: skip


def actions_toolbar(window: QMainWindow) -> QToolBar:
    """The window's toolbar: fixed in place, each action's text beside its icon."""
    toolbar = QToolBar("Actions")
    toolbar.setObjectName("actionsToolbar")
    toolbar.setMovable(False)
    window.addToolBar(toolbar)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.setIconSize(QSize(20, 20))
    return toolbar


class AccountActions:
    def __init__(
        self,
        parent: QWidget,
        menu: QMenu,
        toolbar: QToolBar,
        slots: Mapping[str, Callable[[], object]],
    ) -> None:
        self.actions: dict[str, QAction] = {}
        self.needs_account: set[str] = set()
        for name, icon_name, text, keys, on_toolbar, needs_account in ACTIONS:
            action = shortcut_action(parent, icon_name, text, keys, slots[name])
            menu.addAction(action)
            if on_toolbar:
                toolbar.addAction(action)
            if needs_account:
                self.needs_account.add(name)
            self.actions[name] = action
        self.tips = {name: action.toolTip() for name, action in self.actions.items()}

    def __getitem__(self, name: str) -> QAction:
        return self.actions[name]

    def update(
        self,
        idle: bool,
        broker_usable: bool,
        selected: bool,
        limits: Limits = NO_LIMITS,
        outcome: Outcome | None = None,
        acts_on: str = "",
        rows: int = 1,
    ) -> None:
        """Broker actions only while no call runs and the broker can be used; those about an
        account only with one selected (copying its username needs no broker); none that
        cannot work in this session (broker/limits.py), whose tooltip then says why; no
        "Sign in again" for an account a policy blocks (`outcome`, the selected account's),
        where signing in cannot help. With several rows selected, the account actions say
        which one they act on (`acts_on`, the current row)."""
        blocked = outcome is not None and outcome.kind is Kind.BLOCKED
        for name, action in self.actions.items():
            broker_ok = name == "copy" or (idle and broker_usable)
            window = SHOWS_WINDOW[name]
            blocking = limits.blocking(window) if window is not None else ()
            refused = blocked and name == "again"
            action.setEnabled(
                broker_ok
                and not blocking
                and not refused
                and (selected or name not in self.needs_account)
            )
            tip = self.tips[name]
            if blocking:
                tip = f"{tip}: not in this session ({blocking[0].title})"
            elif refused and outcome is not None:
                tip = f"{tip}: it cannot help, {outcome.title.lower()}. {outcome.fix}"
            elif rows > 1 and acts_on and name in self.needs_account:
                tip = f"{tip}: acts on {acts_on} only, the current of the {rows} rows selected"
            action.setToolTip(tip)
