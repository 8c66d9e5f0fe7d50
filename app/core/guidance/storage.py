"""Guidance for Azure Storage errors: the data-plane roles people miss, token audience and
issuer mismatches, certificates, unreachable hosts and throttling.

Only error codes and a few known phrases are read; raw response bodies and messages are never
copied into the guidance (they can echo request details)."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from app.core.configurations.request_options import OptionError, parse_claims
from app.core.guidance.advice import RETRY, SIGN_IN_DONE, Guidance, Row, table

if TYPE_CHECKING:
    from azure.core.exceptions import HttpResponseError


# Azure Storage. The data-plane roles are what people miss: Owner/Contributor manage the account
# but grant no access to the data. Rows: (code, title, explanation, fix, needs_interaction).
_DATA_ROLES = (
    "Ask an owner of the storage account to assign your account the role Storage Blob Data "
    "Reader (browse, download) or Storage Blob Data Contributor (upload, delete, containers) "
    "at the storage account or container scope. Owner or Contributor alone are not enough: "
    "they manage the account, not its data. Role assignments take a few minutes to apply."
)
# fmt: off
_STORAGE_ROWS: tuple[Row, ...] = (
    ("AuthorizationPermissionMismatch", "No data access to this storage account",
     "Storage knows who you are, but no data-plane role lets this account do this here.",
     _DATA_ROLES, False),
    ("AuthorizationFailure", "No data access to this storage account",
     "Storage refused the request: this account has no data-plane role for it, or the "
     "account's firewall (network rules, private endpoint) does not admit this network.",
     f"{_DATA_ROLES} If you have the role, ask them to allow your network or connect through "
     "the network that can reach the account.", False),
    ("InvalidTokenAudience", "Token issued for another resource",
     "Storage refused the token (“Invalid token audience”): it was issued for a different "
     "resource than Azure Storage.",
     "Set the profile's scopes to https://storage.azure.com/.default, then try again.", False),
    ("InvalidTokenIssuer", "Token from another tenant or cloud",
     "Storage refused the token (“Invalid token issuer”): it comes from a tenant or cloud "
     "this storage account does not trust.",
     "Use an account of the storage account's tenant (or a guest in it) and an authority of "
     "the same cloud, e.g. login.microsoftonline.us for *.usgovcloudapi.net.", False),
    ("TokenExpired", "Token expired or not yet valid",
     "Storage refused the token (“Lifetime validation failed”): by its clock the token has "
     "expired or is not valid yet, usually because this device's clock is wrong.",
     "Set the date, time and time zone to update automatically, then try again: a fresh "
     "token is requested.", False),
    ("ClaimsChallenge", "This data needs a stronger sign-in",
     "The storage service asked for claims this token does not carry (a claims challenge): "
     "an authentication context such as MFA that Conditional Access requires for this data, "
     "or a session continuous access evaluation revoked.",
     "Choose “Sign in with the requested claims” and complete the sign-in window: the "
     "broker asks for exactly these claims, then the pane connects again.", True),
    ("AuthenticationFailed", "Storage did not accept the sign-in",
     "The storage service refused this account's token.", SIGN_IN_DONE, True),
    ("ContainerNotFound", "Container not found",
     "The container does not exist (any more); someone may have deleted it.",
     "Refresh the container list.", False),
    ("BlobNotFound", "Blob not found",
     "The blob does not exist any more; it was deleted, renamed or moved.",
     "Refresh the folder.", False),
    ("StorageAccountNotFound", "Storage account not found",
     "No storage account answers at this address: the name is misspelt, the account was "
     "deleted, or it belongs to another cloud.",
     "Check the account name and the cloud in the URL (blob.core.windows.net, "
     "blob.core.usgovcloudapi.net or blob.core.chinacloudapi.cn).", False),
    ("CertificateVerifyFailed", "Storage certificate not trusted",
     "The secure connection was refused because the server's certificate is not trusted. A "
     "corporate proxy or TLS inspection that replaces certificates is the usual cause.",
     "Have the proxy's root certificate trusted (REQUESTS_CA_BUNDLE) or ask IT to exempt "
     "*.blob.core.windows.net from inspection. For the emulator, trust its CA.", False),
    ("StorageUnreachable", "Cannot reach the storage service",
     "The connection was refused, timed out or dropped: the network, a firewall or proxy, an "
     "account reachable only through a private endpoint, or a stopped emulator.",
     "Check the network and VPN; for a private endpoint, join the network that reaches it. "
     f"{RETRY}", False),
    ("StorageRefused", "Nothing answers at this address",
     "The connection was refused: nothing listens at this host and port (a wrong port, a "
     "stopped emulator) or a firewall rejects the connection.",
     "Check the URL's host and port; for the emulator, start it. Then choose Connect again.",
     False),
    ("ServerBusy", "Storage is throttling requests",
     "The storage account is busy and asked for fewer requests (HTTP 429 or 503); the app "
     "already retried with increasing waits.",
     "Wait a minute and try again, with fewer transfers at once.", False),
    ("ContainerAlreadyExists", "Container already exists",
     "A container with this name already exists in this storage account.",
     "Choose another name, or open the existing container.", False),
    ("ContainerBeingDeleted", "Container is being deleted",
     "A container with this name was just deleted; the name stays reserved until the "
     "service finishes, often for 30 seconds or more.",
     "Wait a minute and try again, or choose another name.", False),
    ("ConditionNotMet", "Blob changed during the transfer",
     "The blob changed while it was being read, so the transfer stopped rather than mix two "
     "versions.", "Try again.", False),
)
# fmt: on
STORAGE_GUIDANCE: Mapping[str, Guidance] = MappingProxyType(table(_STORAGE_ROWS))

_AUTH_DETAIL = re.compile(r"<AuthenticationErrorDetail>(.*?)</AuthenticationErrorDetail>", re.S)
_SAFE_CODE = re.compile(r"[A-Za-z][A-Za-z0-9]{0,63}")
_CERTIFICATE = ("certificate_verify_failed", "certificate verify failed", "self-signed cert",
                "self signed cert", "unable to get local issuer")  # fmt: skip
# ECONNREFUSED as Linux, macOS and Windows (WSAECONNREFUSED, 10061) word it
_REFUSED = ("connection refused", "actively refused", "[errno 111]", "[winerror 10061]")
_NO_SUCH_HOST = ("name or service not known", "getaddrinfo", "nodename nor servname",
                 "no address associated with hostname")  # fmt: skip


def for_storage_error(error: BaseException) -> Guidance | None:
    """Guidance for an azure-core error from a storage call, or None when it is not one.

    Errors that never got an HTTP answer and carry no storage error code (azure-identity's
    sign-in errors) are left to the AADSTS lookup. Message and body text only steer the choice.
    azure-core is looked up, not imported: this module must load without it (a broken install
    still gets guidance), and an error of its kind implies it was imported already.
    """
    if "azure.core.exceptions" not in sys.modules:
        return None
    from azure.core import exceptions as azure_errors

    if isinstance(error, azure_errors.IncompleteReadError):
        return STORAGE_GUIDANCE["StorageUnreachable"]
    if isinstance(error, (azure_errors.ServiceRequestError, azure_errors.ServiceResponseError)):
        text = _chain_text(error)
        if any(p in text for p in _CERTIFICATE):
            return STORAGE_GUIDANCE["CertificateVerifyFailed"]
        if "temporary failure in name resolution" not in text and any(
            p in text for p in _NO_SUCH_HOST
        ):
            return STORAGE_GUIDANCE["StorageAccountNotFound"]
        if any(p in text for p in _REFUSED):
            return STORAGE_GUIDANCE["StorageRefused"]
        return STORAGE_GUIDANCE["StorageUnreachable"]
    if not isinstance(error, azure_errors.HttpResponseError):
        return None
    code, status = _error_code(error), error.status_code
    if not code and status is None:
        return None
    if code in ("AuthenticationFailed", "InvalidAuthenticationInfo") or status == 401:
        if challenge_claims(error):
            return STORAGE_GUIDANCE["ClaimsChallenge"]
        detail = _auth_detail(error)
        for word, key in (("audience", "InvalidTokenAudience"), ("issuer", "InvalidTokenIssuer"),
                          ("lifetime", "TokenExpired"), ("expired", "TokenExpired")):  # fmt: skip
            if word in detail:
                return STORAGE_GUIDANCE[key]
        return STORAGE_GUIDANCE["AuthenticationFailed"]
    if code in STORAGE_GUIDANCE:
        return STORAGE_GUIDANCE[code]
    if status in (429, 503) or "throttl" in str(error.message).lower():
        return STORAGE_GUIDANCE["ServerBusy"]
    if status == 404 or isinstance(error, azure_errors.ResourceNotFoundError):
        return STORAGE_GUIDANCE["StorageAccountNotFound"]
    shown = code if _SAFE_CODE.fullmatch(code) else "Unknown"
    return Guidance(
        shown,
        "Storage request failed",
        f"Azure Storage refused the request (HTTP {status or 'error'}, code {shown}).",
        f"{RETRY} If it keeps failing, look the code up in the Azure Storage error codes.",
    )


def challenge_claims(error: BaseException) -> str:
    """The claims a storage 401's claims challenge asks for (decoded JSON), or ""."""
    response = getattr(error, "response", None)
    header = getattr(response, "headers", {}).get("WWW-Authenticate", "") if response else ""
    if "insufficient_claims" not in header:
        return ""
    try:
        return parse_claims(header)
    except OptionError:
        return ""


def _error_code(error: HttpResponseError) -> str:
    code = getattr(error, "error_code", None)
    if not code and error.response is not None:
        code = getattr(error.response, "headers", {}).get("x-ms-error-code")
    return str(getattr(code, "value", code) or "")


def _auth_detail(error: HttpResponseError) -> str:
    """The AuthenticationErrorDetail, lower-cased, for matching only (never shown)."""
    info = getattr(error, "additional_info", None) or {}
    parts = [str(v) for k, v in info.items() if k.lower() == "authenticationerrordetail"]
    try:
        body = error.response.text() if error.response is not None else ""
    except Exception:  # a body that was streamed away or not read
        body = ""
    parts += [*_AUTH_DETAIL.findall(body), str(error.message)]
    return " ".join(parts).lower()


def _chain_text(error: BaseException) -> str:
    """The lower-cased text of an error and its causes, for matching only (never shown)."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [error]
    while todo and len(seen) < 8:
        current = todo.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        todo += [getattr(current, "inner_exception", None), current.__cause__, current.__context__]
    return " ".join(str(e) for e in seen).lower()
