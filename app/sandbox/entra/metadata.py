"""The login metadata msal fetches before any broker call.

msal's PublicClientApplication reads `<authority>/v2.0/.well-known/openid-configuration` (and
instance discovery for hosts it does not know). The sandbox's login proxy (gateway.py) serves
these two documents for the login hosts, so an unchanged program gets the production
authority and nothing leaves the machine.

A tenant given as a domain name is answered as Entra ID answers it: the document names the
tenant by its id (the canonical realm libmsalruntime looks for: given the domain back it fails
with "Unable to canonicalize friendly name", measured with 0.20.7), and a domain no tenant
has gets Entra's 400 invalid_tenant (AADSTS90002).

The `jwks_uri` the document names (and the v1 `/{tenant}/discovery/keys`) serves the run's
signing key (entra/tokens.py `jwks`): the key the sandbox's storage endpoint verifies tokens
with, published where a client would look for Entra ID's.
"""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

CLOUD_HOSTS = ("login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn")
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
ALIASES = ("common", "organizations", "consumers")
KEYS_V1, KEYS_V2 = ["discovery", "keys"], ["discovery", "v2.0", "keys"]


class UnknownTenant(LookupError):
    """A tenant domain no tenant of the directory has: Entra ID's error document."""

    def __init__(self, tenant: str) -> None:
        super().__init__(tenant)
        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        trace, correlation = uuid.uuid4(), uuid.uuid4()
        self.document = {
            "error": "invalid_tenant",
            "error_description": f"AADSTS90002: Tenant '{tenant}' not found. Check to make sure "
            "you have the correct tenant ID and are signing into the correct cloud. Trace ID: "
            f"{trace} Correlation ID: {correlation} Timestamp: {now}",
            "error_codes": [90002],
            "timestamp": now,
            "trace_id": str(trace),
            "correlation_id": str(correlation),
            "error_uri": "https://login.microsoftonline.com/error?code=90002",
        }


def openid_configuration(host: str, tenant: str) -> dict[str, Any]:
    base = f"https://{host}/{tenant}"
    issuer_tenant = "{tenantid}" if tenant in ("common", "organizations", "consumers") else tenant
    return {
        "token_endpoint": f"{base}/oauth2/v2.0/token",
        "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
        "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
        "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
        "jwks_uri": f"https://{host}/{tenant}/discovery/v2.0/keys",
        "issuer": f"https://{host}/{issuer_tenant}/v2.0",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
        "tenant_region_scope": None,
        "cloud_instance_name": "microsoftonline.com",
    }


def instance_discovery(host: str, query: str) -> dict[str, Any]:
    endpoint = parse_qs(query).get("authorization_endpoint", [""])[0]
    target = urlsplit(endpoint).hostname or host
    return {
        "tenant_discovery_endpoint": f"https://{target}/common/v2.0/.well-known/openid-configuration",
        "api-version": "1.1",
        "metadata": [
            {
                "preferred_network": target,
                "preferred_cache": target,
                "aliases": [target],
            }
        ],
    }


def answer(
    host: str,
    target: str,
    domains: dict[str, str] | None = None,
    jwks: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The document for a GET of `target` (path and query) on a login host, or None;
    UnknownTenant for a domain that is no tenant's (`domains`: domain → tenant id; `jwks`:
    the signing keys' document)."""
    url = urlsplit(target)
    parts = [p for p in url.path.split("/") if p]
    if host not in CLOUD_HOSTS:
        return None
    if parts[-2:] == [".well-known", "openid-configuration"] and len(parts) >= 3:
        return openid_configuration(host, _tenant(parts[0], domains))
    if jwks is not None and len(parts) >= 3 and parts[1:] in (KEYS_V1, KEYS_V2):
        _tenant(parts[0], domains)
        return jwks
    if parts == ["common", "discovery", "instance"]:
        return instance_discovery(host, url.query)
    return None


def _tenant(tenant: str, domains: dict[str, str] | None) -> str:
    """A tenant id or alias as given; a domain as its tenant's id; UnknownTenant otherwise."""
    if tenant.lower() in ALIASES or GUID.match(tenant):
        return tenant
    known = (domains or {}).get(tenant.lower())
    if known is None:
        raise UnknownTenant(tenant)
    return known
