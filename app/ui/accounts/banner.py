"""The window's banner: what the broker answered, or what failed, about one account (or
none) under one configuration. It offers "Sign in again" only where signing in can help,
names the account, says a cancelled sign-in neutrally, and hides when the user moves to
another account or configuration, which it is not about."""

from __future__ import annotations

from collections.abc import Callable

from app.core.broker.records import Account
from app.core.configurations.configuration import Configuration
from app.core.guidance.advice import Guidance
from app.core.outcomes.outcome import Kind, Outcome
from app.ui.common.widgets import Banner

NEUTRAL = frozenset({"UserCanceled"})  # nothing went wrong: the user stopped


class WindowBanner(Banner):
    def __init__(self, sign_in: Callable[[Account | None], None]) -> None:
        super().__init__("error")
        self.sign_in = sign_in  # an account's own sign-in; None: the account picker
        self.account_id: str | None = None  # what the message is about (None: no account)
        self.configuration: Configuration | None = None  # None: not about a configuration

    def _about(self, account: Account | None, configuration: Configuration | None) -> None:
        self.account_id = account.home_account_id if account else None
        self.configuration = configuration

    def show_failure(
        self, advice: Guidance, account: Account | None, configuration: Configuration
    ) -> None:
        tone = "info" if advice.code in NEUTRAL else ""
        self.show_guidance(advice, account.username if account else "", tone=tone)
        if advice.needs_interaction:
            self.offer("Sign in again", lambda: self.sign_in(account))
        self._about(account, configuration)

    def show_account_outcome(
        self, account: Account, outcome: Outcome, configuration: Configuration
    ) -> None:
        if outcome.kind is not Kind.TOKEN:
            self.show_outcome(account.username, outcome, lambda: self.sign_in(account))
            self._about(account, configuration)

    def show_unavailable(self, advice: Guidance) -> None:
        """About this machine, not an account: stays until dismissed."""
        self.show_guidance(advice)
        self._about(None, None)

    def active_changed(self, account: Account | None) -> None:
        about = self.account_id
        if about is not None and (account is None or account.home_account_id != about):
            self.hide()

    def configuration_changed(self, configuration: Configuration) -> None:
        if self.configuration is not None and configuration != self.configuration:
            self.hide()
