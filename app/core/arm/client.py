"""Azure Resource Manager's three reads, through azure-mgmt-core's ARM pipeline: `GET /tenants`,
`GET /subscriptions` and `GET /subscriptions/{id}/providers/Microsoft.Storage/storageAccounts`,
each followed through `nextLink` to its last page.

Why azure-mgmt-core's ARMPipelineClient and not the management clients: the three reads are
all the app needs, and azure-mgmt-storage alone installs 3.4 MB (one API version's models)
where azure-mgmt-core is 70 kB; azure-mgmt-resource-subscriptions (310 kB) would cover two of
the three. The pipeline is the clients' own (ARMChallengeAuthenticationPolicy reads ARM's
claims challenges, the request ids, retries); `benchmarks/arm.py` measures it against the
clients. The token is one the broker gave (never logged); blocking: a worker's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from azure.core.credentials import AccessToken
from azure.core.exceptions import AzureError
from azure.core.pipeline.policies import HeadersPolicy, RetryPolicy, UserAgentPolicy
from azure.core.pipeline.transport import RequestsTransport
from azure.core.rest import HttpRequest, HttpResponse
from azure.mgmt.core import ARMPipelineClient
from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy

from app.core.arm import problems
from app.core.arm.records import ARM, ARM_SCOPES, ArmProblem, StorageAccount, Subscription, Tenant

RESOURCES_API = "2022-12-01"  # Tenants - List, Subscriptions - List
STORAGE_API = "2023-05-01"  # Storage Accounts - List
TIMEOUT_S = 30.0  # each request's deadline (connect and read)
MAX_PAGES = 1000


class Refused(Exception):
    """ARM did not answer a read: its problem, explained."""

    def __init__(self, problem: ArmProblem) -> None:
        super().__init__(problem.text)
        self.problem = problem


class _Challenged(Exception):
    def __init__(self, claims: str) -> None:
        super().__init__("claims challenge")
        self.claims = claims


class _Token:
    """The broker's token as an azure-core credential; a claims challenge is not satisfied
    here (it needs the user: Sign in for this tenant), it is raised."""

    def __init__(self, token: str, expires_on: int) -> None:
        self._token, self._expires_on = token, expires_on

    def get_token(self, *scopes: str, claims: str | None = None, **kwargs: Any) -> AccessToken:
        if claims:
            raise _Challenged(claims)
        return AccessToken(self._token, self._expires_on)

    def __repr__(self) -> str:
        return "_Token(<hidden>)"


class ArmClient:
    """One token's view of ARM (a tenant's). The transport is shared between clients, so one
    discovery reuses its connections."""

    def __init__(self, token: str, expires_on: int, transport: RequestsTransport | None = None):
        self._pipeline: ARMPipelineClient[HttpRequest, HttpResponse] = ARMPipelineClient(
            base_url=ARM,
            policies=[
                HeadersPolicy(),
                UserAgentPolicy(sdk_moniker="broker-account-manager"),
                RetryPolicy(retry_total=2, retry_backoff_factor=0.2),
                ARMChallengeAuthenticationPolicy(_Token(token, expires_on), *ARM_SCOPES),
            ],
            transport=transport or RequestsTransport(),
        )

    def _pages(self, url: str) -> Iterator[dict[str, Any]]:
        for _ in range(MAX_PAGES):
            try:
                response = self._pipeline.send_request(
                    HttpRequest("GET", url), connection_timeout=TIMEOUT_S, read_timeout=TIMEOUT_S
                )
            except _Challenged as challenged:
                raise Refused(problems.needs_claims(
                    401, "InvalidAuthenticationToken", "ARM answered with a claims challenge.",
                    challenged.claims,
                )) from None  # fmt: skip
            except AzureError as exc:
                raise Refused(problems.unreachable(f"{type(exc).__name__}: {exc.message}")) from exc
            try:
                body = response.json()
            except ValueError:
                body = None
            if response.status_code != 200 or not isinstance(body, dict):
                challenge = response.headers.get("WWW-Authenticate", "")
                raise Refused(problems.problem(response.status_code, body, challenge))
            yield body
            url = str(body.get("nextLink") or "")
            if not url or urlsplit(url).hostname != urlsplit(ARM).hostname:
                return  # the last page (a link elsewhere is not followed with our token)

    def _values(self, url: str) -> Iterator[dict[str, Any]]:
        for page in self._pages(url):
            yield from (v for v in page.get("value") or [] if isinstance(v, dict))

    def tenants(self, home_tenant: str) -> list[Tenant]:
        return [
            Tenant(
                id=str(t.get("tenantId", "")),
                name=str(t.get("displayName") or ""),
                default_domain=str(t.get("defaultDomain") or ""),
                domains=tuple(str(d) for d in t.get("domains") or []),
                category=str(t.get("tenantCategory") or ""),
                home=t.get("tenantId") == home_tenant,
            )
            for t in self._values(f"{ARM}/tenants?api-version={RESOURCES_API}")
            if t.get("tenantId")
        ]

    def subscriptions(self) -> list[Subscription]:
        return [
            Subscription(
                id=str(s.get("subscriptionId", "")),
                name=str(s.get("displayName") or ""),
                state=str(s.get("state") or ""),
                tenant=str(s.get("tenantId") or ""),
            )
            for s in self._values(f"{ARM}/subscriptions?api-version={RESOURCES_API}")
            if s.get("subscriptionId")
        ]

    def storage_accounts(self, subscription: str) -> list[StorageAccount]:
        url = (f"{ARM}/subscriptions/{subscription}/providers/Microsoft.Storage/storageAccounts"
               f"?api-version={STORAGE_API}")  # fmt: skip
        found = []
        for a in self._values(url):
            endpoints = (a.get("properties") or {}).get("primaryEndpoints") or {}
            if a.get("name") and endpoints.get("blob"):
                found.append(StorageAccount(
                    str(a["name"]), str(a.get("id", "")), str(endpoints["blob"]),
                    str(a.get("location") or ""),
                ))  # fmt: skip
        return found
