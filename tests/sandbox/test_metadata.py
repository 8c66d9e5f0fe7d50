"""The offline login-metadata transport: two documents answered from memory, nothing else.

Every test here runs with DNS resolution and TCP connects disabled (see `no_network`), so a
request that slipped past the adapter would fail with a different error than the refusal the
tests expect, instead of quietly reaching the internet.
"""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import urlencode

import msal
import pytest
import requests
from azure.core import PipelineClient
from azure.core.exceptions import ServiceRequestError
from azure.core.rest import HttpRequest

from app.sandbox.metadata import OfflineRefused, metadata_transport

CLIENT = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
HOST = "https://login.microsoftonline.com"
OPENID = f"{HOST}/organizations/v2.0/.well-known/openid-configuration"


class NetworkUsed(AssertionError):
    pass


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly on any name lookup or non-Unix socket connect made during the test."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if self.family != socket.AF_UNIX:
            raise NetworkUsed(f"network connect to {address!r}")
        return real_connect(self, address)

    def guarded_getaddrinfo(*args: Any, **kwargs: Any) -> Any:
        raise NetworkUsed(f"name lookup {args!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)


@pytest.fixture
def transport():  # type: ignore[no-untyped-def]
    return metadata_transport()


def test_openid_configuration_for_organizations(transport) -> None:  # type: ignore[no-untyped-def]
    response = transport.session.get(OPENID)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["authorization_endpoint"] == f"{HOST}/organizations/oauth2/v2.0/authorize"
    assert body["token_endpoint"] == f"{HOST}/organizations/oauth2/v2.0/token"
    assert body["issuer"] == f"{HOST}/{{tenantid}}/v2.0"
    assert body["jwks_uri"].startswith(f"{HOST}/organizations/")
    assert transport.adapter.requests_seen == [
        "GET https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration"
    ]


@pytest.mark.parametrize(
    ("host", "tenant"),
    [
        ("login.microsoftonline.com", "4c5aa37b-6bdb-5753-8e91-ca41367d74b3"),
        ("login.microsoftonline.com", "contoso.example"),
        ("login.microsoftonline.us", "common"),
        ("login.chinacloudapi.cn", "consumers"),
    ],
)
def test_openid_configuration_follows_host_and_tenant(transport, host: str, tenant: str) -> None:  # type: ignore[no-untyped-def]
    body = transport.session.get(
        f"https://{host}/{tenant}/v2.0/.well-known/openid-configuration"
    ).json()
    assert body["token_endpoint"] == f"https://{host}/{tenant}/oauth2/v2.0/token"
    assert body["authorization_endpoint"] == f"https://{host}/{tenant}/oauth2/v2.0/authorize"
    generic = tenant in ("common", "organizations", "consumers")
    assert body["issuer"] == f"https://{host}/{'{tenantid}' if generic else tenant}/v2.0"


def test_instance_discovery(transport) -> None:  # type: ignore[no-untyped-def]
    query = urlencode(
        {
            "api-version": "1.1",
            "authorization_endpoint": f"{HOST}/organizations/oauth2/v2.0/authorize",
        }
    )
    response = transport.session.get(f"{HOST}/common/discovery/instance?{query}")
    assert response.status_code == 200
    body = response.json()
    assert body["tenant_discovery_endpoint"] == (
        f"{HOST}/common/v2.0/.well-known/openid-configuration"
    )
    (entry,) = body["metadata"]
    assert entry["preferred_network"] == "login.microsoftonline.com"
    assert "login.microsoftonline.com" in entry["aliases"]


def test_instance_discovery_names_the_host_of_the_authorization_endpoint(transport) -> None:  # type: ignore[no-untyped-def]
    response = transport.session.get(
        f"{HOST}/common/discovery/instance",
        params={
            "api-version": "1.1",
            "authorization_endpoint": "https://login.microsoftonline.us/common/oauth2/authorize",
        },
    )
    body = response.json()
    assert body["tenant_discovery_endpoint"].startswith("https://login.microsoftonline.us/")
    assert body["metadata"][0]["aliases"] == ["login.microsoftonline.us"]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/",
        "https://example.com/organizations/v2.0/.well-known/openid-configuration",
        "http://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration",
        f"{HOST}/organizations/oauth2/v2.0/token",
        f"{HOST}/organizations/oauth2/v2.0/authorize",
        f"{HOST}/",
        f"{HOST}/.well-known/openid-configuration",
        "https://login.microsoftonline.com.evil.example/common/discovery/instance",
        "https://graph.microsoft.com/v1.0/me",
        "https://sandboxaccount.blob.core.windows.net/container",
    ],
)
def test_everything_else_is_refused_without_network(transport, url: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(requests.ConnectionError) as info:
        transport.session.get(url)
    assert isinstance(info.value, OfflineRefused)
    assert transport.adapter.requests_seen and url.startswith(
        transport.adapter.requests_seen[-1].split(" ", 1)[1]
    )


def test_post_to_the_token_endpoint_is_refused(transport) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OfflineRefused):
        transport.session.post(f"{HOST}/organizations/oauth2/v2.0/token", data={"a": "b"})


