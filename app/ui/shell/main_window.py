"""The main window: broker accounts, sign-in, silent tokens, the active account, the profile
being tried, and what went wrong with what to do about it.

It comes in two steps. `MainWindow(settings)` is the frame: its title, its size and place as
they were, and a line saying it opens; it needs nothing but Qt, so `python -m app` shows it as
soon as Qt can (benchmarks/startup.py). `building()` then fills it: the settings, the accounts
session, the list, the token and storage tabs, the menus. Everything it needs is imported
inside it, and opening.BUILD_MODULES lists those imports in the order application.run() takes
them, one turn of the event loop each, once the frame is on screen. Tests and the headless
modes build at once (application.build_window)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize, Signal
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
)

from app.ui.common.screen import fit_to_screen
from app.ui.shell import window_state
from app.ui.shell.opening import centred

if TYPE_CHECKING:
    from collections.abc import Iterator

    from PySide6.QtGui import QAction, QCloseEvent
    from PySide6.QtWidgets import QPushButton, QSplitter, QTabWidget, QToolBar

    from app.core.accounts.calls import Call
    from app.core.broker.errors import BrokerUnavailable
    from app.core.broker.records import Account
    from app.core.broker.runtime import Broker
    from app.core.configurations.configuration import Configuration
    from app.core.configurations.profile import Profile
    from app.core.guidance.advice import Guidance
    from app.core.outcomes.outcome import Outcome
    from app.core.settings.data import StoreData
    from app.core.settings.store import Store
    from app.ui.accounts.actions import AccountActions
    from app.ui.accounts.banner import WindowBanner
    from app.ui.accounts.broker_note import LimitsNote
    from app.ui.accounts.view import AccountsProxy, AccountsTable, AccountsView
    from app.ui.arm.window import ArmWindow
    from app.ui.common.tasks import TaskRunner
    from app.ui.common.widgets import Banner
    from app.ui.configurations.profile_bar import ProfileBar
    from app.ui.matrix.window import MatrixWindow
    from app.ui.shell.busy import BusyStatus
    from app.ui.shell.diagnostics import DiagnosticsDock
    from app.ui.shell.sandbox import SandboxDetails, SandboxPicker
    from app.ui.storage.pane import BlobPane
    from app.ui.storage.tab import StorageTab
    from app.ui.tokens.inspector import TokenInspector

logger = logging.getLogger(__name__)
# The default fits a 1366×768 screen with its panel; both are cut to smaller screens (and to
# 2× scaling) by fit_to_screen.
DEFAULT_SIZE, MINIMUM_SIZE = QSize(1120, 680), QSize(760, 440)
OPENING = "Opening the accounts list…"


class MainWindow(QMainWindow):
    sandbox_wanted = Signal()  # the user chose to restart with simulated accounts
    built = Signal()  # building() has filled the frame
    # Its parts, made by building() (app/ui/shell/layout.py):
    toolbar: QToolBar
    account_actions: AccountActions
    act_add: QAction
    act_default: QAction
    act_token: QAction
    act_active: QAction
    act_again: QAction
    act_out: QAction
    act_sdk: QAction
    act_refresh: QAction
    sandbox_banner: Banner  # sandbox mode's note, collapsible
    banner: WindowBanner  # what went wrong, with what to do
    notice: Banner
    limits_note: LimitsNote  # where the broker cannot work in this session
    host_banner: Banner  # while the profile's authority host is custom
    profile_bar: ProfileBar
    accounts_view: AccountsView
    table: AccountsTable
    proxy: AccountsProxy
    inspector: TokenInspector
    storage_tab: StorageTab
    tabs: QTabWidget
    splitter: QSplitter
    busy: BusyStatus
    busy_label: QLabel
    cancel_button: QPushButton
    diagnostics: DiagnosticsDock

    def __init__(self, settings: QSettings) -> None:
        super().__init__()
        self.settings = settings
        self.is_built = False
        self.setWindowTitle("Broker Account Manager")
        self.opening = QLabel(OPENING)
        self.setCentralWidget(centred(self.opening))  # replaced by building()
        fit_to_screen(self, DEFAULT_SIZE, MINIMUM_SIZE)  # then as it was, if it was
        window_state.restore_place(settings, self)

    def building(
        self,
        broker: Broker,
        runner: TaskRunner,
        store: Store,
        sandbox: SandboxDetails | None = None,
        can_offer_sandbox: bool = False,
    ) -> Iterator[None]:
        """Fill the frame, a part each time this yields (application.run takes one a turn of
        the event loop; application.build_window all at once): the settings, the session and
        the accounts list (not placed yet), then every part in its place (layout.lay_out:
        two more)."""
        from app.core.accounts.session import AccountsSession
        from app.ui.accounts.model import AccountsModel, display_tenant_names
        from app.ui.accounts.signals import SessionSignals
        from app.ui.accounts.view import AccountsView
        from app.ui.common.widgets import ask_yes
        from app.ui.shell.layout import lay_out
        from app.ui.shell.saver import SettingsSaver

        self.sandbox = sandbox
        self.broker, self.runner, self.store = broker, runner, store
        self.can_offer_sandbox = can_offer_sandbox  # no broker here: sandbox mode would run
        self.confirm = ask_yes  # tests answer for the question
        loaded = store.load()
        self.data = loaded.data
        self.saver = SettingsSaver(runner, lambda: self.store, self.data, self._saved)
        self.matrix: MatrixWindow | None = None
        self.arm: ArmWindow | None = None  # View ▸ Subscriptions and storage accounts
        names = display_tenant_names(sandbox.tenant_names if sandbox else None)
        self.model = AccountsModel(names)
        self.signals = SessionSignals()
        self.session = AccountsSession(broker, runner, self.data, self.save, names, self.signals)
        self.accounts_view = AccountsView(self.model)
        yield
        yield from lay_out(self, sandbox.note if sandbox else None, names)
        self.sandbox_picker: SandboxPicker | None = None
        if sandbox is not None:  # its control once the sandbox is up (sandbox_start.py)
            from app.ui.shell.sandbox import SandboxPicker

            self.sandbox_picker = SandboxPicker(sandbox.control, runner, self)
            self.signals.interactive.connect(self.sandbox_picker.watch)
            self.storage_tab.interactive.connect(self.sandbox_picker.watch)
        self._connect()
        if loaded.warning:
            self.notice.show_text(loaded.title, loaded.warning)
        self.host_banner.show_if("Custom authority host", self.profile.custom_host_warning)
        window_state.restore_layout(self.settings, self, self.splitter)
        self._update_actions()
        self.is_built = True
        self.built.emit()

    @property
    def profile(self) -> Profile:
        return self.data.profile()

    @profile.setter
    def profile(self, profile: Profile) -> None:
        """Replace the current profile (tests and the profile bar use this)."""
        self.profile_bar.replace(self.profile, profile)

    def save(self) -> None:
        """Save off the GUI thread (saver.py), after any save in flight. What another window
        saved meanwhile is merged into self.data (Store.save), and shown (_saved)."""
        self.saver.save()

    def _saved(self, problem: str | None, before: StoreData | None) -> None:
        """A save ended: a failure said (nothing is lost: the settings stay as they are in
        memory), or what another window saved shown: the profile list, and the profile in use
        if its fields changed."""
        if problem:
            self.notice.show_text("Could not save settings", problem)
            return
        if before is None or (self.data.names(), self.profile) == (
            before.names(),
            before.profile(),
        ):
            return  # fmt: skip
        self.profile_bar.show_data()
        if self.profile != before.profile():
            self.profile_bar.changed.emit(self.profile)

    @property
    def current(self) -> Call | None:
        return self.session.current

    @property
    def active(self) -> Account | None:
        return self.session.active

    def open_matrix(self) -> MatrixWindow:
        """The configuration matrix for the accounts listed now (one window, reused)."""
        from app.ui.matrix.window import MatrixWindow  # not needed at start-up
        from app.ui.shell.arm_link import discovered

        if self.matrix is None:
            self.matrix = MatrixWindow(self.session, self.signals, self.model.tenant_names, self)
            self.matrix.discovered.connect(lambda: discovered(self))  # names reach the list
        self.matrix.axes.name_tenants(self.model.tenant_names)  # ARM's, found since it opened
        self.matrix.show()
        self.matrix.raise_()
        return self.matrix

    def _connect(self) -> None:
        s = self.signals
        s.busy_changed.connect(self._busy)
        s.accounts_updated.connect(self._accounts_updated)
        s.outcomes_updated.connect(self._outcomes_updated)
        s.active_account.connect(self._active_for_storage)
        s.active_account.connect(self.banner.active_changed)
        s.outcome_shown.connect(self._outcome_shown)
        s.call_failed.connect(self._failed)
        s.call_refused.connect(self.busy_label.setText)
        s.notice_shown.connect(lambda title, text: self.notice.show_text(title, text, tone="info"))
        s.listing_arrived.connect(self.accounts_view.note.listing)
        s.broker_unavailable.connect(self._explain_unavailable)
        self.profile_bar.changed.connect(self._profile_changed)
        self.accounts_view.selection_changed.connect(self._selection_changed)
        self.accounts_view.activated.connect(self.make_active)
        tab = self.storage_tab
        tab.url_connected.connect(lambda url: self._remember(url=url))
        tab.download_folder.connect(lambda folder: self._remember(folder=folder))
        tab.sign_in_wanted.connect(self._sign_in_active_again)
        tab.token_refused.connect(
            lambda error, scopes: self.session.token_failed(self.active, scopes, error)
        )

    def _accounts_updated(self) -> None:
        session = self.session
        self.model.set_accounts(session.accounts, session.active_id, session.listing)
        self.diagnostics.handler.know(i for a in session.accounts for i in a.object_ids)
        self._selection_changed()  # a signed-out account's token leaves the inspector

    def _outcomes_updated(self) -> None:
        self.model.show_outcomes(self.session.outcome)
        self._selection_changed()  # the token shown is the selected account's, or none

    # ---- state -----------------------------------------------------------------------------
    def selected(self) -> Account | None:
        return self.accounts_view.selected()

    def _selection_changed(self) -> None:
        outcome = self.session.outcome(self.selected())
        self.inspector.show_result(outcome.token if outcome else None)
        self._update_actions()

    def _update_actions(self) -> None:
        from app.core.broker.limits import NO_LIMITS

        usable = self.broker.known_unavailable is None
        known = self.broker.limits.known  # found by the first call, off the GUI thread
        self.limits_note.show_limits(known)
        account = self.selected()
        self.account_actions.update(
            self.current is None,
            usable,
            account is not None,
            known or NO_LIMITS,
            self.session.outcome(account),
            account.username if account else "",
            len(self.table.selectionModel().selectedRows()),
        )

    def _busy(self, label: str) -> None:
        if label:
            self.banner.hide()
        self.busy.show(label)
        self._update_actions()

    @property
    def blobs(self) -> BlobPane:
        """The blob storage pane, built on first use (opening its tab)."""
        return self.storage_tab.pane

    def _active_for_storage(self, account: Account | None) -> None:
        """The blob pane browses with the active account's credential and nothing else."""
        from app.core.settings.records import AccountRecord

        if account is None:
            self.storage_tab.use_account(None)
            return
        profile = self.profile
        records = self.data.records.get(profile.name, [])
        record = next((r for r in records if r.home_account_id == account.home_account_id), None)
        record = record or AccountRecord.for_account(account, profile)
        active = (self.broker, account, profile, record, int(self.winId()))
        self.storage_tab.use_account(active)

    def _remember(self, url: str = "", folder: str = "") -> None:
        """A storage URL connected (remembered per profile) or a download folder used."""
        if url:
            self.data.add_recent_url(url, self.profile.name)
        if folder:
            self.data.add_download_folder(folder)
        self.save()

    def _sign_in_active_again(self) -> None:
        if self.active is not None:
            self._sign_in(self.active)

    def _profile_changed(self, profile: Profile) -> None:
        self.host_banner.show_if("Custom authority host", self.profile.custom_host_warning)
        self.storage_tab.show_recent()
        self.banner.configuration_changed(self.session.configuration)
        self.session.configuration_changed()
        self._selection_changed()

    # ---- what happened -------------------------------------------------------------------------
    def _explain_unavailable(self, unavailable: BrokerUnavailable) -> None:
        from app.core.guidance.statuses import for_unavailable

        self.banner.show_unavailable(for_unavailable(unavailable))
        if unavailable.kind == "no-broker" and self.can_offer_sandbox:
            self.banner.offer("Restart with simulated accounts", self.sandbox_wanted.emit)
        self._update_actions()

    def _failed(self, advice: Guidance, account: Account | None, config: Configuration) -> None:
        self.banner.show_failure(advice, account, config)
        self.accounts_view.note.failed(advice.code)

    def _outcome_shown(self, account: Account, config: Configuration, outcome: Outcome) -> None:
        """An answer under this profile's configuration, for its scopes or the storage
        credential's, is shown here; a matrix cell's under another is the matrix's to show."""
        import dataclasses

        current = self.session.configuration
        if dataclasses.replace(config, scopes=current.scopes) != current:
            return
        if self.selected() is None:
            self.accounts_view.select(account)
        self._selection_changed()  # the selected account's token under this configuration
        self.banner.show_account_outcome(account, outcome, config)
        self.accounts_view.note.failed(outcome.code)

    def _sign_in(self, account: Account | None) -> None:
        """Sign this account in again; with none, the broker's account picker."""
        if account is None:
            self.add_account()
            return
        self.accounts_view.select(account)
        self.sign_in_again()

    def _window_handle(self) -> int | None:
        """The native handle of our shown top-level window (HWND on Windows), read on the GUI
        thread. None until the window is shown: the broker's dialog needs a real parent."""
        if not self.isVisible():
            return None
        return int(self.winId())

    # ---- actions -----------------------------------------------------------------------------
    def add_account(self) -> None:
        if (handle := self._window_handle()) is not None:
            self.session.add_account(handle)

    def get_token(self) -> None:
        account, rows = self.selected(), len(self.table.selectionModel().selectedRows())
        if self.session.get_token(account) and account is not None and rows > 1:
            only = f"Getting a token for {account.username} only: the current of {rows} rows"
            self.statusBar().showMessage(only, 8000)

    def sign_in_again(self) -> None:
        handle = self._window_handle()
        if handle is not None:
            self.session.sign_in_again(self.selected(), handle)

    def sign_out(self) -> None:
        self.session.sign_out(self.selected())

    def sign_out_all(self) -> None:
        question = (f"Sign every account of profile “{self.profile.name}” out of this app "
                    "(client id)? The accounts stay on this device.")  # fmt: skip
        if self.confirm(self, "Sign out everywhere", question):
            self.session.sign_out_all()

    def as_your_code(self) -> None:
        """The selected account under this configuration, as azure-identity-broker would."""
        account, handle = self.selected(), self._window_handle()
        if account is not None and handle is not None:
            from app.ui.accounts.as_your_code import show  # not needed at start-up

            show(self.session, account, self.session.configuration, handle, self)

    def copy_username(self) -> None:
        from app.ui.common.widgets import copy_text

        if (account := self.selected()) is not None:
            copy_text(self, account.username, f"the username {account.username}")

    def make_active(self) -> None:
        if (account := self.selected()) is not None:
            self.session.set_active(account)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.is_built:  # closed while it opened: nothing to save, nothing to stop
            super().closeEvent(event)
            return
        self.saver.flush()  # at quit: the save in flight ends and what is pending is written
        window_state.save(self.settings, self, self.splitter)
        self.session.close()
        if self.storage_tab.built:  # quitting: the waiting transfers never start, and the
            # running one stops as Cancel stops it (nothing partial is left behind)
            self.blobs.queue.stop_all("the window closed before it started: nothing sent")
        if self.sandbox_picker is not None:
            self.sandbox_picker.stop()
        self.diagnostics.uninstall()
        super().closeEvent(event)
