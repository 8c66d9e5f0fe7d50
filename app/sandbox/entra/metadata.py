"""The login metadata msal fetches before any broker call.

msal's PublicClientApplication reads `<authority>/v2.0/.well-known/openid-configuration` (and
instance discovery for hosts it does not know). The sandbox's login proxy (gateway.py) serves
these two documents for the login hosts, so an unchanged program gets the production
authority and nothing leaves the machine.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

CLOUD_HOSTS = ("login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn")


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


def answer(host: str, target: str) -> dict[str, Any] | None:
    """The document for a GET of `target` (path and query) on a login host, or None."""
    url = urlsplit(target)
    parts = [p for p in url.path.split("/") if p]
    if host not in CLOUD_HOSTS:
        return None
    if parts[-2:] == [".well-known", "openid-configuration"] and len(parts) >= 3:
        return openid_configuration(host, parts[0])
    if parts == ["common", "discovery", "instance"]:
        return instance_discovery(host, url.query)
    return None
