"""The only module that imports pymsalruntime: our door to the OS authentication broker.

Every call runs the native asynchronous API with our own deadline. The native library can
block ~300 s on a broker that never answers and cancel_async_operation() does not cut silent
calls short (notes/broker-dbus.md), so callers get a BrokerTimeout when our deadline passes and
the late callback is dropped. Callbacks arrive on a native thread; everything is copied out of
the native objects inside the callback. Blocking calls: run them off the GUI thread.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any, TypeVar

from app.core.accounts import Account, TokenResult
from app.core.errors import BrokerError, BrokerTimeout, BrokerUnavailable, BrokerUnavailableError
from app.core.profile import Profile

logger = logging.getLogger(__name__)
native_logger = logging.getLogger("msalruntime")
T = TypeVar("T")

# The redirect URI msal gives the broker: WAM ignores it but MSALRuntime needs one; the Linux
# broker requires a valid one.
REDIRECT_URI = (
    "msauth.com.msauth.unsignedapp://auth"
    if sys.platform == "darwin"
    else "https://login.microsoftonline.com/common/oauth2/nativeclient"
)
LINUX_LIBRARIES = (
    "libwebkit2gtk-4.1-0 libjavascriptcoregtk-4.1-0 libgtk-3-0 libsoup-3.0-0 libsecret-1-0 "
    "libcurl4 libfido2-1 libdbus-1-3 libuuid1 libx11-6 libubsan1"
)

_runtime: ModuleType | BrokerUnavailable | None = None
_runtime_lock = threading.Lock()
_pii_logging = False


def load_runtime() -> ModuleType | BrokerUnavailable:
    """Import pymsalruntime once per process; the outcome (module or reason) is cached, because
    the native runtime decides once, at import, whether a broker answers."""
    global _runtime
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
            return BrokerUnavailable(
                "wheel-missing",
                f"The broker runtime (pymsalruntime) is not installed: {exc}",
                "Install it with: pip install pymsalruntime==0.20.7 (there is no wheel for "
                "Linux on ARM). On Windows, reinstall the app.",
            )
        return _missing_libraries(exc)
    except OSError as exc:
        return _missing_libraries(exc)
    except RuntimeError as exc:
        return BrokerUnavailable("no-broker", f"No broker answered: {exc}", _no_broker_remedy())
    return pymsalruntime  # type: ignore[no-any-return]


def _missing_libraries(exc: BaseException) -> BrokerUnavailable:
    if sys.platform.startswith("linux"):
        remedy = f"Install the system libraries it needs: sudo apt-get install {LINUX_LIBRARIES}"
    else:
        remedy = "Reinstall the app: its broker runtime library (msalruntime) is missing."
    if getattr(sys, "frozen", False):
        remedy += " This build may not have collected the msalruntime library."
    return BrokerUnavailable(
        "system-libraries", f"The broker runtime library could not be loaded: {exc}", remedy
    )


def _no_broker_remedy() -> str:
    if sys.platform.startswith("linux"):
        return (
            "Install and sign in to the Microsoft Identity Broker (package "
            "microsoft-identity-broker, with Intune Company Portal), make sure a D-Bus session "
            "bus and a Secret Service (gnome-keyring) are running, then restart the app. Or "
            "start the app with --sandbox to try it with simulated accounts."
        )
    if sys.platform == "darwin":
        return "Install Company Portal (version 5.2404.0 or later) and restart the app."
    return "Web Account Manager needs Windows 10 or later; restart the app or Windows."


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


class _Pending:
    """One native call in flight: the first of (answer, deadline) wins; a late answer is
    dropped."""

    def __init__(self, operation: str) -> None:
        self.operation = operation
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.abandoned = False
        self.value: Any = None
        self.error: BaseException | None = None

    def settle(self, value: Any = None, error: BaseException | None = None) -> None:
        with self.lock:
            if self.abandoned:
                Broker.late_answers_dropped += 1
                logger.info("dropped a late answer to %s", self.operation)
                return
            self.value, self.error = value, error
            self.done.set()

    def abandon(self) -> bool:
        """True if the deadline won (no answer had arrived)."""
        with self.lock:
            if self.done.is_set():
                return False
            self.abandoned = True
            return True


def _check(result: Any) -> None:
    error = result.get_error()
    if error:
        status = error.get_status()
        raise BrokerError(
            getattr(status, "name", str(status)),
            int(error.get_error_code()),
            int(error.get_tag()),
            str(error.get_context()),
        )


def _token_result(result: Any) -> TokenResult:
    _check(result)
    return TokenResult(
        account=Account.from_native(result.get_account()),
        access_token=result.get_access_token(),
        id_token=result.get_raw_id_token(),
        expires_on=int(result.get_access_token_expiry_time()),
        granted_scopes=tuple(result.get_granted_scopes() or ()),
    )


class Broker:
    """Synchronous, deadline-bound calls to the broker. Raises BrokerError (typed with the
    native status), BrokerTimeout, or BrokerUnavailableError when the broker is unavailable."""

    late_answers_dropped = 0  # across instances: a late native callback has no owner left

    def __init__(self, timeout: float = 30.0, interactive_timeout: float = 600.0) -> None:
        self.timeout = timeout
        self.interactive_timeout = interactive_timeout

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

    def _rt(self) -> ModuleType:
        loaded = load_runtime()
        if isinstance(loaded, BrokerUnavailable):
            raise BrokerUnavailableError(loaded)
        return loaded

    def _await(
        self,
        operation: str,
        start: Callable[[Callable[[Any], None]], Any],
        extract: Callable[[Any], T],
        timeout: float | None = None,
    ) -> T:
        timeout = self.timeout if timeout is None else timeout
        pending = _Pending(operation)

        def callback(result: Any) -> None:
            try:
                pending.settle(value=extract(result))
            except BaseException as exc:  # a raising callback would leave the caller waiting
                pending.settle(error=exc)

        handle = start(callback)
        if not pending.done.wait(timeout) and pending.abandon():
            try:
                handle.cancel_async_operation()
            except Exception:  # best effort; the native call may not be cancellable
                logger.debug("cancel_async_operation failed for %s", operation, exc_info=True)
            raise BrokerTimeout(operation, timeout)
        if pending.error is not None:
            raise pending.error
        return pending.value  # type: ignore[no-any-return]

    def _params(self, profile: Profile, scopes: Sequence[str] | None) -> Any:
        params = self._rt().MSALRuntimeAuthParameters(profile.client_id, profile.authority)
        params.set_requested_scopes(list(scopes or profile.scopes))
        params.set_redirect_uri(REDIRECT_URI)
        if profile.msa_passthrough:  # exactly what msal sends for enable_msa_passthrough
            params.set_additional_parameter("msal_request_type", "consumer_passthrough")
        return params

    # ---- accounts --------------------------------------------------------------------------
    def discover_accounts(self, profile: Profile) -> list[Account]:
        """Accounts the broker knows for this client. A failing broker also yields []."""

        def extract(result: Any) -> list[Account]:
            _check(result)
            return [Account.from_native(a) for a in result.get_accounts() or []]

        rt = self._rt()
        return self._await(
            "discover accounts",
            lambda cb: rt.discover_accounts(profile.client_id, _cid(), cb),
            extract,
        )

    def _native_account(self, account_id: str, profile: Profile | None = None) -> Any:
        """The native account object, read through the runtime's cache; the cache is filled by
        discovery, so on AccountNotFound discover once and read again."""
        rt = self._rt()

        def read() -> Any:
            def extract(result: Any) -> Any:
                _check(result)
                return (result, result.get_account())  # keep the result alive with its account

            return self._await(
                "read account",
                lambda cb: rt.read_account_by_id(account_id, _cid(), cb),
                extract,
            )[1]

        try:
            return read()
        except BrokerError as exc:
            if exc.status != "AccountNotFound" or profile is None:
                raise
        self.discover_accounts(profile)
        return read()

    def read_account(self, account_id: str, profile: Profile | None = None) -> Account:
        return Account.from_native(self._native_account(account_id, profile))

    # ---- tokens ----------------------------------------------------------------------------
    def acquire_token_silently(
        self, account: Account, profile: Profile, scopes: Sequence[str] | None = None
    ) -> TokenResult:
        rt = self._rt()
        native = self._native_account(account.account_id, profile)
        params = self._params(profile, scopes)
        return self._await(
            "get a token silently",
            lambda cb: rt.acquire_token_silently(params, _cid(), native, cb),
            _token_result,
        )

    def sign_in_default_account(
        self, profile: Profile, scopes: Sequence[str] | None = None
    ) -> TokenResult:
        """The OS default account (Windows: the account signed in to Windows), no UI."""
        rt = self._rt()
        params = self._params(profile, scopes)
        return self._await(
            "sign in with the default account",
            lambda cb: rt.signin_silently(params, _cid(), cb),
            _token_result,
        )

    def sign_in_interactively(
        self, parent_window_handle: int, profile: Profile, scopes: Sequence[str] | None = None
    ) -> TokenResult:
        """The broker's account picker, parented to our window."""
        rt = self._rt()
        params = self._params(profile, scopes)
        handle = _require_handle(parent_window_handle)
        return self._await(
            "sign in",
            lambda cb: rt.signin_interactively(handle, params, _cid(), None, cb),
            _token_result,
            self.interactive_timeout,
        )

    def acquire_token_interactively(
        self,
        parent_window_handle: int,
        account: Account,
        profile: Profile,
        scopes: Sequence[str] | None = None,
    ) -> TokenResult:
        """Interaction for one known account: consent, MFA, claims, password."""
        rt = self._rt()
        params = self._params(profile, scopes)
        handle = _require_handle(parent_window_handle)
        if account.personal and sys.platform.startswith("linux"):
            # On Linux the runtime keeps personal accounts away from the broker: for this
            # account, or with its username as a hint, it starts its own web flow and blocks
            # (measured with 0.20.7). The account picker does reach the broker.
            return self.sign_in_interactively(handle, profile, scopes)
        native = self._native_account(account.account_id, profile)
        return self._await(
            "sign in again",
            lambda cb: rt.acquire_token_interactively(handle, params, _cid(), native, cb),
            _token_result,
            self.interactive_timeout,
        )

    def sign_out(self, account: Account, profile: Profile) -> None:
        """Sign the account out of this client. The broker may still list it afterwards."""
        rt = self._rt()
        native = self._native_account(account.account_id, profile)
        self._await(
            "sign out",
            lambda cb: rt.signout_silently(profile.client_id, _cid(), native, cb),
            _check,
        )


def _cid() -> str:
    import uuid  # here, not at start-up: it imports `platform` (~2 ms)

    return str(uuid.uuid4())


def _require_handle(handle: int) -> int:
    if not isinstance(handle, int) or handle <= 0:
        raise ValueError("Interactive broker calls need the parent window's native handle")
    return handle
