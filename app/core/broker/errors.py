"""Errors that travel from the broker layer to the UI as values.

They live apart from `runtime` so that guidance and the UI can use them without importing
pymsalruntime (which may not load at all on this machine).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from app.core.broker.limits import Condition, Limits

_AADSTS = re.compile(r"AADSTS(\d{5,8})")
_DBUS_ERROR = re.compile(r"org\.freedesktop\.DBus\.Error\.(\w+)")


def dbus_error_in(text: str) -> str | None:
    """The D-Bus error a native message names ("ServiceUnknown"): on Linux the runtime reaches
    the broker over D-Bus and passes the bus's error through as its context text."""
    match = _DBUS_ERROR.search(text)
    return match.group(1) if match else None


class DBusErrors:
    """D-Bus errors the runtime logged. A listing reports success with the runtime's cached
    accounts even when the broker could not be reached; only its log says so (the line comes
    before the call's callback, on the same native thread)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.last: str | None = None

    def note(self, message: str) -> None:
        name = dbus_error_in(message)
        if name:
            with self.lock:
                self.count += 1
                self.last = name

    def since(self, count: int) -> str | None:
        with self.lock:
            return self.last if self.count > count else None


class BrokerError(Exception):
    """A broker call failed. Carries what the native MSALRuntimeError said.

    `status` is the Response_Status member name without its prefix, e.g. "InteractionRequired".
    The context text is the broker's; it can mention the username, so it is only shown to the
    user who made the call and never logged unless PII logging is on.
    """

    def __init__(self, status: str, error_code: int = 0, tag: int = 0, context: str = "") -> None:
        self.status = status.removeprefix("Response_Status.").removeprefix("Status_")
        self.error_code = error_code
        self.tag = tag
        self.context = context
        self.correlation_id = ""  # the id the call was sent with, once the broker module knows
        self.at = 0.0  # when the call was asked (epoch seconds)
        # Set by the Broker that raised it: whether the call could show the broker's window
        # (None: not known), and where the broker cannot work in this session.
        self.interactive: bool | None = None
        self.limits: Limits | None = None
        super().__init__(f"{self.status} (error code {error_code}, tag {tag})")

    @property
    def user_canceled(self) -> bool:
        """The broker says the user cancelled. A call that shows no window cannot have been
        cancelled by anyone: WAM reports its own failures so (limits.py)."""
        return self.status == "UserCanceled" and self.interactive is not False

    @property
    def aadsts(self) -> int | None:
        """The AADSTS code the broker relayed from Entra ID, if any."""
        match = _AADSTS.search(self.context)
        return int(match.group(1)) if match else None

    @property
    def reason_hidden(self) -> bool:
        """The broker did not say why: no Entra ID code in what it sent, and its text is
        empty or redacted (the broker 2.5 sends "(pii)" unless PII logging is on)."""
        text = self.context.strip()
        return self.aadsts is None and (not text or "(pii)" in text)

    @property
    def interaction_required(self) -> bool:
        return self.status == "InteractionRequired"

    @property
    def dbus_error(self) -> str | None:
        """Why the broker could not be reached, e.g. "ServiceUnknown" (it is not running)."""
        return dbus_error_in(self.context)


def broker_cause(error: BaseException) -> BrokerError | None:
    """The broker's refusal behind an error (a credential's, wrapped by the Azure SDK)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, BrokerError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


class BrokerTimeout(BrokerError):
    """Our own deadline passed before the broker answered; its late answer will be dropped."""

    def __init__(self, operation: str, seconds: float) -> None:
        super().__init__("Timeout", context=f"{operation} got no answer within {seconds:g} s")
        self.operation = operation
        self.seconds = seconds


class BrokerBusy(BrokerTimeout):
    """Our deadline passed while the broker had still not answered an earlier request: the
    runtime sends one request at a time, so this one never reached the broker."""

    def __init__(self, operation: str, seconds: float, earlier: str, earlier_age: float) -> None:
        super().__init__(operation, seconds)
        self.status = "Busy"
        self.earlier = earlier
        self.earlier_age = earlier_age
        self.context = (
            f"{operation} waited {seconds:.0f} s behind an earlier request ({earlier}, started "
            f"{earlier_age:.0f} s ago) that the broker has not answered"
        )
        self.args = (f"Busy: {self.context}",)


class NotBrokered(BrokerError):
    """Refused before the call: the runtime would not hand this request to the broker here
    but wait in a web sign-in of its own that never shows (Linux, the consumers tenant:
    measured with 0.20.7, the picker call then blocks until our deadline)."""

    def __init__(self, operation: str) -> None:
        super().__init__("NotBrokered", context=f"{operation} under the consumers tenant")


class UnavailableHere(BrokerError):
    """Refused before the call: in this session the broker cannot do it (limits.py: elevated,
    another user, an old Windows, the WAM service off, no desktop)."""

    def __init__(self, operation: str, conditions: tuple[Condition, ...]) -> None:
        codes = ", ".join(c.code for c in conditions)
        super().__init__("UnavailableHere", context=f"{operation}: {codes}")
        self.conditions = conditions


@dataclass(frozen=True)
class BrokerUnavailable:
    """Why the broker runtime cannot be used here, and what to do about it.

    kind is one of "wheel-missing", "system-libraries", "no-broker", "unsupported", "sandbox"
    (the window's sandbox did not start: nothing was imported, it can be started again).
    """

    kind: str
    reason: str
    remedy: str


class BrokerUnavailableError(RuntimeError):
    """Raised by a broker call when the runtime cannot be used; carries the reason."""

    def __init__(self, unavailable: BrokerUnavailable) -> None:
        super().__init__(unavailable.reason)
        self.unavailable = unavailable
