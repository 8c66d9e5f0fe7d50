"""What each broker status means, and why the runtime cannot load here: a title, an
explanation and a fix for every pymsalruntime Response_Status, our own deadline's timeout and
each reason the broker is unavailable.

Pure data plus lookups: no Qt, no pymsalruntime.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from app.core.broker.errors import BrokerUnavailable
from app.core.guidance.advice import (
    ASK_ADMIN,
    BROKER_REDIRECT,
    RETRY,
    SIGN_IN_DONE,
    Guidance,
    Row,
    table,
)

# The table is kept one row per entry by hand (fmt: off) so that it reads as a table.
# fmt: off
# (name, title, explanation, fix, needs_interaction) - one row per pymsalruntime Response_Status.
_STATUS_ROWS: tuple[Row, ...] = (
    ("Unexpected", "Unexpected broker error",
     "The authentication broker reported an internal error it could not classify.",
     f"{RETRY} If it keeps happening, restart the broker (or sign out and back in to the "
     "operating system) and report the error with the broker logs.", False),
    ("Reserved", "Unrecognised broker status",
     "The broker returned a reserved status value that should never reach an application; "
     "the broker runtime and this app are probably out of step.",
     "Update this app (and its pymsalruntime package) and the broker, then try again.", False),
    ("InteractionRequired", "Sign-in required",
     "The broker cannot get a token silently: the session expired, a password changed, or a "
     "new policy (such as multi-factor authentication or consent) needs the user.",
     SIGN_IN_DONE, True),
    ("NoNetwork", "No network connection",
     "The broker could not reach Microsoft Entra ID because the device is offline.",
     "Connect to the network (check Wi-Fi, VPN and proxy settings), then try again.", False),
    ("NetworkTemporarilyUnavailable", "Network temporarily unavailable",
     "The network dropped or timed out while the broker was talking to Microsoft Entra ID.",
     f"{RETRY} If you use a VPN or proxy, check that it is connected.", False),
    ("ServerTemporarilyUnavailable", "Sign-in service temporarily unavailable",
     "Microsoft Entra ID is busy, throttling requests, or having an outage.",
     "Wait a few minutes and try again; check the Microsoft 365 / Azure status page.", False),
    ("ApiContractViolation", "Broker rejected the request",
     "The broker was called in a way it does not accept (a bad parameter, a missing parent "
     "window, or a call made before the broker finished starting). On Linux it is also "
     "reported when the broker service cannot be initialised at all.",
     "Restart this app. On Linux check that the microsoft-identity-broker service is running "
     "on your session bus. If it persists, report it as a bug in this app.", False),
    ("UserCanceled", "Sign-in cancelled",
     "The sign-in window was closed before the sign-in finished.",
     "Start the sign-in again when you are ready.", False),  # in context: guidance/limits.py
    ("ApplicationCanceled", "Request cancelled by the app",
     "This app cancelled the broker request, for example because the window was closed or a "
     "newer request replaced it.",
     "Try the action again.", False),
    ("IncorrectConfiguration", "App registration or profile misconfigured",
     "The broker refused the request because the client id, authority or redirect URI does "
     "not match the app registration in Microsoft Entra ID.",
     "Check the profile's client id and authority (tenant). In the app registration, add the "
     f"broker redirect URI {BROKER_REDIRECT} under “Mobile and desktop applications” and "
     "enable “Allow public client flows”.", False),
    ("InsufficientBuffer", "Broker runtime buffer error",
     "The broker runtime needed a larger buffer than it was given; this is a runtime bug, "
     "not something about your account.",
     "Update this app and its pymsalruntime package, then try again.", False),
    ("AuthorityUntrusted", "Authority not trusted",
     "The authority (sign-in URL) in the profile is not a Microsoft Entra ID authority the "
     "broker trusts, or it is malformed.",
     "Use https://login.microsoftonline.com/<tenant id or domain> (or your national cloud's "
     "host, e.g. login.microsoftonline.us) and check for typos.", False),
    ("UserSwitch", "A different user signed in",
     "The sign-in was completed with a different account than the one requested.",
     "If that was intended, use the new account; otherwise sign in again and pick the "
     "right account.", True),
    ("AccountUnusable", "Account cannot be used",
     "The broker holds this account but cannot use it (its credentials or registration on "
     "this device are no longer valid).",
     f"{SIGN_IN_DONE} If it still fails, remove the work or school account from the "
     "operating system's account settings and add it again.", True),
    ("UserDataRemovalRequired", "Account data must be removed",
     "The broker says this account's data must be removed from apps, for example because "
     "the account was removed from the device or wiped by your organisation.",
     "Remove the account from this app, then sign in again if you still need it.", False),
    ("KeyNotFound", "Broker data not found",
     "The broker could not find an item it needed (an account property or a stored key).",
     f"{RETRY} If it persists, sign in again; if that fails, report it with broker logs.",
     False),
    ("AccountNotFound", "Account not found in the broker",
     "The broker does not know this account any more: it was removed from the operating "
     "system or signed out elsewhere.",
     SIGN_IN_DONE, True),
    ("TransientError", "Temporary error",
     "A temporary problem occurred in the broker or the sign-in service.", RETRY, False),
    ("AccountSwitch", "Account switched during sign-in",
     "The account was switched while the request was in progress, so the result belongs to "
     "a different account than requested.",
     "Sign in again and choose the account you meant to use.", True),
    ("RequiredBrokerMissing", "Authentication broker missing",
     "No usable authentication broker is installed or enabled on this device.",
     "Windows 10 and later: WAM is built in; make sure the “Work or school account” "
     "component is not disabled. macOS: install Microsoft Company Portal. Linux: install "
     "and enable the microsoft-identity-broker package (and the Intune app).", False),
    ("DeviceNotRegistered", "Device not registered",
     "Your organisation only allows sign-in from devices registered with Microsoft Entra ID "
     "(and possibly enrolled in Intune), and this device is not.",
     "Register the device: Windows Settings > Accounts > Access work or school > Connect; "
     "macOS: enroll in Company Portal; Linux: register in the Intune app. "
     f"{ASK_ADMIN} if registration is blocked.", False),
    ("FallbackToNativeMsal", "Broker cannot handle this request",
     "The broker declined this request and asked the app to use MSAL's own browser sign-in "
     "instead (for example, an unsupported account type or authority).",
     "Sign in with the browser instead of the broker if the profile allows it; otherwise "
     "check the profile's authority and account type.", False),
)
# fmt: on

STATUS_GUIDANCE: Mapping[str, Guidance] = MappingProxyType(table(_STATUS_ROWS))

TIMEOUT_GUIDANCE = Guidance(
    "Timeout",
    "The broker did not answer in time",
    "The authentication broker did not answer within this app's deadline. If it answers "
    "later, that late answer is ignored.",
    "Check that the broker is running (WAM on Windows, Company Portal on macOS, "
    "microsoft-identity-broker on Linux) and that no sign-in window is hidden, then try again.",
)

_UNAVAILABLE_TITLES: Mapping[str, str] = MappingProxyType(
    {
        "wheel-missing": "Broker runtime not installed",
        "system-libraries": "System libraries missing",
        "no-broker": "Authentication broker not found",
        "unsupported": "Broker not supported on this system",
        "sandbox": "The sandbox broker did not start",
    }
)


def for_status(status: str) -> Guidance:
    """Guidance for a Response_Status name, with or without "Response_Status." / "Status_"."""
    name = status.removeprefix("Response_Status.").removeprefix("Status_")
    if name == "Timeout":
        return TIMEOUT_GUIDANCE
    found = STATUS_GUIDANCE.get(name)
    if found is not None:
        return found
    return Guidance(
        name or "Unknown",
        f"Broker error: {name or 'unknown status'}",
        f"The authentication broker failed with status “{name}”, which this app has no "
        "specific advice for.",
        f"{RETRY} If it keeps failing, report the status name and the broker logs.",
    )


def for_unavailable(u: BrokerUnavailable) -> Guidance:
    """Guidance for why the broker runtime cannot be used on this machine."""
    title = _UNAVAILABLE_TITLES.get(u.kind, "Authentication broker unavailable")
    return Guidance("BrokerUnavailable", title, u.reason, u.remedy)
