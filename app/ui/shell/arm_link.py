"""The Subscriptions window joined to the main window: a storage account picked there opens in
the blob pane with its account's credential (that account made active), tenant names found
there show in the accounts list, outcomes and the inspector, a tenant's sign-in goes through
the session's one broker call, and once it gives a token that account is asked again."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QTabWidget, QWidget

from app.core.accounts.session import AccountsSession
from app.core.broker.records import Account
from app.core.configurations.configuration import Configuration
from app.core.outcomes.outcome import Outcome
from app.ui.accounts.model import AccountsModel
from app.ui.accounts.signals import SessionSignals
from app.ui.configurations.profile_bar import ProfileBar
from app.ui.storage.tab import StorageTab

if TYPE_CHECKING:
    from app.ui.arm.window import ArmWindow
    from app.ui.storage.pane import BlobPane


class MainWindow(Protocol):
    """What this needs of the main window (app.ui.shell.main_window.MainWindow)."""

    session: AccountsSession
    signals: SessionSignals
    model: AccountsModel
    tabs: QTabWidget
    storage_tab: StorageTab
    arm: ArmWindow | None
    profile_bar: ProfileBar

    @property
    def blobs(self) -> BlobPane: ...

    def _window_handle(self) -> int | None: ...

    def raise_(self) -> None: ...


def open_arm(window: MainWindow) -> ArmWindow:
    """View ▸ Subscriptions and storage accounts (one window, reused)."""
    from app.ui.arm.window import ArmWindow  # not needed at start-up

    arm = window.arm
    if arm is None:
        arm = ArmWindow(window.session, window if isinstance(window, QWidget) else None)
        arm.open_storage.connect(lambda url, home: open_storage(window, url, home))
        arm.discovered.connect(lambda: discovered(window))
        follow_active(window)
        pending: set[tuple[str, str]] = set()

        def sign_in(account: Account, config: Configuration) -> None:
            handle = window._window_handle()
            if handle is not None and window.session.sign_in_again(account, handle, config):
                pending.add((account.home_account_id, config.tenant))

        def answered(account: Account, config: Configuration, outcome: Outcome) -> None:
            key = (account.home_account_id, config.tenant)
            if key in pending:
                pending.discard(key)
                if outcome.token is not None:
                    arm.refresh([account])

        arm.sign_in_wanted.connect(sign_in)
        window.signals.outcome_shown.connect(answered)
        window.arm = arm
    arm.show()
    arm.raise_()
    return arm


def open_storage(window: MainWindow, url: str, home_account_id: str) -> None:
    """The blob pane browses with the active account's credential only: the storage account's
    account becomes the active one, then the pane connects to its blob endpoint."""
    account = next((a for a in window.session.accounts if a.home_account_id == home_account_id),
                   None)  # fmt: skip
    if account is not None and window.session.active_id != home_account_id:
        window.session.set_active(account)
    window.tabs.setCurrentWidget(window.storage_tab)
    pane = window.blobs
    pane.url.setCurrentText(url)
    pane.connect_storage()
    window.raise_()


def discovered(window: MainWindow) -> None:
    """The session's names (shared with the list and the inspector) and ARM findings may have
    grown (the Subscriptions window's Refresh, or the matrix's discovery): show them, in the
    Subscriptions window too, asking nothing; the profile bar offers the active account's
    tenants."""
    if window.arm is not None:
        window.arm.show_known()
    follow_active(window)
    offer_tenants(window)


_following: weakref.WeakSet[SessionSignals] = weakref.WeakSet()


def follow_active(window: MainWindow) -> None:
    """From the first discovery (or the Subscriptions window) on, the tenant field offers the
    tenants of whichever account becomes active (connected once)."""
    if window.signals not in _following:
        _following.add(window.signals)
        window.signals.active_account.connect(lambda _: offer_tenants(window))
    model = window.model
    if model.rowCount():
        model.dataChanged.emit(model.index(0, 0), model.index(model.rowCount() - 1,
                                                              model.columnCount() - 1))  # fmt: skip


def offer_tenants(window: MainWindow) -> None:
    """The tenant field offers the active account's tenants that were found (none before),
    whichever window found them: the session keeps them."""
    active = window.session.active_id
    found = window.session.arm_found.get(active) if active else None
    window.profile_bar.offer_tenants(found.offered() if found else [])
