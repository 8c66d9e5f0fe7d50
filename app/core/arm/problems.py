"""ARM's error documents, explained: what each refusal means and what to do.

ARM answers a failed request with `{"error": {"code", "message"}}` (CloudError); a 401 may
carry a claims challenge in WWW-Authenticate (`error="insufficient_claims", claims="<base64>"`),
the way ARM asks for MFA. Plain Python.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from app.core.arm.records import ArmProblem

_EXPLAINED = {
    "AuthorizationFailed": (
        "No permission in Azure Resource Manager",
        "Ask an Owner or User Access Administrator of the subscription for a role that can "
        "read it (Reader is enough to list storage accounts; the Storage Blob Data roles "
        "alone do not list them).",
    ),
    "ReadOnlyDisabledSubscription": (
        "Subscription disabled",
        "The subscription is disabled (expired, cancelled or over its spending limit): an "
        "account administrator re-enables it in the Azure portal (Subscriptions ▸ Reactivate).",
    ),
    "SubscriptionNotFound": (
        "Subscription not found",
        "It is not in this tenant, or was moved or cancelled: refresh the list.",
    ),
    "InvalidAuthenticationTokenTenant": (
        "Token of another tenant",
        "The subscription belongs to another tenant: sign in to that tenant (its answer "
        "in this list) and try again.",
    ),
    "ExpiredAuthenticationToken": ("Token expired", "Refresh: a new token is asked for."),
    "InvalidAuthenticationToken": (
        "Token refused by Azure Resource Manager",
        "Sign in again for this tenant; if it persists, the profile's scopes must be ARM's "
        "(https://management.azure.com/.default).",
    ),
    "AuthenticationFailed": ("Not signed in", "Sign in again for this tenant."),
}
_CLAIMS = re.compile(r'claims="([^"]+)"')


def claims_of(header: str) -> str:
    """The decoded claims of a WWW-Authenticate claims challenge ("" when there is none)."""
    if 'error="insufficient_claims"' not in header:
        return ""
    found = _CLAIMS.search(header)
    if not found:
        return ""
    encoded = found.group(1)
    try:
        decoded = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
        json.loads(decoded)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return ""
    return decoded


def problem(status: int, body: Any, challenge: str = "") -> ArmProblem:
    """ARM's refusal, from its status, JSON body and WWW-Authenticate header."""
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    code = str(error.get("code") or f"HTTP{status}")
    message = str(error.get("message") or "no message")
    claims = claims_of(challenge)
    if claims:
        return needs_claims(status, code, message, claims)
    title, fix = _EXPLAINED.get(
        code,
        (
            "Azure Resource Manager refused",
            "Try again later; if it persists, see ARM's message.",
        ),
    )
    return ArmProblem(status, code, message, title, fix)


def needs_claims(status: int, code: str, message: str, claims: str) -> ArmProblem:
    """ARM's claims challenge: the tenant's policy wants more than the token has."""
    return ArmProblem(
        status, code, message, "Needs sign-in (MFA or claims)",
        "This tenant's Azure Resource Manager asks for more (multi-factor authentication, "
        "an authentication context): choose Sign in for this tenant.",
        claims,
    )  # fmt: skip


def unreachable(reason: str) -> ArmProblem:
    """No answer from ARM at all (network, proxy, TLS, timeout)."""
    return ArmProblem(
        0, "Unreachable", reason, "Azure Resource Manager unreachable",
        "Check the network, proxy and firewall for management.azure.com, then refresh.",
    )  # fmt: skip
