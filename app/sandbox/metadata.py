"""The login metadata msal fetches before any broker call, served from memory.

msal's PublicClientApplication reads `<authority>/v2.0/.well-known/openid-configuration` (and
instance discovery) over HTTP. In sandbox mode the credential gets `transport=
metadata_transport()`: an azure-core transport whose requests session answers those two
documents locally and refuses everything else, so the authority the broker sees is exactly
the production one and nothing leaves the machine.
"""

from __future__ import annotations

import io
import json
import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from azure.core.pipeline.transport import RequestsTransport
from requests.adapters import BaseAdapter
from urllib3.response import HTTPResponse

logger = logging.getLogger(__name__)

CLOUD_HOSTS = ("login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn")


class OfflineRefused(requests.ConnectionError):
    pass


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


class MetadataAdapter(BaseAdapter):
    """A requests adapter that knows two documents and refuses the rest of the internet."""

    def __init__(self) -> None:
        super().__init__()
        self.requests_seen: list[str] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        url = urlsplit(str(request.url))
        self.requests_seen.append(f"{request.method} {url.scheme}://{url.netloc}{url.path}")
        parts = [p for p in url.path.split("/") if p]
        body: dict[str, Any] | None = None
        if url.scheme == "https" and url.hostname in CLOUD_HOSTS:
            if parts[-2:] == [".well-known", "openid-configuration"] and len(parts) >= 3:
                body = openid_configuration(url.hostname, parts[0])
            elif parts == ["common", "discovery", "instance"]:
                body = instance_discovery(url.hostname, url.query)
        if body is None:
            logger.warning("sandbox refused a request to %s://%s", url.scheme, url.netloc)
            raise OfflineRefused(f"The sandbox does not reach {url.scheme}://{url.netloc}")
        data = json.dumps(body).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Content-Length": str(len(data)),
        }
        raw = HTTPResponse(
            body=io.BytesIO(data), headers=headers, status=200, preload_content=False
        )
        response = requests.Response()
        response.status_code = 200
        response.raw = raw
        response.headers.update(headers)
        response.url = str(request.url)
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass


def metadata_transport() -> RequestsTransport:
    session = requests.Session()
    adapter = MetadataAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    transport = RequestsTransport(session=session, session_owner=False)
    transport.adapter = adapter  # type: ignore[attr-defined]  # for tests to see what was asked
    return transport