def test_through_an_azure_core_pipeline(transport) -> None:  # type: ignore[no-untyped-def]
    # policies=[] keeps the retry policy out: a refusal must surface at once.
    with PipelineClient(base_url=HOST, transport=transport, policies=[]) as client:
        response = client.send_request(HttpRequest("GET", OPENID))
        assert response.status_code == 200
        assert response.json()["token_endpoint"] == f"{HOST}/organizations/oauth2/v2.0/token"

        with pytest.raises(ServiceRequestError) as info:
            client.send_request(HttpRequest("GET", "https://example.com/"))
        assert isinstance(info.value.inner_exception, OfflineRefused)
    assert transport.adapter.requests_seen == [f"GET {OPENID}", "GET https://example.com/"]


def test_msal_public_client_initialises_offline(transport) -> None:  # type: ignore[no-untyped-def]
    app = msal.PublicClientApplication(
        CLIENT, authority=f"{HOST}/organizations", http_client=transport.session
    )
    assert app.authority.token_endpoint == f"{HOST}/organizations/oauth2/v2.0/token"
    assert app.authority.authorization_endpoint == f"{HOST}/organizations/oauth2/v2.0/authorize"
    assert app.authority.tenant == "organizations"
    # msal fetched its metadata through the transport, and only metadata.
    seen = transport.adapter.requests_seen
    assert f"GET {OPENID}" in seen
    assert all(("/.well-known/" in s or "/discovery/instance" in s) for s in seen), seen


def test_msal_with_a_tenanted_authority(transport) -> None:  # type: ignore[no-untyped-def]
    tenant = "4c5aa37b-6bdb-5753-8e91-ca41367d74b3"
    app = msal.PublicClientApplication(
        CLIENT, authority=f"{HOST}/{tenant}", http_client=transport.session
    )
    assert app.authority.token_endpoint == f"{HOST}/{tenant}/oauth2/v2.0/token"
    assert app.authority.tenant == tenant


def test_msal_with_a_custom_authority_host_is_refused(transport) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(requests.ConnectionError):
        msal.PublicClientApplication(
            CLIENT,
            authority="https://login.contoso.example/organizations",
            http_client=transport.session,
        )
    # msal validates the unknown host through instance discovery (answered locally), then
    # the metadata of the custom host itself is refused: nothing reached login.contoso.example.
    seen = transport.adapter.requests_seen
    assert seen[-1].startswith("GET https://login.contoso.example/")
    assert all(("/.well-known/" in s or "/discovery/instance" in s) for s in seen), seen


def test_the_network_guard_is_armed() -> None:
    """The guard itself: a plain requests session (no sandbox adapter) must trip it, so the
    refusal tests above would notice a request that escaped to the network."""
    with requests.Session() as plain, pytest.raises(NetworkUsed):
        plain.get("https://example.com/", timeout=1)
