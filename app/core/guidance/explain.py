"""Guidance for any error a broker, storage, file or profile call raised: what happened and
what to do, from status names, AADSTS numbers, storage error codes, errno values and exception
class names only.

Nothing here ever echoes the text of an arbitrary exception, because that text can carry
tokens; only status names, AADSTS numbers, storage error codes, exception class names and
ProfileError field messages are used. No Qt, no pymsalruntime.
"""

from __future__ import annotations

import dataclasses
import re

from app.core.broker.errors import (
    BrokerBusy,
    BrokerError,
    BrokerTimeout,
    BrokerUnavailableError,
    NotBrokered,
    UnavailableHere,
    broker_cause,
)
from app.core.configurations.profile import ProfileError
from app.core.guidance import broker as broker_guidance
from app.core.guidance import limits
from app.core.guidance.aadsts import for_aadsts, unknown_aadsts
from app.core.guidance.advice import RETRY, Guidance
from app.core.guidance.files import for_file_error
from app.core.guidance.statuses import TIMEOUT_GUIDANCE, for_status, for_unavailable
from app.core.guidance.storage import for_storage_error
from app.core.storage.names import StorageNameError

AUTHENTICATION_REQUIRED = Guidance(
    "AuthenticationRequired",
    "The credential needs a sign-in",
    "The credential has no token it can get without you: azure-identity's credentials never "
    "show UI from inside a call once told so (disable_automatic_authentication); an SDK "
    "user's code calls authenticate() once, and its tokens then come silently.",
    "Choose the sign-in the message offers; the broker's window opens over this one.",
    True,
)

_AADSTS_IN_TEXT = re.compile(r"AADSTS(\d+)")


def explain(error: BaseException) -> Guidance:
    """Guidance for an exception, with the broker call's correlation id and time when it was
    one. Never copies arbitrary exception text (it may hold tokens)."""
    advice = _explain(error)
    cause = broker_cause(error)
    if cause is None or not cause.correlation_id:
        return advice
    if advice.code not in _KNOWS_WHY and cause.reason_hidden:
        # A sign-in status with its reason hidden may stand for a block (broker 2.5).
        maybe = f" {broker_guidance.MAYBE_BLOCKED}" if advice.needs_interaction else ""
        advice = dataclasses.replace(
            advice, explanation=f"{advice.explanation} {broker_guidance.REASON_HIDDEN}{maybe}"
        )
    return dataclasses.replace(advice, correlation_id=cause.correlation_id, at=cause.at)


# Guidance that says why by itself, whatever the broker's own text held.
_KNOWS_WHY = frozenset({"Timeout", "Busy", "NotBrokered", "BrokerNotRunning", "BrokerNoReply"})


def _explain(error: BaseException) -> Guidance:
    if isinstance(error, BrokerBusy):
        return broker_guidance.for_busy(error)
    if isinstance(error, BrokerTimeout):
        return TIMEOUT_GUIDANCE
    if isinstance(error, NotBrokered):
        return broker_guidance.NOT_BROKERED
    if isinstance(error, UnavailableHere):
        return limits.for_unavailable_here(error)
    if isinstance(error, BrokerError):
        unreachable = broker_guidance.for_dbus_error(error.dbus_error or "")
        if unreachable is not None:
            return unreachable
        code = error.aadsts
        known = for_aadsts(code) if code is not None else None
        if known is None and error.status == "UserCanceled":
            known = limits.for_cancel(error)
        return limits.where(known or for_status(error.status), error.limits)
    if isinstance(error, BrokerUnavailableError):
        return for_unavailable(error.unavailable)
    if isinstance(error.__cause__, BrokerError):  # e.g. a credential's error wrapping the broker's
        return _explain(error.__cause__)
    if isinstance(error, StorageNameError):  # our own rule's words, never the service's text
        return Guidance(
            "InvalidName",
            "Not a name storage accepts",
            f"{error}.",
            "Choose another name; nothing was sent to storage.",
        )
    if type(error).__name__ == "AuthenticationRequiredError":  # azure-identity's, not imported
        return AUTHENTICATION_REQUIRED
    storage = for_storage_error(error)
    if storage is not None:
        return storage
    disk = for_file_error(error)  # the disk is full, the folder is gone: said as what it is
    if disk is not None:
        return disk
    if isinstance(error, ProfileError):
        return Guidance(
            "ProfileError",
            "Profile settings are invalid",
            f"The profile failed validation: {error}.",
            "Edit the profile and correct the fields named above, then save it again.",
        )
    match = _AADSTS_IN_TEXT.search(str(error))
    if match is not None:
        number = int(match.group(1))
        return for_aadsts(number) or unknown_aadsts(number)
    name = type(error).__name__
    return Guidance(
        name,
        "Unexpected error",
        f"An unexpected error occurred ({name}).",
        f"{RETRY} If it keeps happening, report it together with the app's log file.",
    )
