"""The main window: broker accounts, sign-in, silent tokens, the active account, the profile
being tried, and what went wrong with what to do about it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QSize, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core import guidance
from app.core.accounts import Account, AccountListing, AccountRecord, TokenResult
from app.core.broker import Broker, set_pii_logging
from app.core.errors import BrokerError, BrokerUnavailable, BrokerUnavailableError
from app.core.profile import Profile
from app.core.store import Store
from app.ui.accounts_model import ERROR, FRESH, NEEDS_SIGN_IN, UNUSABLE, AccountsModel
from app.ui.broker_state import AccountsNote, waiting_note
from app.ui.diagnostics import DiagnosticsDock, versions
from app.ui.icons import icon
from app.ui.profile_bar import ProfileBar
from app.ui.tasks import Task, TaskRunner
from app.ui.widgets import Banner, TokenInspector

if TYPE_CHECKING:
    from app.ui.blob_pane import BlobPane

logger = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    active_changed = Signal(object)  # Account | None: the account whose credential the app uses

    def __init__(
        self,
        broker: Broker,
        runner: TaskRunner,
        store: Store,
        settings: QSettings,
        sandbox_note: str | None = None,
        tenant_names: dict[str, str] | None = None,
        storage_ca: str | None = None,
        storage_url: str | None = None,
    ) -> None:
        super().__init__()
        self.storage_ca = storage_ca  # the sandbox emulator's CA; None: the system's
        self.storage_url = storage_url  # the account URL the blob pane starts with
        self.broker = broker
        self.runner = runner
        self.store = store
        self.settings = settings
        loaded = store.load()
        self.data = loaded.data
        self.active: Account | None = None
        self.restoring = True  # the first listing restores the last active account
        self.current: Task | None = None
        self.tokens: dict[str, TokenResult] = {}
        self.interactive_started: Callable[[int], None] | None = None  # sandbox picker hook
        self.offer_sandbox: Callable[[], None] | None = None  # restart with --sandbox
        self.setWindowTitle("Broker Account Manager")
        self.setMinimumSize(900, 560)
        self.model = AccountsModel(tenant_names)
        self._build(sandbox_note)
        if loaded.warning:
            self.notice.show_text("Settings were reset", loaded.warning)
        self._restore_geometry()
        self._update_actions()

    @property
    def profile(self) -> Profile:
        return self.data.profile()

    @profile.setter
    def profile(self, profile: Profile) -> None:
        """Replace the current profile (tests and the profile bar use this)."""
        self.profile_bar.replace(self.profile, profile)

    def save(self) -> None:
        try:
            self.store.save(self.data)
        except (OSError, ValueError) as exc:
            self.notice.show_text("Could not save settings", f"{type(exc).__name__}: {exc}")

    # ---- layout ----------------------------------------------------------------------------
    def _build(self, sandbox_note: str | None) -> None:
        self.toolbar = QToolBar("Actions")
        self.toolbar.setObjectName("actionsToolbar")
        self.toolbar.setMovable(False)
        self.addToolBar(self.toolbar)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.setIconSize(QSize(20, 20))
        menu = self.menuBar().addMenu("&Account")
        self._menu = menu
        self.act_add = self._action("add-account", "&Add account…", "Ctrl+N", self.add_account)
        self.act_default = self._action(
            "default-account", "Use &OS account", "Ctrl+D", self.use_default_account
        )
        self.act_token = self._action("token", "Get &token", "Ctrl+T", self.get_token)
        self.act_active = self._action("active", "Make &active", "Ctrl+Return", self.make_active)
        self.act_again = self._action(
            "sign-in-again", "Sign in a&gain…", "Ctrl+I", self.sign_in_again
        )
        self.act_out = self._action("sign-out", "Sign &out", "Ctrl+Shift+O", self.sign_out)
        self.act_copy = self._action(
            "copy", "&Copy username", "Ctrl+Shift+C", self.copy_username, toolbar=False
        )
        self.act_refresh = self._action(
            "refresh", "&Refresh", QKeySequence.StandardKey.Refresh, self.refresh
        )

        self.sandbox_banner = Banner("sandbox")
        if sandbox_note:
            self.sandbox_banner.show_text("Sandbox mode", sandbox_note, closable=False)
        self.banner = Banner("error")

        self.notice = Banner("info")
        self.profile_bar = ProfileBar(self.data, self.save)
        self.profile_bar.changed.connect(self._profile_changed)

        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter accounts")
        self.filter.setAccessibleName("Filter accounts")
        self.filter.setClearButtonEnabled(True)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        focus_filter = QAction(self)
        focus_filter.setShortcut(QKeySequence.StandardKey.Find)
        focus_filter.triggered.connect(lambda: self.filter.setFocus())
        self.addAction(focus_filter)

        self.table = QTableView()
        self.table.setAccessibleName("Accounts")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setIconSize(QSize(28, 28))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _: self.make_active())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())

        self.inspector = TokenInspector()
        # The blob pane is built when first needed (see `blobs`), not at start-up.
        self.storage_tab = QWidget()
        QVBoxLayout(self.storage_tab).setContentsMargins(0, 0, 0, 0)
        self._blobs: BlobPane | None = None
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Token and storage")
        self.tabs.addTab(self.inspector, icon("token"), "Token")
        self.tabs.addTab(self.storage_tab, icon("storage"), "Blob storage")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.active_changed.connect(self._active_for_storage)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.accounts_note = AccountsNote()
        left_layout.addWidget(self.accounts_note)
        left_layout.addWidget(self.filter)
        left_layout.addWidget(self.table, 1)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.tabs)
        self.splitter.setSizes([560, 340])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.sandbox_banner)
        layout.addWidget(self.notice)
        layout.addWidget(self.profile_bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.busy_label = QLabel()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel the running broker call")
        self.cancel_button.clicked.connect(self.cancel)
        self.statusBar().addWidget(self.busy_label, 1)
        self.statusBar().addPermanentWidget(self.cancel_button)
        self.cancel_button.hide()
        self._build_menus()

    def _action(
        self,
        icon_name: str,
        text: str,
        shortcut: Any,
        slot: Callable[[], None],
        toolbar: bool = True,
    ) -> QAction:
        action = QAction(icon(icon_name), text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({action.shortcut().toString()})")
        action.triggered.connect(slot)
        self._menu.addAction(action)
        if toolbar:
            self.toolbar.addAction(action)
        return action

    def _build_menus(self) -> None:
        self.diagnostics = DiagnosticsDock(set_pii=set_pii_logging, parent=self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.diagnostics)
        self.diagnostics.install()
        self.diagnostics.hide()
        view = self.menuBar().addMenu("&View")
        toggle = self.diagnostics.toggleViewAction()
        toggle.setIcon(icon("diagnostics"))
        toggle.setShortcut(QKeySequence("Ctrl+L"))
        view.addAction(toggle)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction(icon("about"), "&About Broker Account Manager", self)
        about.triggered.connect(self._show_about)
        help_menu.addAction(about)

    def _show_about(self) -> None:
        from app.ui.about import show_about  # not needed at start-up

        show_about(self, versions())

    # ---- state -----------------------------------------------------------------------------
    def selected(self) -> Account | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        account = self.proxy.data(rows[0], AccountsModel.AccountRole)
        return account if isinstance(account, Account) else None

    def _selection_changed(self) -> None:
        account = self.selected()
        self.inspector.show_result(self.tokens.get(account.home_account_id) if account else None)
        self._update_actions()

    def _update_actions(self) -> None:
        idle = self.current is None
        unavailable = self.broker.known_unavailable is not None
        has = self.selected() is not None
        for action in (self.act_add, self.act_default, self.act_refresh):
            action.setEnabled(idle and not unavailable)
        for action in (self.act_token, self.act_again, self.act_out, self.act_active):
            action.setEnabled(idle and has and not unavailable)
        self.act_copy.setEnabled(has)

    @property
    def blobs(self) -> BlobPane:
        """The blob storage pane, built on first use (opening its tab)."""
        return self._blobs or self._build_blob_pane()

    def _tab_changed(self) -> None:
        if self.tabs.currentWidget() is self.storage_tab and self._blobs is None:
            self._build_blob_pane()

    def _build_blob_pane(self) -> BlobPane:
        """With the current profile's recent URLs and the active account's credential."""
        from app.ui import blob_pane  # imported here: it is not needed at start-up

        pane = blob_pane.BlobPane(self.runner, connection_verify=self.storage_ca or True)
        pane.recent_changed = self._remember_url
        pane.sign_in_again = self._sign_in_active_again
        pane.set_recent(self.data.recent_urls.get(self.profile.name, []))
        if self.storage_url:
            pane.url.setCurrentText(self.storage_url)
        layout = self.storage_tab.layout()
        assert layout is not None
        layout.addWidget(pane)
        self._blobs = pane
        self._active_for_storage(self.active)
        return pane

    def _active_for_storage(self, account: Account | None) -> None:
        """The blob pane browses with the active account's credential and nothing else."""
        if self._blobs is None:
            return  # applied when the pane is built
        if account is None:
            self.blobs.set_credential(None, None)
            return
        # azure-identity is imported on first use, not at start-up (warm_up() preloads it).
        from app.core.credentials import BrokerAccountCredential

        credential = BrokerAccountCredential(self.broker, account, self.profile)
        self.blobs.set_credential(credential, account.username)

    def _remember_url(self, url: str) -> None:
        self.data.add_recent_url(url, self.profile.name)
        self.save()
        self.blobs.set_recent(self.data.recent_urls.get(self.profile.name, []))

    def _sign_in_active_again(self) -> None:
        if self.active is not None:
            self._select(self.active)
            self.sign_in_again()

    def _profile_changed(self, profile: Profile) -> None:
        if self._blobs is not None:
            self._blobs.set_recent(self.data.recent_urls.get(profile.name, []))
        self.tokens.clear()
        self.inspector.show_result(None)
        self.active = None
        self.model.set_accounts([], None, keep_state=False)
        self.restoring = True
        self.active_changed.emit(None)
        self.refresh()

    # ---- running broker calls ----------------------------------------------------------------
    def _start(
        self,
        label: str,
        fn: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> bool:
        if self.current is not None:
            return False  # one broker operation at a time
        # The runtime loads on the first call, off the GUI thread; once it has failed to load,
        # say why instead of starting calls that cannot work.
        unavailable = self.broker.known_unavailable
        if unavailable is not None:
            self._explain_unavailable(unavailable)
            return False
        self.banner.hide()
        self.current = self.runner.run(label, fn, done, failed or self._failed(label))
        self.current.finished.connect(self._finished)
        self.busy_label.setText(f"{label}…{waiting_note(self.broker)}")
        self.cancel_button.show()
        self._update_actions()
        return True

    def _explain_unavailable(self, unavailable: BrokerUnavailable) -> None:
        self.banner.show_guidance(guidance.for_unavailable(unavailable))
        if unavailable.kind == "no-broker" and self.offer_sandbox is not None:
            self.banner.offer("Restart with simulated accounts", self.offer_sandbox)

    def _finished(self) -> None:
        self.current = None
        self.busy_label.clear()
        self.cancel_button.hide()
        self._update_actions()

    def cancel(self) -> None:
        if self.current is not None:
            self.current.cancel()  # the broker's late answer will be dropped
            self.broker.stop_waiting()  # and a call queued behind an earlier one gives up

    def _failed(
        self, label: str, account: Account | None = None
    ) -> Callable[[BaseException], None]:
        def show(error: BaseException) -> None:
            if isinstance(error, BrokerUnavailableError):
                self._explain_unavailable(error.unavailable)
                return
            advice = guidance.explain(error)
            self.banner.show_guidance(advice, label)
            self.accounts_note.failed(advice)
            if account is not None:
                state = NEEDS_SIGN_IN if advice.needs_interaction else ERROR
                if isinstance(error, BrokerError) and error.aadsts in (50020, 700016, 90002):
                    state = UNUSABLE
                self.model.update(account, state=state, detail=advice.title)
            logger.info("%s failed: %s", label, advice.code)

        return show

    def _window_handle(self) -> int | None:
        """The native handle of our shown top-level window (HWND on Windows), read on the GUI
        thread. None until the window is shown: the broker's dialog needs a real parent."""
        if not self.isVisible():
            return None
        return int(self.winId())

    # ---- actions -----------------------------------------------------------------------------
    def refresh(self) -> None:
        profile = self.profile
        self._start("Listing accounts", lambda: self.broker.list_accounts(profile), self._listed)

    def _listed(self, listing: AccountListing) -> None:
        self.accounts_note.listing(listing)
        forgotten = set(self.data.forgotten.get(self.profile.name, []))
        accounts = [a for a in listing.accounts if a.home_account_id not in forgotten]
        selected = self.selected()
        active_id = self.active.home_account_id if self.active else None
        self.model.set_accounts(accounts, active_id)
        for account in accounts:
            self._mark_usability(account)
        if selected:
            self._select(selected)
        if self.restoring:
            self.restoring = False
            self._restore_active(accounts)

    def _restore_active(self, accounts: list[Account]) -> None:
        """The account that was active last time becomes active again, and a silent token is
        tried for it in the background."""
        wanted = self.data.active.get(self.profile.name)
        account = next((a for a in accounts if a.home_account_id == wanted), None)
        if account is not None:
            self._set_active(account)
            self._select(account)
            QTimer.singleShot(0, self.get_token)

    def _mark_usability(self, account: Account) -> None:
        """Say which accounts this profile cannot use, and why, before anyone tries."""
        p = self.profile
        if account.personal and not (p.admits_consumers or p.msa_passthrough):
            self.model.update(
                account,
                state=UNUSABLE,
                detail="Personal account: turn on MSA passthrough or use the "
                "common or consumers tenant",
            )
        elif not account.personal and not p.admits_work_accounts:
            self.model.update(
                account,
                state=UNUSABLE,
                detail="Work or school account: the consumers tenant admits personal accounts only",
            )

    def _select(self, account: Account) -> None:
        row = self.model.row_of(account)
        if row >= 0:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            self.table.selectRow(index.row())

    def _got_token(self, result: TokenResult) -> None:
        account = result.account
        if self.model.row_of(account) < 0:
            self.model.set_accounts(
                [r.account for r in self.model.rows] + [account],
                self.active.home_account_id if self.active else None,
            )
        self.tokens[account.home_account_id] = result
        self._remember(account)
        self.model.update(account, state=FRESH, detail="")
        if self.active is None:
            self._set_active(account)
        self._select(account)
        self.inspector.show_result(result)

    def _remember(self, account: Account) -> None:
        """Keep the account's AuthenticationRecord (never a token) under this profile."""
        name = self.profile.name
        records = [
            r
            for r in self.data.records.get(name, [])
            if r.home_account_id != account.home_account_id
        ]
        self.data.records[name] = [*records, AccountRecord.for_account(account, self.profile)]
        forgotten = self.data.forgotten.get(name, [])
        if account.home_account_id in forgotten:
            forgotten.remove(account.home_account_id)
        self.save()

    def add_account(self) -> None:
        """The broker's account picker; with the profile's "use the OS default account",
        the OS account is tried first without UI (azure-identity-broker's
        use_default_broker_account)."""
        handle, profile = self._window_handle(), self.profile
        if handle is None:
            return

        def sign_in() -> TokenResult:
            if profile.use_default_account:
                try:
                    return self.broker.sign_in_default_account(profile)
                except BrokerError as exc:
                    if not exc.interaction_required:
                        raise
            return self.broker.sign_in_interactively(handle, profile)

        if self._start("Signing in", sign_in, self._got_token) and self.interactive_started:
            self.interactive_started(handle)

    def use_default_account(self) -> None:
        profile = self.profile
        self._start(
            "Signing in with the OS account",
            lambda: self.broker.sign_in_default_account(profile),
            self._got_token,
        )

    def get_token(self) -> None:
        account, profile = self.selected(), self.profile
        if account is not None:
            self._start(
                "Getting a token",
                lambda: self.broker.acquire_token_silently(account, profile),
                self._got_token,
                self._failed("Getting a token", account),
            )

    def sign_in_again(self) -> None:
        account, profile = self.selected(), self.profile
        if account is None:
            return
        handle = self._window_handle()
        if handle is None:
            return
        started = self._start(
            "Signing in again",
            lambda: self.broker.acquire_token_interactively(handle, account, profile),
            self._got_token,
            self._failed("Signing in again", account),
        )
        if started and self.interactive_started:
            self.interactive_started(handle)

    def sign_out(self) -> None:
        account, profile = self.selected(), self.profile
        if account is None:
            return

        def forget(_: object) -> None:
            name, home_id = profile.name, account.home_account_id
            self.data.forgotten.setdefault(name, []).append(home_id)
            self.data.records[name] = [
                r for r in self.data.records.get(name, []) if r.home_account_id != home_id
            ]
            self.save()
            self.tokens.pop(home_id, None)
            rows = [r.account for r in self.model.rows if r.account != account]
            if self.active == account:
                self._set_active(None)
            self.model.set_accounts(rows, self.active.home_account_id if self.active else None)
            self.inspector.show_result(None)

        self._start("Signing out", lambda: self.broker.sign_out(account, profile), forget)

    def make_active(self) -> None:
        account = self.selected()
        if account is not None:
            self._set_active(account)

    def _set_active(self, account: Account | None) -> None:
        self.active = account
        self.model.set_active(account.home_account_id if account else None)
        if account is None:
            self.data.active.pop(self.profile.name, None)
        else:
            self.data.active[self.profile.name] = account.home_account_id
        self.save()
        self.active_changed.emit(account)

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)  # type: ignore[arg-type]
        splitter = self.settings.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)  # type: ignore[arg-type]
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)  # type: ignore[arg-type]

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/state", self.saveState())
        if self.current is not None:
            self.current.cancel()
        self.diagnostics.uninstall()
        super().closeEvent(event)

    def copy_username(self) -> None:
        account = self.selected()
        if account is not None:
            QGuiApplication.clipboard().setText(account.username)
