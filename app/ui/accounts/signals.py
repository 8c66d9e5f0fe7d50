"""The accounts session (app.core.accounts.session) as Qt signals: the session tells this
listener what happened, and widgets connect to the signals. No state and no decisions here."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.core.accounts.calls import Listener
from app.core.broker.errors import BrokerUnavailable
from app.core.broker.records import Account, AccountListing
from app.core.configurations.configuration import Configuration
from app.core.guidance.advice import Guidance
from app.core.outcomes.outcome import Outcome


class SessionSignals(QObject, Listener):
    busy_changed = Signal(str)  # the label of the call started, "" once idle
    accounts_updated = Signal()
    outcomes_updated = Signal()
    outcome_shown = Signal(object, object, object)  # Account, Configuration, Outcome
    active_account = Signal(object)  # Account | None
    call_failed = Signal(object, object, object)  # Guidance, Account | None, Configuration
    call_refused = Signal(str)
    broker_unavailable = Signal(object)  # BrokerUnavailable
    listing_arrived = Signal(object)  # AccountListing
    interactive = Signal(int)  # the native handle the broker's window goes over
    notice_shown = Signal(str, str)  # title, text: what a call did

    def busy(self, label: str) -> None:
        self.busy_changed.emit(label)

    def accounts_changed(self) -> None:
        self.accounts_updated.emit()

    def outcomes_changed(self) -> None:
        self.outcomes_updated.emit()

    def outcome_recorded(self, account: Account, config: Configuration, outcome: Outcome) -> None:
        self.outcome_shown.emit(account, config, outcome)

    def active_changed(self, account: Account | None) -> None:
        self.active_account.emit(account)

    def failed(self, advice: Guidance, account: Account | None, config: Configuration) -> None:
        self.call_failed.emit(advice, account, config)

    def refused(self, text: str) -> None:
        self.call_refused.emit(text)

    def unavailable(self, reason: BrokerUnavailable) -> None:
        self.broker_unavailable.emit(reason)

    def listed(self, listing: AccountListing) -> None:
        self.listing_arrived.emit(listing)

    def notice(self, title: str, text: str) -> None:
        self.notice_shown.emit(title, text)

    def interactive_started(self, handle: int) -> None:
        self.interactive.emit(handle)
