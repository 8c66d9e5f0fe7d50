"""The sandbox's login proxy, met the way any program meets it: through the proxy and CA-bundle
variables the session sandbox exported (HTTPS_PROXY, REQUESTS_CA_BUNDLE), with no transport or
argument of the sandbox's own. Served: the login metadata; refused, with a message: the rest.

A guard makes every name lookup or connection to anything but loopback fail the test, so a
request that escaped the proxy could not quietly reach the internet.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from typing import Any
from urllib.parse import urlencode

import jwt
import msal
import pytest
import requests
from azure.core import PipelineClient
from azure.core.exceptions import ServiceRequestError
from azure.core.rest import HttpRequest

from app.sandbox.launcher import Sandbox
from tests.helpers import CONTOSO

CLIENT = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
HOST = "https://login.microsoftonline.com"
OPENID = f"{HOST}/organizations/v2.0/.well-known/openid-configuration"
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}


class NetworkUsed(AssertionError):
    pass


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if self.family != socket.AF_UNIX and not ipaddress.ip_address(address[0]).is_loopback:
            raise NetworkUsed(f"network connect to {address!r}")
        return real_connect(self, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in LOOPBACK_NAMES:
            raise NetworkUsed(f"name lookup of {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)


def served_since(sandbox: Sandbox, mark: int) -> list[dict[str, str]]:
    return sandbox.journal()[mark:]


def test_openid_configuration_for_organizations(sandbox: Sandbox) -> None:
    mark = len(sandbox.journal())
    response = requests.get(OPENID, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["authorization_endpoint"] == f"{HOST}/organizations/oauth2/v2.0/authorize"
    assert body["token_endpoint"] == f"{HOST}/organizations/oauth2/v2.0/token"
    assert body["issuer"] == f"{HOST}/{{tenantid}}/v2.0"
    assert served_since(sandbox, mark) == [{"kind": "metadata", "url": OPENID}]


@pytest.mark.parametrize(
    ("host", "tenant"),
    [
        ("login.microsoftonline.com", "4c5aa37b-6bdb-5753-8e91-ca41367d74b3"),
        ("login.microsoftonline.com", "contoso.example"),
        ("login.microsoftonline.us", "common"),
        ("login.chinacloudapi.cn", "consumers"),
    ],
)
def test_openid_configuration_follows_host_and_tenant(host: str, tenant: str) -> None:
    url = f"https://{host}/{tenant}/v2.0/.well-known/openid-configuration"
    body = requests.get(url, timeout=10).json()
    # A domain is answered with its tenant's id, as Entra ID names the canonical realm.
    named = CONTOSO if tenant == "contoso.example" else tenant
    assert body["token_endpoint"] == f"https://{host}/{named}/oauth2/v2.0/token"
    generic = tenant in ("common", "organizations", "consumers")
    assert body["issuer"] == f"https://{host}/{'{tenantid}' if generic else named}/v2.0"


def test_a_domain_no_tenant_has_gets_entras_invalid_tenant(sandbox: Sandbox) -> None:
    mark = len(sandbox.journal())
    url = f"{HOST}/nowhere.example/v2.0/.well-known/openid-configuration"
    response = requests.get(url, timeout=10)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_tenant" and body["error_codes"] == [90002]
    assert body["error_description"].startswith("AADSTS90002: Tenant 'nowhere.example' not found.")
    assert served_since(sandbox, mark) == [{"kind": "unknown-tenant", "url": url}]


def test_instance_discovery_names_the_host_of_the_authorization_endpoint() -> None:
    query = urlencode(
        {
            "api-version": "1.1",
            "authorization_endpoint": "https://login.microsoftonline.us/common/oauth2/authorize",
        }
    )
    body = requests.get(f"{HOST}/common/discovery/instance?{query}", timeout=10).json()
    assert body["tenant_discovery_endpoint"].startswith("https://login.microsoftonline.us/")
    assert body["metadata"][0]["aliases"] == ["login.microsoftonline.us"]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/",
        "https://graph.microsoft.com/v1.0/me",
        "https://login.microsoftonline.com.evil.example/common/discovery/instance",
        "https://sandboxaccount.blob.core.windows.net/container",
        "https://login.microsoftonline.com:8443/organizations/v2.0/.well-known/openid-configuration",
    ],
)
def test_other_hosts_are_refused_with_a_reason(sandbox: Sandbox, url: str) -> None:
    mark = len(sandbox.journal())
    with pytest.raises(requests.exceptions.ProxyError) as caught:
        requests.get(url, timeout=10)
    assert "Refused by the sandbox" in str(caught.value)
    assert "login.microsoftonline.com" in str(caught.value)
    (entry,) = served_since(sandbox, mark)
    assert entry["kind"] == "refused"


def test_plain_http_is_refused_with_a_reason(sandbox: Sandbox) -> None:
    response = requests.get(OPENID.replace("https:", "http:"), timeout=10)
    assert response.status_code == 403
    assert response.reason.startswith("Refused by the sandbox")
    assert sandbox.journal()[-1]["kind"] == "refused"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        # The flows `az login` uses on Linux (no broker there): browser auth code, device code
        # (BEHAVIOUR.md, "Not modelled").
        ("POST", "/organizations/oauth2/v2.0/token"),
        ("POST", "/organizations/oauth2/v2.0/devicecode"),
        ("GET", "/organizations/oauth2/v2.0/authorize"),
        ("GET", "/"),
        ("GET", "/.well-known/openid-configuration"),
    ],
)
def test_other_paths_on_a_login_host_get_an_oauth_error(method: str, path: str) -> None:
    response = requests.request(method, f"{HOST}{path}", data={"a": "b"}, timeout=10)
    assert response.status_code == 400
    error = response.json()
    assert error["error"] == "invalid_request"
    assert "Refused by the sandbox" in error["error_description"]
    assert "sandbox broker" in error["error_description"]


def test_the_tenants_jwks_uri_serves_the_key_the_brokers_tokens_verify_with(
    sandbox: Sandbox,
) -> None:
    """A resource server's usual steps, with PyJWT: the tenant's openid-configuration, its
    jwks_uri, the key named by the token's kid; a token the sandbox broker minted verifies,
    the same token with a changed claim does not."""
    from app.core.broker.runtime import Broker
    from app.core.configurations.profile import Profile
    from app.core.credentials.account import BrokerAccountCredential

    configuration = requests.get(
        f"{HOST}/{CONTOSO}/v2.0/.well-known/openid-configuration", timeout=10
    ).json()
    keys = requests.get(configuration["jwks_uri"], timeout=10).json()
    assert sandbox.journal()[-1] == {"kind": "metadata", "url": configuration["jwks_uri"]}
    adele = next(a for a in Broker().discover_accounts(Profile()) if a.username.startswith("adele"))
    credential = BrokerAccountCredential(Broker(), adele, Profile())
    token = credential.get_token("https://storage.azure.com/.default").token
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWKSet.from_dict(keys)[kid].key
    claims = jwt.decode(token, key, algorithms=["RS256"], audience="https://storage.azure.com")
    assert claims["iss"] == f"https://sts.windows.net/{CONTOSO}/"
    head, _, signature = token.split(".")
    changed = jwt.utils.base64url_encode(json.dumps({**claims, "oid": "x"}).encode()).decode()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(f"{head}.{changed}.{signature}", key, algorithms=["RS256"],
                   audience="https://storage.azure.com")  # fmt: skip


def test_through_an_azure_core_pipeline() -> None:
    with PipelineClient(base_url=HOST, policies=[]) as client:
        response = client.send_request(HttpRequest("GET", OPENID))
        assert response.json()["token_endpoint"] == f"{HOST}/organizations/oauth2/v2.0/token"
        with pytest.raises(ServiceRequestError, match="Refused by the sandbox"):
            client.send_request(HttpRequest("GET", "https://example.com/"))


def test_urllib_through_the_proxy_and_ssl_cert_file() -> None:
    """The standard library honours https_proxy and, through its default SSL context,
    SSL_CERT_FILE: no requests, no REQUESTS_CA_BUNDLE."""
    import urllib.request

    with urllib.request.urlopen(OPENID, timeout=10) as response:
        assert json.loads(response.read())["token_endpoint"].endswith("/oauth2/v2.0/token")


def test_msal_initialises_offline_with_no_sandbox_code(sandbox: Sandbox) -> None:
    mark = len(sandbox.journal())
    app = msal.PublicClientApplication(CLIENT, authority=f"{HOST}/organizations")
    assert app.authority.token_endpoint == f"{HOST}/organizations/oauth2/v2.0/token"
    assert served_since(sandbox, mark) == [{"kind": "metadata", "url": OPENID}]


def test_msal_with_a_custom_authority_host_is_refused(sandbox: Sandbox) -> None:
    mark = len(sandbox.journal())
    with pytest.raises(requests.exceptions.ProxyError, match="Refused by the sandbox"):
        msal.PublicClientApplication(
            CLIENT, authority="https://login.contoso.example/organizations"
        )
    # Instance discovery is answered; the custom host itself is refused at the proxy.
    kinds = [(e["kind"], e.get("target", "")) for e in served_since(sandbox, mark)]
    assert ("refused", "login.contoso.example:443") in kinds
    assert all(kind in ("metadata", "refused") for kind, _ in kinds)


def test_the_network_guard_is_armed() -> None:
    """The guard itself: a session that ignores the proxy variables must trip it."""
    with requests.Session() as direct, pytest.raises(NetworkUsed):
        direct.trust_env = False
        direct.get("https://example.com/", timeout=1)
