"""The accounts session: what the app knows about the broker's accounts, and the one place
that asks the broker about them.

Each call captures its profile and configuration when it is asked for, and its answer is kept
under those, whatever the user chose meanwhile (a sign-in started under one profile is
remembered under it, with its client id). Calls run one at a time (calls.py): a follow-up is
queued, another refused with the reason said, none dropped. A user's cancel is never an
outcome: nothing was decided. The session keeps the listing, the active account per profile,
the remembered and signed-out accounts (in the settings it is given) and the book of outcomes
per (account, configuration), and tells its listener what happened. Plain Python: no Qt.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from app.core.accounts.calls import Call, Listener, OneAtATime, Runner, is_user_cancel
from app.core.accounts.signin import sign_in
from app.core.accounts.signout import sign_out_each, signed_out_text
from app.core.arm.records import Discovery
from app.core.broker.errors import BrokerUnavailableError
from app.core.broker.records import Account, AccountListing, TokenResult, same_account
from app.core.broker.runtime import Broker
from app.core.configurations.configuration import Configuration
from app.core.configurations.profile import Profile
from app.core.guidance.broker import for_other_account
from app.core.outcomes.book import OutcomeBook
from app.core.outcomes.classify import by_rules, of_error, of_token
from app.core.outcomes.outcome import Outcome
from app.core.settings.data import StoreData
from app.core.settings.records import AccountRecord

logger = logging.getLogger(__name__)


class AccountsSession:
    def __init__(
        self,
        broker: Broker,
        runner: Runner,
        data: StoreData,
        save: Callable[[], None],
        names: Mapping[str, str],
        listener: Listener | None = None,
    ) -> None:
        self.broker = broker
        self.runner = runner
        self.data = data
        self.save = save
        self.names = names
        self.listener = listener or Listener()
        self.book = OutcomeBook()
        # What ARM said each account reaches, by home account id: the Subscriptions window
        # and the matrix's "every ARM tenant" choice share it (app.core.arm.discover)
        self.arm_found: dict[str, Discovery] = {}
        self.accounts: list[Account] = []  # listed under the current profile, shown
        self.listing = "asking"  # then "listed", or "failed" while no listing has arrived
        self.active: Account | None = None
        self.calls = OneAtATime(broker, runner, self.listener)
        self._restoring = True  # the next listing restores the profile's active account

    # ---- what is in use ----------------------------------------------------------------------
    @property
    def profile(self) -> Profile:
        return self.data.profile()

    @property
    def configuration(self) -> Configuration:
        return Configuration.of(self.profile)

    @property
    def active_id(self) -> str | None:
        return self.active.home_account_id if self.active else None

    def outcome(self, account: Account | None) -> Outcome | None:
        """The account's outcome under the configuration in use."""
        return self.book.get(account, self.configuration) if account else None

    def _call(self, label: str, account: Account | None = None, **kw: Any) -> Call:
        return Call(label, self.profile, self.configuration, account, **kw)

    def _current_profile(self, call: Call) -> bool:
        return call.profile.name == self.data.selected

    # ---- one broker call at a time -----------------------------------------------------------
    def _start(
        self,
        call: Call,
        fn: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
        handle: int | None = None,
    ) -> bool:
        """With the native handle of a window, the call may show the broker's window over it."""
        started = self.calls.start(call, fn, done, failed or (lambda e: self.calls.failed(e, call)))
        if started and handle is not None:
            self.listener.interactive_started(handle)
        return started

    @property
    def current(self) -> Call | None:
        """The call running now, if any."""
        return self.calls.current

    def cancel(self) -> None:
        self.calls.cancel()

    def close(self) -> None:
        """The app is closing: nothing more is started."""
        self.calls.close()

    # ---- listing -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """List the accounts under the profile in use (queued behind a running call)."""
        call = self._call("Listing accounts", queued=True)
        profile = call.profile
        self._start(
            call,
            lambda: self.broker.list_accounts(profile),
            lambda listing: self._listed(call, listing),
            lambda error: self._not_listed(call, error),
        )

    def _not_listed(self, call: Call, error: BaseException) -> None:
        if self._current_profile(call) and self.listing == "asking":
            self.listing = "failed"
            self.listener.accounts_changed()
        self.calls.failed(error, call)

    def _listed(self, call: Call, listing: AccountListing) -> None:
        if not self._current_profile(call):
            logger.info(
                "a listing for profile %r arrived after a switch: not shown", call.profile.name
            )
            return
        self.listener.listed(listing)
        forgotten = set(self.data.forgotten.get(call.profile.name, []))
        self.accounts = [a for a in listing.accounts if a.home_account_id not in forgotten]
        self.listing = "listed"
        self.listener.accounts_changed()
        self.book.settle_by_rules(self.accounts, self.configuration, self.names)
        self.listener.outcomes_changed()
        if self._restoring:
            self._restoring = False
            self._restore_active()

    def _restore_active(self) -> None:
        """The account that was active last time under this profile becomes active again, and
        a silent token is asked for it (after this listing)."""
        wanted = self.data.active.get(self.profile.name)
        account = next((a for a in self.accounts if a.home_account_id == wanted), None)
        if account is not None:
            self.set_active(account)
            self.get_token(account, queued=True)

    def configuration_changed(self) -> None:
        """Another profile, or the profile edited: its known outcomes show at once; the
        accounts are listed again under it and its active account's token asked anew."""
        self.book.settle_by_rules(self.accounts, self.configuration, self.names)
        self.listener.outcomes_changed()
        self.active = None
        self.listener.active_changed(None)
        self.listener.accounts_changed()
        self._restoring = True
        self.refresh()

    # ---- outcomes ------------------------------------------------------------------------------
    def record(self, account: Account, config: Configuration, outcome: Outcome) -> None:
        what = f"{outcome.label}: {outcome.title} ({outcome.code})"  # Diagnostics' App lines
        logger.info("%s under tenant %s: %s", account.username, config.tenant, what)
        self.book.put(account, config, outcome)
        if config == self.configuration:
            self.listener.outcomes_changed()
        self.listener.outcome_recorded(account, config, outcome)

    def record_answers(self, answers: Iterable[tuple[Account, Configuration, Outcome]]) -> None:
        """Many answers at once (a matrix run): kept, and the accounts told once."""
        for account, config, outcome in answers:
            self.book.put(account, config, outcome)
        self.listener.outcomes_changed()

    def _refused(self, call: Call) -> Callable[[BaseException], None]:
        account = call.account

        def record(error: BaseException) -> None:
            undecided = isinstance(error, BrokerUnavailableError) or is_user_cancel(error)
            if account is None or undecided:  # nothing was decided about an account
                self.calls.failed(error, call)
            else:
                outcome = of_error(account, call.config, error, self.names, self.broker.platform)
                self.record(account, call.config, outcome)

        return record

    def _answered(self, call: Call) -> Callable[[TokenResult], None]:
        return lambda result: self._got_token(call, result)

    def _got_token(self, call: Call, result: TokenResult) -> None:
        """Recorded for the account asked about (the token's own account record may carry the
        tenant it was issued in as its realm), else for the account the picker returned;
        remembered under the profile the call was asked under."""
        asked, account = call.account, result.account
        if asked is not None and not same_account(asked, account):
            self._answered_for_another(call, asked, result)
            return
        account = asked or account
        if call.keeps_account:
            self._remember(account, call.profile)
            if not self._current_profile(call):  # it becomes that profile's active account
                self.data.active.setdefault(call.profile.name, account.home_account_id)
                self.save()
            else:
                self._show(account)
                if self.active is None:
                    self.set_active(account)
        self.record(account, call.config, of_token(account, call.config, result, self.names))

    def _answered_for_another(self, call: Call, asked: Account, result: TokenResult) -> None:
        """The broker answered for another account (WAM can: MSAL.NET issue 4945; msal checks
        preferred_username against its hint): kept as that account's, the asked one's
        outcome unchanged."""
        other = result.account
        logger.info("asked the broker for one account, it answered for another")
        if self._current_profile(call) and call.keeps_account:
            self._remember(other, call.profile)
            self._show(other)
        self.record(other, call.config, of_token(other, call.config, result, self.names))
        advice = for_other_account(asked.username, other.username)
        advice = dataclasses.replace(advice, correlation_id=result.correlation_id, at=result.at)
        self.listener.failed(advice, asked, call.config)

    def token_failed(
        self, account: Account | None, scopes: tuple[str, ...], error: BaseException
    ) -> None:
        """A token asked for elsewhere (the blob pane's credential) was refused: kept and shown
        as this account's outcome for those scopes."""
        if account is not None:
            config = dataclasses.replace(self.configuration, scopes=scopes or self.profile.scopes)
            outcome = of_error(account, config, error, self.names, self.broker.platform)
            self.record(account, config, outcome)

    # ---- broker calls ----------------------------------------------------------------------------
    def get_token(self, account: Account | None, queued: bool = False) -> bool:
        """A silent token for the account under the configuration in use."""
        if account is None:
            return False
        call = self._call("Getting a token", account, queued=queued)
        ruled = by_rules(account, call.config, self.names, self.broker.platform)
        if ruled is not None:  # Entra ID refuses it for this kind of account: do not ask
            self.record(account, call.config, ruled)
            return True
        profile = call.profile
        return self._start(
            call,
            lambda: self.broker.acquire_token_silently(account, profile),
            self._answered(call),
            self._refused(call),
        )

    def add_account(self, handle: int) -> bool:
        """The broker's account picker; with the profile's "use the OS default account", the
        OS account is tried first without UI (azure-identity-broker's
        use_default_broker_account)."""
        call = self._call("Signing in")
        profile = call.profile
        return self._start(
            call, lambda: sign_in(self.broker, handle, profile), self._answered(call), handle=handle
        )

    def use_default_account(self) -> bool:
        call = self._call("Signing in with the OS account")
        profile = call.profile
        return self._start(
            call, lambda: self.broker.sign_in_default_account(profile), self._answered(call)
        )

    def sign_in_again(
        self, account: Account | None, handle: int, config: Configuration | None = None
    ) -> bool:
        """The broker's window for this account, under the configuration in use, or under the
        one given (a matrix cell's: its answer is only recorded as the cell's outcome)."""
        if account is None:
            return False
        call = self._call("Signing in again", account)
        if config is not None:
            profile = config.profile(call.profile)
            call = dataclasses.replace(call, config=config, profile=profile, keeps_account=False)
        profile = call.profile
        return self._start(
            call,
            lambda: self.broker.acquire_token_interactively(handle, account, profile),
            self._answered(call),
            self._refused(call),
            handle,
        )

    def sign_out(self, account: Account | None) -> bool:
        if account is None:
            return False
        call = self._call("Signing out", account)
        profile = call.profile
        return self._start(
            call,
            lambda: self.broker.sign_out(account, profile),
            lambda _: self._signed_out(call, account),
        )

    def sign_out_all(self) -> bool:
        """Every account listed under this profile signed out of this app in one call; one
        that fails is said, the others still go."""
        call = self._call("Signing out everywhere in this profile")
        profile, accounts = call.profile, list(self.accounts)

        def signed_out(done: list[tuple[Account, BaseException | None]]) -> None:
            for account, error in done:
                if error is None:
                    self._signed_out(call, account, quiet=True)
                else:
                    self.calls.failed(error, dataclasses.replace(call, account=account))
            gone = [a.username for a, error in done if error is None]
            if gone:
                self.listener.notice("Signed out", self._signed_out_text(", ".join(gone), call))

        return self._start(call, lambda: sign_out_each(self.broker, accounts, profile), signed_out)

    def _signed_out_text(self, who: str, call: Call) -> str:
        return signed_out_text(who, call.profile.client_id, self.broker.platform)

    def _signed_out(self, call: Call, account: Account, quiet: bool = False) -> None:
        """Forgotten under the profile it was signed out of (sign-out is per client id)."""
        home_id = account.home_account_id
        self.data.forget(call.profile.name, home_id)
        self.save()
        self.book.forget(account, call.profile.client_id)
        if self._current_profile(call):
            if self.active_id == home_id:
                self.set_active(None)
            self.accounts = [a for a in self.accounts if a.home_account_id != home_id]
            self.listener.accounts_changed()
            self.listener.outcomes_changed()
        if not quiet:
            self.listener.notice("Signed out", self._signed_out_text(account.username, call))

    def run(
        self,
        label: str,
        fn: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
        handle: int | None = None,
    ) -> bool:
        """Any other broker work (a matrix run, a request as an SDK user's code makes it) as
        the one call at a time: refused, with the reason told, while another runs. With the
        native handle of a window, it may show the broker's window over it."""
        return self._start(self._call(label), fn, done, failed, handle)

    # ---- the active account ---------------------------------------------------------------------
    def set_active(self, account: Account | None) -> None:
        self.active = account
        if account is None:
            self.data.active.pop(self.profile.name, None)
        else:
            self.data.active[self.profile.name] = account.home_account_id
        self.save()
        self.listener.active_changed(account)
        self.listener.accounts_changed()

    def _show(self, account: Account) -> None:
        """Listed, where it is not yet (an account a sign-in answered for)."""
        if all(a.home_account_id != account.home_account_id for a in self.accounts):
            self.accounts = [*self.accounts, account]
            self.listener.accounts_changed()

    def _remember(self, account: Account, profile: Profile) -> None:
        """Keep the account's AuthenticationRecord (never a token) under the profile."""
        self.data.remember(profile.name, AccountRecord.for_account(account, profile))
        self.save()
