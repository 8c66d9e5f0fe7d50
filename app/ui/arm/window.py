"""View ▸ Subscriptions and storage accounts: what Azure Resource Manager says each listed
account can reach, tenant by tenant, found off the GUI thread as the session's one broker
call; a filter over names and ids; a storage account opens in the blob pane; a tenant that
needs a sign-in (MFA, consent, ARM's claims challenge) offers **Sign in for this tenant**.

Each tenant and subscription row has a check box: unticking hides it (kept in the settings
by the account's home account id, so it holds after signing out and in again and after a
restart); Refresh then asks neither a token nor a listing for a hidden tenant, nor the
storage accounts of a hidden subscription. "Show hidden" brings them back into view to tick
them again. What ARM lists later is shown until hidden (the settings keep what is hidden).

What ARM found is the session's (shared with the matrix's "Every ARM tenant" choice): what the
matrix discovered shows here without asking (its subscriptions' storage accounts not listed
yet), and what Refresh found the matrix does not discover again."""

from __future__ import annotations

import dataclasses
import time

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.core.accounts.session import AccountsSession
from app.core.arm.discover import DiscoveryRun, arm_configuration
from app.core.arm.records import Discovery, StorageAccount, TenantAnswer
from app.core.broker.records import Account
from app.core.configurations.configuration import Configuration
from app.ui.arm.model import ACCOUNT, KIND, PAYLOAD, ArmFilter, ArmModel, Node, tree


