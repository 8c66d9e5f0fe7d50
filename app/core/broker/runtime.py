"""The only module that imports pymsalruntime: our door to the OS authentication broker.

Every call runs the native asynchronous API with our own deadline (app/core/broker/calls.py). The
native library can block ~300 s on a broker that never answers and cancel_async_operation()
does not cut silent calls short (app/sandbox/BEHAVIOUR.md, "The broker on D-Bus"), so callers
get a BrokerTimeout when our deadline passes and the late callback is dropped. Callbacks arrive
on a native thread; everything is copied out of the native objects inside the callback.
Blocking calls: run them off the GUI thread.

Native calls are kept to the minimum an operation needs: the native account objects the
runtime hands us (listings, sign-ins, reads) are held, with the result object that owns each,
so a silent call or sign-out does not read the account again first (a read costs ~13-55 ms
and ~19 kB of native memory the runtime never returns, measured with 0.20.7).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any, TypeVar

from app.core.broker import calls, platform, preload, request, unavailable
from app.core.broker.errors import (
    BrokerError,
    BrokerUnavailable,
    BrokerUnavailableError,
    DBusErrors,
    NotBrokered,
    UnavailableHere,
)
from app.core.broker.held import Held, HeldAccounts
from app.core.broker.limits import Probed, Probes
from app.core.broker.records import Account, AccountListing, TokenResult
from app.core.configurations.profile import Profile

logger = logging.getLogger(__name__)
native_logger = logging.getLogger("msalruntime")
T = TypeVar("T")

_runtime: ModuleType | BrokerUnavailable | None = None
_runtime_lock = threading.Lock()
_pii_logging = False


_dbus_errors = DBusErrors()
_cid, _require_handle = calls.correlation_id, calls.require_handle
_check = request.check


def load_runtime() -> ModuleType | BrokerUnavailable:
    """Import pymsalruntime once per process; the outcome (module or reason) is cached, because
    the native runtime decides once, at import, whether a broker answers."""
    global _runtime
    # A load begun by preload.start() (waiting releases the GIL, loading not), and the
    # window's sandbox starting: a sandbox that did not start is said, not cached.
    refused = preload.wait()
    if refused is not None:
        return refused
    with _runtime_lock:
        if _runtime is None:
            _runtime = _import_runtime()
            if isinstance(_runtime, BrokerUnavailable):
                logger.warning("broker unavailable (%s): %s", _runtime.kind, _runtime.reason)
            else:
                _register_native_logging(_runtime)
        return _runtime


def _import_runtime() -> ModuleType | BrokerUnavailable:
    try:
        import pymsalruntime
    except ImportError as exc:
        if not isinstance(exc, OSError):  # PyInstallerImportError is both
            return unavailable.wheel_missing(exc)
        return unavailable.missing_libraries(exc)
    except OSError as exc:
        return unavailable.missing_libraries(exc)
    except RuntimeError as exc:
        return unavailable.no_broker(exc)
    return pymsalruntime  # type: ignore[no-any-return]


def _register_native_logging(runtime: ModuleType) -> None:
    levels = {
        runtime.LogLevel.TRACE: logging.DEBUG,
        runtime.LogLevel.DEBUG: logging.DEBUG,
        runtime.LogLevel.INFO: logging.INFO,
        runtime.LogLevel.WARNING: logging.WARNING,
        runtime.LogLevel.ERROR: logging.ERROR,
        runtime.LogLevel.FATAL: logging.CRITICAL,
    }

    def log(message: str, level: Any) -> None:
        if "DBus.Error." in message:
            _dbus_errors.note(message)
        native_logger.log(levels.get(level, logging.DEBUG), "%s", message)

    # Keep the handle: releasing it unregisters the callback.
    runtime._log_handle = runtime.register_logging_callback(log)  # type: ignore[attr-defined]
    runtime.set_is_pii_enabled(1 if _pii_logging else 0)


def set_pii_logging(enabled: bool) -> None:
    """PII (usernames, account ids) in the native runtime's log lines: off unless asked.
    Never loads the runtime (the GUI thread calls this); one loaded later starts with it."""
    global _pii_logging
    _pii_logging = enabled
    loaded = _runtime
    if loaded is not None and not isinstance(loaded, BrokerUnavailable):
        loaded.set_is_pii_enabled(1 if enabled else 0)


class Broker:
    """Synchronous, deadline-bound calls to the broker. Raises BrokerError (typed with the
    native status), BrokerTimeout (BrokerBusy when an earlier request still held the broker),
    or BrokerUnavailableError when the broker is unavailable.

    `busy_timeout`: how much longer a call whose deadline passed waits for the broker to answer
    an earlier request it is queued behind (the runtime gives up on a held request after
    ~300 s by itself). `probes`: where the broker cannot work in this session (limits.py;
    the platform's own unless given): a call they rule out is refused with UnavailableHere."""

    def __init__(
        self,
        timeout: float = 30.0,
        interactive_timeout: float = 600.0,
        busy_timeout: float = 300.0,
        here: platform.Platform | None = None,
        probes: Probes | None = None,
    ) -> None:
        self.platform = here or platform.current()
        self.timeout = timeout
        self.interactive_timeout = interactive_timeout
        self.busy_timeout = busy_timeout
        self._held = HeldAccounts()
        made = self.platform.probes  # `limits.known` never probes: the GUI thread asks it
        self.limits = Probed(probes if probes is not None else made() if made else None)

    @property
    def unavailable(self) -> BrokerUnavailable | None:
        """Why the broker cannot be used, or None. Loads the runtime: blocking, so not for the
        GUI thread before `known_unavailable` has an answer."""
        loaded = load_runtime()
        return loaded if isinstance(loaded, BrokerUnavailable) else None

    @property
    def known_unavailable(self) -> BrokerUnavailable | None:
        """The reason if loading the runtime has already failed; never loads it (the GUI
        thread asks this: loading talks to the broker, and the first broker call loads it)."""
        return _runtime if isinstance(_runtime, BrokerUnavailable) else None

    @staticmethod
    def busy_with() -> tuple[str, float] | None:
        """The earlier request (operation, seconds since it started) a new call would wait
        behind, or None. Never blocks."""
        return calls.busy_with()

    @staticmethod
    def stop_waiting() -> None:
        """Calls waiting for the broker to finish an earlier request give up (BrokerBusy)."""
        calls.stop_waiting()

    def _rt(self, operation: str = "", interactive: bool | None = None) -> ModuleType:
        """The runtime, for an operation this session can do (interactive: it shows the
        broker's window; None: asked whatever the limits, a listing or a read). Refused with
        UnavailableHere before anything loads when the limits rule it out."""
        limits = self.limits.get()
        blocking = limits.blocking(interactive) if interactive is not None else ()
        if blocking:
            refused = UnavailableHere(operation, blocking)
            refused.interactive, refused.limits = interactive, limits
            raise refused
        loaded = load_runtime()
        if isinstance(loaded, BrokerUnavailable):
            raise BrokerUnavailableError(loaded)
        return loaded

    def _call(
        self,
        operation: str,
        start: Callable[[Callable[[Any], None], str], Any],
        extract: Callable[[Any], T],
        timeout: float | None = None,
        keep: tuple[Any, ...] = (),
        interactive: bool = False,
    ) -> T:
        """One native call with its own correlation id, which the broker passes on to Entra
        ID: every answer and every error carries it, with the time it was asked, so that a
        failure can be looked up in the Entra sign-in logs (as az CLI prints it)."""
        timeout = self.timeout if timeout is None else timeout
        cid, at = _cid(), time.time()
        try:
            value = calls.call_native(
                operation, lambda cb: start(cb, cid), extract, timeout, self.busy_timeout, keep
            )
        except BrokerError as exc:  # and what explains it (a UserCanceled nobody could cause)
            exc.correlation_id, exc.at = cid, at
            exc.interactive, exc.limits = interactive, self.limits.get()
            raise
        if isinstance(value, TokenResult):
            return dataclasses.replace(value, correlation_id=cid, at=at)
        return value

    def _params(
        self,
        profile: Profile,
        scopes: Sequence[str] | None,
        renew: str = "",
        signin: bool = False,
    ) -> Any:
        """What the broker is asked, as Microsoft's own clients ask it (request.py)."""
        rt = self._rt()
        return request.auth_parameters(rt, profile, self.platform, scopes, renew, signin)

    def _token_result(self, result: Any) -> TokenResult:
        """Copied out in the callback (request.py); the account's native object is kept for
        later calls unless one is already held (a listing's: no need to keep the token's
        result alive)."""
        token, native = request.token_result(result)
        self._held.hold(token.account.account_id, Held(result, native), replace=False)
        return token

    # ---- accounts --------------------------------------------------------------------------
    def list_accounts(self, profile: Profile) -> AccountListing:
        """Accounts the broker knows for this client, and whether the broker itself answered
        (see AccountListing). A failing broker also yields []."""

        def extract(result: Any) -> tuple[list[Account], bool]:
            _check(result)
            natives = {n.get_account_id(): n for n in result.get_accounts() or []}
            self._held.replace_all(result, natives)
            accounts = [Account.from_native(n) for n in natives.values()]
            telemetry = result.get_telemetry_data() or {}
            return accounts, telemetry.get("broker_app_used") != "false"

        rt = self._rt()
        errors_before = _dbus_errors.count
        accounts, asked = self._call(
            "discover accounts",
            lambda cb, cid: rt.discover_accounts(profile.client_id, cid, cb),
            extract,
        )
        unreachable = _dbus_errors.since(errors_before) or (
            None if asked else AccountListing.CACHE_ONLY
        )
        if unreachable:
            logger.warning("the broker did not list the accounts (%s): cached list", unreachable)
        return AccountListing(accounts, unreachable)

    def discover_accounts(self, profile: Profile) -> list[Account]:
        return self.list_accounts(profile).accounts

    def _read(self, account_id: str) -> Held:
        rt = self._rt()

        def extract(result: Any) -> Held:
            _check(result)
            native = Held(result, result.get_account())
            self._held.hold(account_id, native)
            return native

        return self._call(
            "read account", lambda cb, cid: rt.read_account_by_id(account_id, cid, cb), extract
        )

    def _native_account(self, account_id: str, profile: Profile | None = None) -> Held:
        """The native account held, else read through the runtime's cache. The cache is
        filled by discovery, so on AccountNotFound list once and look again."""
        held = self._held.get(account_id)
        if held is not None:
            return held
        try:
            return self._read(account_id)
        except BrokerError as exc:
            if exc.status != "AccountNotFound" or profile is None:
                raise
        self.list_accounts(profile)
        return self._held.get(account_id) or self._read(account_id)

    # ---- tokens ----------------------------------------------------------------------------
    def acquire_token_silently(
        self, account: Account, profile: Profile, scopes: Sequence[str] | None = None
    ) -> TokenResult:
        """A token without UI. With force refresh, an answer from the runtime's cache is asked
        again with that token to renew, so the broker itself answers (one more call only when
        the cache had one; the runtime offers no "skip the cache" flag)."""
        rt = self._rt("get a token silently", interactive=False)
        native = self._native_account(account.account_id, profile)

        def silently(renew: str) -> TokenResult:
            params = self._params(profile, scopes, renew)
            return self._call(
                "get a token silently",
                lambda cb, cid: rt.acquire_token_silently(params, cid, native.account, cb),
                self._token_result,
                keep=(native, params),
            )

        token = silently("")
        if profile.force_refresh and token.from_cache:
            token = silently(token.access_token)
        return token

    def sign_in_default_account(
        self, profile: Profile, scopes: Sequence[str] | None = None
    ) -> TokenResult:
        """The OS default account (Windows: the account signed in to Windows), no UI."""
        rt = self._rt("sign in with the default account", interactive=False)
        params = self._params(profile, scopes, signin=True)
        return self._call(
            "sign in with the default account",
            lambda cb, cid: rt.signin_silently(params, cid, cb),
            self._token_result,
            keep=(params,),
        )

    def sign_in_interactively(
        self, parent_window_handle: int, profile: Profile, scopes: Sequence[str] | None = None
    ) -> TokenResult:
        """The broker's account picker, parented to our window (the profile's login hint,
        if any, fills in the user name)."""
        rt = self._rt("sign in", interactive=True)
        params = self._params(profile, scopes, signin=True)
        handle = _require_handle(parent_window_handle)
        self._refuse_unbrokered(profile, "sign in")
        hint = profile.login_hint or None
        return self._call(
            "sign in",
            lambda cb, cid: rt.signin_interactively(handle, params, cid, hint, cb),
            self._token_result,
            self.interactive_timeout,
            keep=(params,),
            interactive=True,
        )

    def acquire_token_interactively(
        self,
        parent_window_handle: int,
        account: Account,
        profile: Profile,
        scopes: Sequence[str] | None = None,
    ) -> TokenResult:
        """Interaction for one known account: consent, MFA, claims, password."""
        rt = self._rt("sign in again", interactive=True)
        params = self._params(profile, scopes)
        handle = _require_handle(parent_window_handle)
        self._refuse_unbrokered(profile, "sign in again")
        if account.personal and not self.platform.brokers_personal_accounts:
            # The runtime keeps a request for this account from the broker (platform.py); the
            # account picker reaches it, with the username as its hint (measured with 0.20.7
            # under organizations and common: the hint goes to the broker and it answers), as
            # MSAL.NET's runtime broker signs in with Account.Username as the login hint when
            # it cannot use the account itself (RuntimeBroker.SignInInteractivelyAsync).
            hinted = dataclasses.replace(profile, login_hint=account.username)
            return self.sign_in_interactively(handle, hinted, scopes)
        native = self._native_account(account.account_id, profile)
        return self._call(
            "sign in again",
            lambda cb, cid: rt.acquire_token_interactively(handle, params, cid, native.account, cb),
            self._token_result,
            self.interactive_timeout,
            keep=(native, params),
            interactive=True,
        )

    def _refuse_unbrokered(self, profile: Profile, operation: str) -> None:
        """An interactive call the runtime would keep from the broker here and block on in a
        web flow of its own (platform.py) is refused at once."""
        if profile.tenant == "consumers" and not self.platform.brokers_consumers_sign_in:
            raise NotBrokered(operation)

    def sign_out(self, account: Account, profile: Profile) -> None:
        """Sign the account out of this client. The broker may still list it afterwards."""
        rt = self._rt("sign out", interactive=False)
        native = self._native_account(account.account_id, profile)
        self._call(
            "sign out",
            lambda cb, cid: rt.signout_silently(profile.client_id, cid, native.account, cb),
            _check,
            keep=(native,),
        )
        self._held.drop(account.account_id)
