"""What the account buttons do: each asks the broker on a worker (one broker operation at a
time, app-wide), keeps the answer as an outcome for (account, configuration) and says what
happened through signals the window shows. No widgets here."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.core.broker.errors import BrokerError, BrokerUnavailableError
from app.core.broker.records import Account, AccountListing, TokenResult
from app.core.broker.runtime import Broker
from app.core.configurations.configuration import Configuration
from app.core.configurations.profile import Profile
from app.core.guidance.advice import Guidance
from app.core.guidance.explain import explain
from app.core.outcomes.book import OutcomeBook
from app.core.outcomes.classify import by_rules, of_error, of_token
from app.core.outcomes.outcome import Outcome
from app.core.settings.records import AccountRecord
from app.core.settings.store import StoreData
from app.ui.accounts.model import AccountsModel
from app.ui.common.tasks import Task, TaskRunner

logger = logging.getLogger(__name__)


class AccountActions(QObject):
    busy = Signal(str)  # the label of the call started, "" once idle again
    active_changed = Signal(object)  # Account | None: whose credential the app uses
    outcome_shown = Signal(object, object)  # (Account, Outcome): an answer to show
    failed = Signal(object, object)  # (Guidance, Account | None): what went wrong
    unavailable = Signal(object)  # BrokerUnavailable: no broker here
    listed = Signal(object)  # AccountListing: whether the broker itself answered

    def __init__(
        self,
        broker: Broker,
        runner: TaskRunner,
        data: StoreData,
        save: Callable[[], None],
        model: AccountsModel,
        tenant_names: Mapping[str, str],
    ) -> None:
        super().__init__()
        self.broker = broker
        self.runner = runner
        self.data = data
        self.save = save
        self.model = model
        self.names = tenant_names
        self.book = OutcomeBook()
        self.current: Task | None = None
        self.active: Account | None = None
        self.restoring = True  # the first listing restores the last active account
        # The sandbox picker's hook: (native handle, the window the dialog belongs over).
        self.interactive_started: Callable[[int, QObject], None] | None = None

    @property
    def profile(self) -> Profile:
        return self.data.profile()

    @property
    def configuration(self) -> Configuration:
        return Configuration.of(self.profile)

    def outcome(self, account: Account | None) -> Outcome | None:
        return self.book.get(account, self.configuration) if account else None

    # ---- one broker operation at a time ----------------------------------------------------
    def start(
        self,
        label: str,
        fn: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> Task | None:
        """Run fn on a worker unless another broker call is running; None if not started."""
        if self.current is not None:
            return None
        # The runtime loads on the first call, off the GUI thread; once it has failed to load,
        # say why instead of starting calls that cannot work.
        known = self.broker.known_unavailable
        if known is not None:
            self.unavailable.emit(known)
            return None
        self.current = self.runner.run(label, fn, done, failed or self._failed)
        self.current.finished.connect(self._finished)
        self.busy.emit(label)
        return self.current

    def _finished(self) -> None:
        self.current = None
        self.busy.emit("")

    def cancel(self) -> None:
        if self.current is not None:
            self.current.cancel()  # the broker's late answer will be dropped
            self.broker.stop_waiting()  # and a call queued behind an earlier one gives up

    def _failed(self, error: BaseException, account: Account | None = None) -> None:
        if isinstance(error, BrokerUnavailableError):
            self.unavailable.emit(error.unavailable)
            return
        advice: Guidance = explain(error)
        self.failed.emit(advice, account)
        logger.info("broker call failed: %s", advice.code)

    # ---- listing -----------------------------------------------------------------------------
    def refresh(self) -> None:
        profile = self.profile
        self.start(
            "Listing accounts",
            lambda: self.broker.list_accounts(profile),
            self._listed,
            self._not_listed,
        )

    def _not_listed(self, error: BaseException) -> None:
        self.model.listing_failed()
        self._failed(error)

    def _listed(self, listing: AccountListing) -> None:
        self.listed.emit(listing)
        forgotten = set(self.data.forgotten.get(self.profile.name, []))
        accounts = [a for a in listing.accounts if a.home_account_id not in forgotten]
        self.model.set_accounts(accounts, self.active.home_account_id if self.active else None)
        self.book.settle_by_rules(accounts, self.configuration, self.names)
        self.show_outcomes()
        if self.restoring:
            self.restoring = False
            self._restore_active(accounts)

    def show_outcomes(self) -> None:
        """The accounts list shows what is known under the current configuration."""
        config = self.configuration
        self.model.show_outcomes(lambda account: self.book.get(account, config))

    def configuration_changed(self) -> None:
        """A new configuration: its known outcomes (or "not checked") show at once; the
        accounts are listed again under it and the active account's token is asked anew."""
        self.book.settle_by_rules(
            [r.account for r in self.model.rows], self.configuration, self.names
        )
        self.show_outcomes()
        self.active = None
        self.model.set_active(None)
        self.active_changed.emit(None)
        self.restoring = True
        self.refresh()

    def _restore_active(self, accounts: list[Account]) -> None:
        """The account that was active last time becomes active again, and a silent token is
        tried for it in the background."""
        wanted = self.data.active.get(self.profile.name)
        account = next((a for a in accounts if a.home_account_id == wanted), None)
        if account is not None:
            self.set_active(account)
            QTimer.singleShot(0, lambda: self.get_token(account))

    # ---- tokens --------------------------------------------------------------------------------
    def _record(self, account: Account, config: Configuration, outcome: Outcome) -> None:
        self.book.put(account, config, outcome)
        if config == self.configuration:
            self.show_outcomes()
        self.outcome_shown.emit(account, outcome)

    def _answered(self, account: Account, config: Configuration) -> Callable[[TokenResult], None]:
        def done(result: TokenResult) -> None:
            self._got_token(result, config, account)

        return done

    def _refused(self, account: Account, config: Configuration) -> Callable[[BaseException], None]:
        def record(error: BaseException) -> None:
            if isinstance(error, BrokerUnavailableError):
                self.unavailable.emit(error.unavailable)
            elif isinstance(error, BrokerError) and error.status == "UserCanceled":
                self._failed(error, account)  # nothing was decided: the user stopped
            else:
                self._record(account, config, of_error(account, config, error, self.names))

        return record

    def _got_token(
        self, result: TokenResult, config: Configuration, asked: Account | None = None
    ) -> None:
        """Recorded for the account asked about (the token's own account record may carry the
        tenant it was issued in as its realm), else for the account the picker returned."""
        account = asked or result.account
        if self.model.row_of(account) < 0:
            rows = [r.account for r in self.model.rows]
            self.model.set_accounts([*rows, account], self.active_id)
        self._remember(account)
        if self.active is None:
            self.set_active(account)
        self._record(account, config, of_token(account, config, result, self.names))

    def token_failed(
        self, account: Account | None, scopes: tuple[str, ...], error: BrokerError
    ) -> None:
        """A token asked for elsewhere (the blob pane's credential) was refused: kept and shown
        as this account's outcome for those scopes, in the window's one banner."""
        if account is not None:
            config = dataclasses.replace(self.configuration, scopes=scopes or self.profile.scopes)
            self._record(account, config, of_error(account, config, error, self.names))

    @property
    def active_id(self) -> str | None:
        return self.active.home_account_id if self.active else None

    def get_token(self, account: Account | None) -> None:
        if account is None:
            return
        config = self.configuration
        ruled = by_rules(account, config, self.names)
        if ruled is not None:  # Entra ID refuses it for this kind of account: do not ask
            self._record(account, config, ruled)
            return
        profile = self.profile
        self.start(
            "Getting a token",
            lambda: self.broker.acquire_token_silently(account, profile),
            self._answered(account, config),
            self._refused(account, config),
        )

    def add_account(self, handle: int, window: QObject) -> None:
        """The broker's account picker; with the profile's "use the OS default account",
        the OS account is tried first without UI (azure-identity-broker's
        use_default_broker_account)."""
        profile, config = self.profile, self.configuration

        def sign_in() -> TokenResult:
            if profile.use_default_account:
                try:
                    return self.broker.sign_in_default_account(profile)
                except BrokerError as exc:
                    if not exc.interaction_required:
                        raise
            return self.broker.sign_in_interactively(handle, profile)

        started = self.start("Signing in", sign_in, lambda r: self._got_token(r, config))
        if started and self.interactive_started:
            self.interactive_started(handle, window)

    def use_default_account(self) -> None:
        profile, config = self.profile, self.configuration
        self.start(
            "Signing in with the OS account",
            lambda: self.broker.sign_in_default_account(profile),
            lambda r: self._got_token(r, config),
        )

    def sign_in_again(self, account: Account | None, handle: int, window: QObject) -> None:
        if account is None:
            return
        profile, config = self.profile, self.configuration
        started = self.start(
            "Signing in again",
            lambda: self.broker.acquire_token_interactively(handle, account, profile),
            self._answered(account, config),
            self._refused(account, config),
        )
        if started and self.interactive_started:
            self.interactive_started(handle, window)

    def sign_out(self, account: Account | None) -> None:
        if account is None:
            return
        profile = self.profile

        def forget(_: object) -> None:
            name, home_id = profile.name, account.home_account_id
            self.data.forgotten.setdefault(name, []).append(home_id)
            self.data.records[name] = [
                r for r in self.data.records.get(name, []) if r.home_account_id != home_id
            ]
            self.save()
            self.book.forget(account, profile.client_id)
            if self.active == account:
                self.set_active(None)
            rows = [r.account for r in self.model.rows if r.account != account]
            self.model.set_accounts(rows, self.active_id)

        self.start("Signing out", lambda: self.broker.sign_out(account, profile), forget)

    # ---- the active account -------------------------------------------------------------------
    def set_active(self, account: Account | None) -> None:
        self.active = account
        self.model.set_active(self.active_id)
        if account is None:
            self.data.active.pop(self.profile.name, None)
        else:
            self.data.active[self.profile.name] = account.home_account_id
        self.save()
        self.active_changed.emit(account)

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