class ArmWindow(QMainWindow):
    open_storage = Signal(str, str)  # blob endpoint, home account id
    discovered = Signal()  # a discovery ended: `found` and the session's names hold it
    sign_in_wanted = Signal(object, object)  # account, configuration: a tenant's sign-in

    def __init__(self, session: AccountsSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setWindowTitle("Subscriptions and storage accounts — Broker Account Manager")
        self.resize(900, 560)
        self.session = session
        self.shown: dict[str, Discovery] = {}  # what the tree shows (of the session's)
        # (home account id, tenant) -> the claims a sign-in there satisfied
        self.claims: dict[tuple[str, str], str] = {}
        self.run: DiscoveryRun | None = None
        self.started = 0.0
        self.model = ArmModel(lambda: session.data.arm_hidden)  # the settings' own map
        self.model.choice_changed.connect(self._chosen)
        self.filter = ArmFilter()
        self.filter.setSourceModel(self.model)
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self._progress)
        self._build()
        self._running(False)
        self.show_known()  # what the matrix found before this window opened

    @property
    def found(self) -> dict[str, Discovery]:
        """What ARM said each account reaches: the session's, the one store the matrix's
        "Every ARM tenant" choice reads and adds to, so an account is discovered once."""
        return self.session.arm_found

    def _build(self) -> None:
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip(
            "Ask the broker for an ARM token per account and tenant (silently), then ARM for "
            "the tenants, subscriptions and storage accounts"
        )
        self.refresh_button.clicked.connect(self.refresh)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter by name or id")
        self.search.setAccessibleName("Filter subscriptions")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.open_button = QPushButton("Open in blob pane")
        self.open_button.clicked.connect(self.open_selected)
        self.sign_in_button = QPushButton("Sign in for this tenant")
        self.sign_in_button.clicked.connect(self.sign_in_selected)
        self.show_hidden = QCheckBox("Show hidden")
        self.show_hidden.setToolTip(
            "Show the tenants and subscriptions you unticked, to tick them again. Hidden ones "
            "are not asked on Refresh (no broker call, no ARM listing)"
        )
        self.show_hidden.toggled.connect(self._show_hidden)
        self.status = QLabel("Refresh to ask Azure Resource Manager what each account reaches.")
        self.status.setAccessibleName("Discovery status")
        self.status.setWordWrap(True)
        self.tree = QTreeView()
        self.tree.setModel(self.filter)
        self.tree.setAccessibleName("Tenants, subscriptions and storage accounts")
        self.tree.setUniformRowHeights(True)
        self.tree.setColumnWidth(0, 330)
        self.tree.setColumnWidth(1, 300)
        self.tree.doubleClicked.connect(self._activated)
        self.tree.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        top = QHBoxLayout()
        for widget in (self.refresh_button, self.cancel_button):
            top.addWidget(widget)
        top.addWidget(self.search, 1)
        top.addWidget(self.show_hidden)
        for widget in (self.open_button, self.sign_in_button):
            top.addWidget(widget)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.status)
        self.setCentralWidget(central)

    # ---- running -----------------------------------------------------------------------------
    def refresh(self, accounts: list[Account] | None = None) -> bool:
        """Every listed account (or those given), one broker call at a time, off the GUI thread."""
        chosen = list(self.session.accounts) if accounts is None else accounts
        if not chosen:
            self.status.setText("No accounts listed: add an account first.")
            return False
        base = Configuration.of(self.session.profile)
        hidden = dict(self.session.data.arm_hidden)
        run = DiscoveryRun(chosen, base, dict(self.session.names), claims=dict(self.claims),
                           hidden=hidden)  # fmt: skip
        broker, known = self.session.broker, dict(self.found)

        def work() -> tuple[dict[str, Discovery], Node]:
            """Off the GUI thread: the discovery, and the rows to show for it (plain Python)."""
            found = {**known, **run.run(broker)}
            return found, tree(found)

        label = "Discovering tenants and subscriptions"
        if not self.session.run(label, work, self._done, self._failed):
            self.status.setText("Another broker call is running: wait for it, or cancel it.")
            return False
        self.run, self.started = run, time.monotonic()
        self._running(True)
        self.timer.start()
        return True

    def cancel(self) -> None:
        run = self.run
        if run is None:
            return
        run.cancel()
        self.session.cancel()
        self._stop(run, "Cancelled: what was found is kept.")

    def _progress(self) -> None:
        run = self.run
        if run is not None and run.current:
            self.status.setText(f"Asking ({run.calls} so far): {run.current}")

    def _done(self, answer: tuple[dict[str, Discovery], Node]) -> None:
        run = self.run
        if run is None:
            return
        found, rows = answer
        seconds = time.monotonic() - self.started
        tenants = sum(len(d.tenants) for d in found.values())
        subs = sum(len(t.subscriptions) for d in found.values() for t in d.tenants)
        self._stop(
            run,
            f"{len(found)} accounts, {tenants} tenants, {subs} subscriptions in {seconds:.1f} s "
            f"({run.calls} calls). Each tenant was asked on its own.{self._hidden_note()}",
            rows,
        )

    def _failed(self, error: BaseException) -> None:
        if self.run is not None:
            self._stop(
                self.run, f"Discovery stopped: {type(error).__name__}. What was found is kept."
            )

    def _stop(self, run: DiscoveryRun, message: str, rows: Node | None = None) -> None:
        """Show what was found (the rows the worker built, or built here after a Cancel)."""
        self.timer.stop()
        self.run = None
        self.found.update(run.found())
        shared = self.session.names  # the accounts list's, the inspector's, the matrix's
        if isinstance(shared, dict):
            shared.update(run.names)
        self.shown = dict(self.found)
        self.model.show(rows if rows is not None else self.shown)
        self._count_hidden()
        self.tree.expandToDepth(0)  # accounts open, tenants closed: one click to subscriptions
        self.status.setText(message)
        self._running(False)
        self.discovered.emit()

    def show_known(self) -> bool:
        """Show what the session knows that the tree does not (the matrix's discovery),
        asking nothing; False while a Refresh runs (it shows its own) or nothing is new."""
        known = dict(self.found)
        same = known.keys() == self.shown.keys() and all(
            known[home] is self.shown[home] for home in known
        )
        if self.run is not None or same:
            return False
        self.shown = known
        self.model.show(known)
        self._count_hidden()
        self.tree.expandToDepth(0)
        tenants = sum(len(d.tenants) for d in known.values())
        subs = sum(len(t.subscriptions) for d in known.values() for t in d.tenants)
        then = "Refresh asks ARM again."
        if not all(d.storage for d in known.values()):
            then = "Storage accounts are not listed yet: Refresh lists them, asking ARM again."
        self.status.setText(
            f"Found already (nothing asked): {len(known)} accounts, {tenants} tenants, "
            f"{subs} subscriptions. {then}"
        )
        self._selected()
        return True

    def tenants_of(self, home_account_id: str) -> list[tuple[str, str]]:
        """(id, label) of the tenants found for this account, home first."""
        found = self.found.get(home_account_id)
        return found.offered() if found else []

    def _hidden_note(self) -> str:
        hidden = self.model.hidden_count()
        if not hidden:
            return ""
        where = "shown unticked" if self.show_hidden.isChecked() else "tick Show hidden to see them"
        return f" {hidden} hidden, not asked ({where})."

    def _chosen(self, home_account_id: str) -> None:
        """A tenant or subscription was hidden or shown: saved at once, the view follows."""
        self.session.save()
        self._count_hidden()
        self.status.setText(f"Your choice is saved; Refresh asks accordingly.{self._hidden_note()}")

    def _count_hidden(self) -> None:
        hidden = self.model.hidden_count()
        self.show_hidden.setText(f"Show hidden ({hidden})" if hidden else "Show hidden")

    def _show_hidden(self, show: bool) -> None:
        self.filter.set_show_hidden(show)

    def _running(self, running: bool) -> None:
        self.refresh_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self._selected()

    # ---- choosing ----------------------------------------------------------------------------
    def _filter(self, text: str) -> None:
        self.filter.set_text(text)
        if text:
            self.tree.expandAll()

    def _current(self) -> QModelIndex:
        indexes = self.tree.selectionModel().selectedRows()
        return indexes[0] if indexes else QModelIndex()

    def _selected(self) -> None:
        index = self._current()
        kind = index.data(KIND)
        payload = index.data(PAYLOAD)
        self.open_button.setEnabled(kind == "storage" and self.run is None)
        needs = isinstance(payload, TenantAnswer) and not payload.answered
        self.sign_in_button.setEnabled(needs and self.run is None)

    def _activated(self, index: QModelIndex) -> None:
        if index.sibling(index.row(), 0).data(KIND) == "storage":
            self.open_selected()

    def open_selected(self) -> None:
        index = self._current()
        account = index.data(PAYLOAD)
        if isinstance(account, StorageAccount):
            self.open_storage.emit(account.blob_endpoint, index.data(ACCOUNT))

    def sign_in_selected(self) -> None:
        """The broker's window for this account in this tenant, with the claims ARM asked for;
        that tenant's later tokens are asked with them."""
        index = self._current()
        answer, home = index.data(PAYLOAD), index.data(ACCOUNT)
        account = next((a for a in self.session.accounts if a.home_account_id == home), None)
        if not isinstance(answer, TenantAnswer) or account is None:
            return
        config = arm_configuration(
            Configuration.of(self.session.profile), account, answer.tenant.id
        )
        if answer.problem is not None and answer.problem.claims:
            config = dataclasses.replace(config, claims=answer.problem.claims)
            self.claims[(home, answer.tenant.id)] = answer.problem.claims
        self.sign_in_wanted.emit(account, config)
