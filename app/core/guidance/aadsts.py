"""What Entra ID's common AADSTS errors mean and what to do about each.

Pure data plus lookups: no Qt, no pymsalruntime.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from app.core.guidance.advice import (
    ASK_ADMIN,
    ASK_ADMIN_LC,
    BROKER_REDIRECT,
    SIGN_IN,
    SIGN_IN_DONE,
    Guidance,
)

REGISTER = (
    "Register the device with your organisation (Windows: Settings ▸ Accounts ▸ Access work or "
    "school ▸ Connect; macOS: Company Portal; Linux: the Intune app)"
)

# The table is kept one row per entry by hand (fmt: off) so that it reads as a table.
# fmt: off
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
     "Use the tenant that owns the account, or have it invited as a guest. A personal "
     "Microsoft account needs a tenant that admits personal accounts: common, on an app "
     "that allows them (first-party apps need MSA passthrough on).", False),
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
    # Device and token protection: Entra ID's error code reference; 530084 is Conditional
    # Access "Require token protection for sign-in sessions" (Entra's token protection docs).
    (530084, "Token protection required",
     "A Conditional Access policy accepts only sign-in sessions bound to a registered device "
     "for this resource (token protection), and this sign-in was not bound to one.",
     f"{REGISTER} and sign in through the broker, as this app does. If the device is "
     f"registered and it still fails, {ASK_ADMIN_LC} which devices and apps the token "
     "protection policy accepts (the sign-in log shows why the session was not bound).",
     False),
    (50097, "Device authentication required",
     "Entra ID needs this device to prove who it is (its registration), and it did not.",
     f"{REGISTER}, then sign in again through the broker.", False),
    (50129, "Device not registered (workplace join required)",
     "Your organisation requires the device to be registered with Microsoft Entra ID.",
     f"{REGISTER}, then try again.", False),
    (50155, "Device authentication failed",
     "The device presented its registration, but Entra ID did not accept it for this user: "
     "it may have been removed or have gone stale.",
     "Register the device again (Windows: Access work or school ▸ Disconnect, then Connect); "
     f"if it still fails, {ASK_ADMIN_LC} to check the device in Entra ID.", False),
    (50187, "Device information not provided",
     "The sign-in service could not authenticate the device: its identity was not presented "
     "with the sign-in.",
     f"{REGISTER}, and sign in through the broker on that device.", False),
    (53000, "Compliant device required",
     "A Conditional Access policy requires a device your organisation marks compliant (for "
     "example enrolled in Intune), and this one is not.",
     "Enroll the device (Company Portal on Windows and macOS, the Intune app on Linux), fix "
     "what it reports as not compliant, then try again.", False),
    (53001, "Domain-joined device required",
     "A Conditional Access policy requires a device joined to your organisation's domain.",
     f"Use a domain-joined device, or {ASK_ADMIN_LC} whether this one can be joined.", False),
    (53002, "Approved client app required",
     "A Conditional Access policy lets only the apps your organisation approved reach this "
     "resource, and this app is not one of them.",
     f"Use one of the approved apps for this resource, or {ASK_ADMIN_LC} whether this app can "
     "be approved.", False),
    (53005, "App protection policy required",
     "A Conditional Access policy lets only apps that enforce Intune app protection policies "
     "reach this resource, and this app does not.",
     f"Use an app that supports Intune app protection, or {ASK_ADMIN_LC} for an exception.",
     False),
    (135010, "Device key not found",
     "The device's registration key could not be found, so the device cannot prove who it is.",
     "Register the device again (Windows: Access work or school ▸ Disconnect, then Connect); "
     f"if it still fails, {ASK_ADMIN_LC} to check the device in Entra ID.", False),
    (135011, "Device disabled",
     "The device used for this sign-in is disabled in your organisation's directory.",
     f"{ASK_ADMIN} to enable the device in Entra ID, or register it again.", False),
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


AADSTS_GUIDANCE: Mapping[int, Guidance] = MappingProxyType(_build_aadsts(_AADSTS_ROWS))


def for_aadsts(code: int) -> Guidance | None:
    """Guidance for an Entra ID AADSTS error number, or None when it is not in the table."""
    return AADSTS_GUIDANCE.get(code)


def unknown_aadsts(code: int) -> Guidance:
    return Guidance(
        f"AADSTS{code}",
        f"Microsoft Entra ID error AADSTS{code}",
        f"Microsoft Entra ID refused the request with error AADSTS{code}.",
        f"Look the code up at https://login.microsoftonline.com/error?code={code}; "
        f"{ASK_ADMIN_LC} if it concerns tenant policy or the app registration.",
    )
