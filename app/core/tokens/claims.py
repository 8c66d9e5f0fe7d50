"""What the claims of Microsoft identity platform tokens mean, in a line each, for the token
inspector (as jwt.ms shows them). Worded after Microsoft's access token and ID token claims
references. Plain data: no Qt.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

HEADER = {
    "typ": "Token type: JWT.",
    "alg": "Algorithm the token was signed with (RS256: RSA with SHA-256).",
    "kid": "Which of the issuer's signing keys signed it (its published key id).",
    "x5t": "Thumbprint of the signing key's certificate (same as kid in v1 tokens).",
    "nonce": "A value the service uses to bind the token; not for the app to check.",
}

CLAIMS = {
    "aud": "Audience: the API (resource) the token is for; only that API may accept it.",
    "iss": "Issuer: the Security Token Service and tenant that issued the token.",
    "iat": "Issued at: when the token was issued.",
    "nbf": "Not before: the token is not valid before this time.",
    "exp": "Expires: the token is not valid from this time on.",
    "idp": "Identity provider that authenticated the user, when not the issuer's tenant "
    "(a guest's home tenant, or live.com for personal accounts).",
    "tid": "Tenant id: the tenant the user signed in to, where the token was issued.",
    "oid": "Object id: the user's immutable id in this tenant, the same across apps.",
    "sub": "Subject: the user's id for this app (pairwise: differs per app).",
    "idtyp": "Token is for a user (delegated) or an app (application permissions).",
    "ver": "Token format version: 1.0 or 2.0.",
    "appid": "Client id of the app that asked for the token (v1 tokens).",
    "azp": "Authorized party: client id of the app that asked for the token (v2 tokens).",
    "appidacr": "How the app authenticated: 0 public client, 1 secret, 2 certificate.",
    "azpacr": "How the app authenticated: 0 public client, 1 secret, 2 certificate.",
    "scp": "Scopes: the delegated permissions granted to the app for this user.",
    "roles": "Roles: app roles (or application permissions) assigned for this API.",
    "wids": "Directory roles of the user (role template ids), e.g. Global Administrator.",
    "groups": "Object ids of groups the user belongs to (when the app asks for them).",
    "hasgroups": "The user has too many groups for the token; ask Microsoft Graph.",
    "amr": "Authentication methods used: pwd, mfa, rsa, ngcmfa (Windows Hello)…",
    "acr": "Authentication context class: 0 when the user did not meet ISO/IEC 29115.",
    "acrs": "Authentication contexts (Conditional Access) the sign-in satisfied.",
    "auth_time": "When the user last entered credentials.",
    "name": "Display name of the user.",
    "given_name": "First name of the user.",
    "family_name": "Last name of the user.",
    "preferred_username": "The username shown for the user (usually the sign-in name); "
    "mutable: not an id.",
    "upn": "User principal name (sign-in name); mutable: not an id.",
    "unique_name": "A display name for the user (v1 tokens); mutable: not an id.",
    "email": "Email address, when the user has one (not verified).",
    "login_hint": "Opaque hint for signing this user in again without a prompt.",
    "ipaddr": "IP address the user authenticated from.",
    "onprem_sid": "The user's security identifier in on-premises Active Directory.",
    "puid": "Personal user id for Microsoft accounts (internal).",
    "sid": "Session id: the user's sign-in session.",
    "uti": "Token identifier: used by the service to revoke it; not for apps.",
    "rh": "Used by Azure AD to revalidate tokens; not for apps.",
    "aio": "Used by Azure AD to record data for token reuse; not for apps.",
    "nonce": "Binds the token to one request, against replay (ID token: the app's sign-in; "
    "PoP: the nonce the resource gave).",
    "c_hash": "Hash of the authorization code the ID token came with.",
    "at_hash": "Hash of the access token the ID token came with.",
    "ctry": "The user's country or region.",
    "tenant_ctry": "The tenant's country or region.",
    "tenant_region_scope": "Region of the tenant.",
    "deviceid": "Id of the device the user signed in on (registered devices).",
    "platf": "Device platform (registered devices).",
    "in_corp": "The user signed in from the corporate network.",
    "cnf": "Confirmation: the key this token is bound to (proof-of-possession); only the "
    "holder of that key can use it.",
    "m": "PoP: the HTTP method of the one request this signed request is valid for.",
    "u": "PoP: the host of the request URL it is bound to.",
    "p": "PoP: the path of the request URL it is bound to.",
    "ts": "PoP: when the request was signed; the resource refuses old ones.",
    "xms_cc": "Client capabilities: cp1 means the app can handle claims challenges (CAE).",
    "xms_ssm": "Used by the service for session management; not for apps.",
    "xms_tcdt": "When the tenant was created (tenant creation date).",
    "xms_pdl": "Preferred data location (multi-geo tenants).",
    "xms_pl": "The user's preferred language.",
    "xms_tpl": "The tenant's preferred language.",
    "xms_idrel": "How the user relates to the tenant: 1 member, 5 guest, …",
    "xms_ftd": "Used by the service to route requests; not for apps.",
}

TIME_CLAIMS = frozenset({"iat", "nbf", "exp", "auth_time", "xms_tcdt", "ts"})


def describe(name: str, header: bool = False) -> str:
    """A line on what the claim means; "" for a claim this table does not know."""
    known = (HEADER if header else CLAIMS).get(name)
    if known is not None:
        return known
    if name.startswith("xms_"):
        return "A Microsoft extension claim (xms_*): set by the service, not for apps."
    return ""


def format_value(name: str, value: Any) -> str:
    """A claim's value for display: times with their date in local time and zone, lists and
    objects as JSON."""
    if name in TIME_CLAIMS and isinstance(value, int) and not isinstance(value, bool):
        return f"{value}  ({format_time(value)})"
    return value if isinstance(value, str) else json.dumps(value)


def format_time(epoch: int) -> str:
    """ "2026-11-28 15:46:00 CET (UTC+01:00)"; "… UTC" where local time is UTC."""
    try:
        local = datetime.fromtimestamp(epoch, UTC).astimezone()
    except (OverflowError, OSError, ValueError):
        return "not a valid time"
    offset = local.strftime("%z")
    zone = local.tzname() or ""
    when = local.strftime("%Y-%m-%d %H:%M:%S")
    if offset in ("+0000", "-0000", ""):
        return f"{when} UTC"
    pretty = f"UTC{offset[:3]}:{offset[3:]}"
    return (
        f"{when} {zone} ({pretty})"
        if zone and not zone.startswith(("+", "-"))
        else (f"{when} {pretty}")
    )


def decoded_json(sections: Mapping[str, Mapping[str, Mapping[str, Any]] | None]) -> str:
    """The decoded header and claims of each token as JSON (never the token itself, nor its
    signature); a token that is not a JWT is null."""
    return json.dumps(sections, indent=2, ensure_ascii=False)
