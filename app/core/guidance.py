"""Plain-language guidance for broker statuses, Entra ID (AADSTS) errors and Azure Storage
errors.

Pure data plus a few lookups: no Qt, no pymsalruntime. Nothing here ever echoes the text of
an arbitrary exception, because that text can carry tokens; only status names, AADSTS numbers,
storage error codes, exception class names and ProfileError field messages are used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from app.core import broker_guidance
from app.core.advice import (
    ASK_ADMIN,
    ASK_ADMIN_LC,
    BROKER_REDIRECT,
    RETRY,
    SIGN_IN,
    SIGN_IN_DONE,
    Guidance,
    Row,
    table,
)
from app.core.errors import (
    BrokerBusy,
    BrokerError,
    BrokerTimeout,
    BrokerUnavailable,
    BrokerUnavailableError,
    NotBrokered,
    ProfileError,
)
from app.core.storage_guidance import for_storage_error

# The two tables below are kept one row per entry by hand (fmt: off) so they read as tables.
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
     "The sign-in window was closed or cancelled before it finished.",
     "Nothing is wrong. Start the sign-in again when you are ready.", False),
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

# (AADSTS number, title, explanation, fix, needs_interaction)
_AADSTS_ROWS: tuple[tuple[int, str, str, str, bool], ...] = (
    (50011, "Redirect URI mismatch",
     "The redirect URI sent by the broker is not registered on the app registration.",
     f"In the app registration, add {BROKER_REDIRECT} (with this app's client id) under "
     "“Mobile and desktop applications”.", False),
    (7000218, "App registration not set up as a public client",
     "Entra ID expected a client secret, which means the app registration is treated as a "
     "confidential client for this request.",
     "In the app registration's Authentication page, add the broker redirect URI "
     f"{BROKER_REDIRECT} and set “Allow public client flows” to Yes.", False),
    (65001, "Consent required",
     "Neither you nor an administrator has consented to this app's requested permissions.",
     f"{SIGN_IN} and accept the consent prompt. If user consent is disabled, "
     f"{ASK_ADMIN_LC} to grant admin consent.", True),
    (50020, "Account not allowed in this tenant",
     "The account belongs to another tenant or identity provider (e.g. a personal Microsoft "
     "account) that this tenant or app does not accept.",
     "Use the tenant that owns the account, have it invited as a guest, or for personal "
     "accounts use the 'consumers' or 'common' authority on an app that allows them "
     "(first-party apps may need MSA passthrough enabled).", False),
    (90072, "Guest account not present in tenant",
     "The external account exists, but has not been added (or has not redeemed its "
     "invitation) in the tenant being signed in to.",
     f"{ASK_ADMIN} to invite the account as a guest and redeem the invitation, or sign in "
     "to your home tenant instead.", False),
    (50076, "Multi-factor authentication required",
     "A policy change, new location or Conditional Access rule requires multi-factor "
     "authentication before a token can be issued.",
     f"{SIGN_IN} and complete the MFA prompt.", True),
    (50079, "MFA registration required",
     "Your organisation requires you to register a multi-factor authentication method.",
     f"{SIGN_IN} and follow the steps to set up MFA (e.g. Microsoft Authenticator).", True),
    (700016, "Application not found in directory",
     "The client id is not an app registered in, or consented to by, the target tenant.",
     "Check the profile's client id and tenant; if the app lives in another tenant, "
     f"{ASK_ADMIN_LC} to consent to it in yours.", False),
    (53003, "Blocked by Conditional Access",
     "A Conditional Access policy blocked this sign-in (device, location, app or risk).",
     f"Signing in again will not help. {ASK_ADMIN} to check the Entra ID sign-in logs for "
     "the blocking policy.", False),
    (9002313, "Invalid request",
     "Entra ID rejected the request as malformed: usually a bad authority, scope or parameter.",
     "Check the profile's authority URL and scopes (e.g. 'https://graph.microsoft.com/.default'"
     " or 'User.Read') for typos.", False),
    (50126, "Invalid username or password", "The username or password was not accepted.",
     f"{SIGN_IN} and enter the correct password; reset it if you have forgotten it.", True),
    (500113, "No reply address registered",
     "The app registration has no redirect (reply) URI at all.",
     f"In the app registration add {BROKER_REDIRECT} under “Mobile and desktop "
     "applications”.", False),
    (90002, "Tenant not found",
     "The tenant id or domain in the authority does not exist in this cloud.",
     "Check the tenant id or domain in the profile, and that the authority host matches the "
     "tenant's cloud (e.g. login.microsoftonline.us for US Government).", False),
    (50034, "Account does not exist",
     "The user account does not exist in the directory being signed in to.",
     "Check the username and the tenant in the profile; a guest must be invited first.", False),
    (16000, "Account not in tenant",
     "The chosen account is not in the tenant this app signs in to, or Entra ID needs you to "
     "choose between several signed-in accounts.",
     f"{SIGN_IN} and pick an account that belongs to the profile's tenant.", True),
    (50058, "No signed-in session",
     "A silent sign-in was tried but no usable session exists for this account.",
     SIGN_IN_DONE, True),
    (50173, "Fresh sign-in needed",
     "Your tokens were revoked, e.g. after a password change or an admin revoking sessions.",
     SIGN_IN_DONE, True),
    (70043, "Session expired by policy",
     "A Conditional Access sign-in frequency policy made the stored session expire.",
     SIGN_IN_DONE, True),
    (700082, "Session expired from inactivity",
     "The stored refresh token expired because it was not used for a long time.",
     SIGN_IN_DONE, True),
    (50005, "Device or platform blocked",
     "A Conditional Access policy does not allow sign-in from this device or platform.",
     f"Register the device with your organisation; {ASK_ADMIN_LC} which device "
     "states the policy requires.", False),
    (530003, "Managed device required",
     "Your organisation requires a managed (Intune-enrolled, compliant) device for this "
     "resource.",
     "Enroll the device in Intune (Company Portal on Windows/macOS, the Intune app on Linux) "
     "and make it compliant, then try again.", False),
    (500011, "Resource not found in tenant",
     "The API requested in the scopes is not available in this tenant.",
     "Check the scopes in the profile; the resource's owner may need to consent to or "
     "provision it in your tenant.", False),
    (65004, "Consent declined", "The consent prompt for this app was declined.",
     f"{SIGN_IN} and accept the consent prompt, or {ASK_ADMIN_LC} for admin consent.",
     True),
    (50105, "Not assigned to the application",
     "The app requires user assignment and this account is not assigned to it.",
     f"{ASK_ADMIN} to assign your account (or a group you are in) to the application.",
     False),
    (50194, "App is not multi-tenant",
     "The app registration is single-tenant, so the 'common' or 'organizations' authority "
     "cannot be used.",
     "Set the profile's authority to the app's tenant: "
     "https://login.microsoftonline.com/<tenant id>.", False),
    (50057, "Account disabled", "The user account is disabled in the directory.",
     f"{ASK_ADMIN} to re-enable the account.", False),
    (50053, "Account locked",
     "The account is temporarily locked after too many failed attempts, or sign-in was "
     "blocked as suspicious.", f"Wait and try again later, or {ASK_ADMIN_LC}.", False),
    (50055, "Password expired", "The account's password has expired.",
     f"{SIGN_IN} and change your password when asked.", True),
)
# fmt: on


def _build_aadsts(rows: tuple[tuple[int, str, str, str, bool], ...]) -> dict[int, Guidance]:
    return {r[0]: Guidance(f"AADSTS{r[0]}", r[1], r[2], r[3], r[4]) for r in rows}


STATUS_GUIDANCE: Mapping[str, Guidance] = MappingProxyType(table(_STATUS_ROWS))
AADSTS_GUIDANCE: Mapping[int, Guidance] = MappingProxyType(_build_aadsts(_AADSTS_ROWS))

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
    }
)

_AADSTS_IN_TEXT = re.compile(r"AADSTS(\d+)")


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


def for_aadsts(code: int) -> Guidance | None:
    """Guidance for an Entra ID AADSTS error number, or None when it is not in the table."""
    return AADSTS_GUIDANCE.get(code)


def for_unavailable(u: BrokerUnavailable) -> Guidance:
    """Guidance for why the broker runtime cannot be used on this machine."""
    title = _UNAVAILABLE_TITLES.get(u.kind, "Authentication broker unavailable")
    return Guidance("BrokerUnavailable", title, u.reason, u.remedy)


def _unknown_aadsts(code: int) -> Guidance:
    return Guidance(
        f"AADSTS{code}",
        f"Microsoft Entra ID error AADSTS{code}",
        f"Microsoft Entra ID refused the request with error AADSTS{code}.",
        f"Look the code up at https://login.microsoftonline.com/error?code={code}; "
        f"{ASK_ADMIN_LC} if it concerns tenant policy or the app registration.",
    )


def explain(error: BaseException) -> Guidance:
    """Guidance for an exception. Never copies arbitrary exception text (it may hold tokens)."""
    if isinstance(error, BrokerBusy):
        return broker_guidance.for_busy(error)
    if isinstance(error, BrokerTimeout):
        return TIMEOUT_GUIDANCE
    if isinstance(error, NotBrokered):
        return broker_guidance.NOT_BROKERED
    if isinstance(error, BrokerError):
        unreachable = broker_guidance.for_dbus_error(error.dbus_error or "")
        if unreachable is not None:
            return unreachable
        code = error.aadsts
        known = for_aadsts(code) if code is not None else None
        return known if known is not None else for_status(error.status)
    if isinstance(error, BrokerUnavailableError):
        return for_unavailable(error.unavailable)
    if isinstance(error.__cause__, BrokerError):  # e.g. a credential's error wrapping the broker's
        return explain(error.__cause__)
    storage = for_storage_error(error)
    if storage is not None:
        return storage
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
        return for_aadsts(number) or _unknown_aadsts(number)
    name = type(error).__name__
    return Guidance(
        name,
        "Unexpected error",
        f"An unexpected error occurred ({name}).",
        f"{RETRY} If it keeps happening, report it together with the app's log file.",
    )
