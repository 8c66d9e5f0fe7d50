"""Azure Resource Manager as the sandbox serves it: `management.azure.com` from directory.json.

Three read operations, in ARM's shapes (app/sandbox/BEHAVIOUR.md names the sources):
`GET /tenants` (the tenants the signed-in user belongs to, home and guest, whichever tenant
issued the token), `GET /subscriptions` (the subscriptions of the token's tenant on which the
user holds a role assignment, at the subscription or below, with their state; paged with
`nextLink`) and `GET /subscriptions/{id}/providers/Microsoft.Storage/storageAccounts` (the
accounts the user may read through a management role, each with the sandbox's storage
endpoint as `primaryEndpoints.blob`). The role assignments of directory.json decide; the same
principals (a guest's own object, groups) as the storage endpoint's (storage/roles.py).

A token is verified as ARM verifies it, by the checks the storage endpoint runs too
(entra/verification.py): its signature against the run's signing keys, its lifetime, an
audience of ARM's, an issuer that is a tenant of the directory (a subscription's requests by
that subscription's tenant); each failure gets ARM's own 401. A tenant
listed in `arm.mfa_tenants` answers a token without MFA (`amr`) or the `p1` context (`acrs`) with
ARM's claims challenge, which azure-core's bearer policy and the app's "Sign in for this tenant"
satisfy through the broker.

`Arm.answer(method, target, authorization)` is pure: gateway.py relays it on the login proxy's
TLS tunnel to management.azure.com.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from cryptography.hazmat.primitives.asymmetric import rsa

from app.sandbox.entra import verification
from app.sandbox.entra.verification import Rejected, bearer_token
from app.sandbox.storage.roles import Roles

HOSTS = ("management.azure.com",)
BASE = "https://management.azure.com"
# ARM's allowed audiences, in the order its InvalidAuthenticationTokenAudience lists them
AUDIENCES = ("https://management.core.windows.net/", "https://management.core.windows.net",
             "https://management.azure.com/", "https://management.azure.com")  # fmt: skip
INVALID = "The access token is invalid."
# api-versions ARM serves for its own endpoints and Microsoft.Storage's list, newest first
# (REST references: Tenants - List, Subscriptions - List, Storage Accounts - List).
RESOURCE_VERSIONS = ("2022-12-01", "2022-09-01", "2022-01-01", "2021-04-01", "2021-01-01",
                     "2020-01-01", "2019-11-01", "2019-06-01", "2018-06-01", "2016-06-01",
                     "2016-02-01", "2015-01-01", "2014-04-01")  # fmt: skip
STORAGE_VERSIONS = ("2026-09-01", "2025-08-01", "2025-06-01", "2025-01-01", "2024-01-01",
                    "2023-05-01", "2023-04-01", "2023-01-01", "2022-09-01", "2022-05-01",
                    "2021-09-01", "2021-06-01", "2021-04-01", "2021-02-01", "2021-01-01",
                    "2019-06-01", "2018-02-01", "2017-10-01", "2016-12-01")  # fmt: skip
MGMT_ROLES = {"Owner", "Contributor", "Reader"}  # hold Microsoft.Storage/storageAccounts/read
MFA_CLAIMS = {"access_token": {"acrs": {"essential": True, "values": ["p1"]}}}
STORAGE_LIST = "Microsoft.Storage/storageAccounts/read"


@dataclass(frozen=True)
class Reply:
    status: int
    document: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def body(self) -> bytes:
        return json.dumps(self.document).encode()


def error(status: int, code: str, message: str, **headers: str) -> Reply:
    """ARM's error document (CloudError): `{"error": {"code", "message"}}`."""
    return Reply(status, {"error": {"code": code, "message": message}}, headers)


class Arm:
    def __init__(
        self,
        data: dict[str, Any],
        storage_url: str | None = None,
        keys: Mapping[str, rsa.RSAPublicKey] | None = None,
    ) -> None:
        arm = data.get("arm", {})
        self.keys = dict(keys or {})  # kid → the run's public signing keys (jwks_uri's)
        self.roles = Roles(data, self.keys)  # its principals and assignments
        self.tenants = {t["id"]: t for t in data["tenants"]}
        first = data["storage_accounts"][0]["tenant"] if data["storage_accounts"] else None
        default = dict(data["subscription"], tenant=first, state="Enabled")
        self.subscriptions = {s["id"]: s for s in arm.get("subscriptions") or [default]}
        self.accounts = data["storage_accounts"]
        self.default_subscription = data["subscription"]["id"]
        self.mfa_tenants = set(arm.get("mfa_tenants", []))
        self.page_size = int(arm.get("page_size", 100))
        self.storage_url = storage_url  # https://127.0.0.1:PORT (the storage endpoint)
        trusted = {*self.tenants, data["consumers_tenant"], data["msa_passthrough_tenant"]}
        self.issuers = {f"https://sts.windows.net/{t}/" for t in trusted} | {
            f"https://login.microsoftonline.com/{t}/v2.0" for t in trusted
        }

    # ---- the request ------------------------------------------------------------------------
    def answer(self, method: str, target: str, authorization: str | None) -> Reply:
        """ARM's answer to one request, with the request ids ARM sends on every reply."""
        reply = self._answer(method, target, authorization)
        ids = str(uuid.uuid4())
        reply.headers.update({"x-ms-request-id": ids, "x-ms-correlation-request-id": ids})
        return reply

    def _answer(self, method: str, target: str, authorization: str | None) -> Reply:
        url = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        parts = [p for p in url.path.split("/") if p]
        lowered = [p.lower() for p in parts]
        versions: tuple[str, ...]
        if lowered == ["tenants"]:
            operation, versions = "tenants", RESOURCE_VERSIONS
        elif lowered == ["subscriptions"]:
            operation, versions = "subscriptions", RESOURCE_VERSIONS
        elif len(parts) == 5 and lowered[0] == "subscriptions" and lowered[2:] == [
            "providers", "microsoft.storage", "storageaccounts"
        ]:  # fmt: skip
            operation, versions = "storage", STORAGE_VERSIONS
        else:
            return error(404, "InvalidResourceType" if method == "GET" else "NotSupported",
                         f"The sandbox serves GET /tenants, GET /subscriptions and GET /subscrip"
                         f"tions/{{id}}/providers/Microsoft.Storage/storageAccounts; not "
                         f"{method} {url.path}.")  # fmt: skip
        claims, refusal = self._authenticate(authorization)
        if refusal is not None:
            return refusal
        assert claims is not None
        version = query.get("api-version")
        if not version:
            return error(400, "MissingApiVersionParameter",
                         "The api-version query parameter (?api-version=) is required for all "
                         "requests.")  # fmt: skip
        if version not in versions:
            return self._bad_version(operation, version, versions)
        if method != "GET":
            return error(405, "MethodNotAllowed", f"The sandbox's ARM is read-only: not {method}.")
        if operation == "tenants":
            return self._tenants(claims)
        tenant = str(claims.get("tid", ""))
        challenge = self._mfa_challenge(claims, tenant)
        if challenge is not None:
            return challenge
        if operation == "subscriptions":
            return self._subscriptions(claims, tenant, query.get("$skiptoken"), version)
        return self._storage_accounts(claims, tenant, parts[1])

    def _authenticate(
        self, authorization: str | None
    ) -> tuple[dict[str, Any] | None, Reply | None]:
        if not authorization:
            missing = "Authentication failed. The 'Authorization' header is missing."
            return None, error(401, "AuthenticationFailed", missing)
        token = bearer_token(authorization)
        if token is None:
            return None, error(401, "InvalidAuthenticationToken", INVALID)
        now = time.time()
        try:
            return verification.verify(token, self.keys, AUDIENCES, self.issuers, now), None
        except Rejected as rejected:
            return None, refusal(rejected, now)

    def _bad_version(self, operation: str, version: str, versions: tuple[str, ...]) -> Reply:
        listed = ", ".join(versions)
        if operation == "storage":
            return error(400, "NoRegisteredProviderFound",
                         f"No registered resource provider found for location 'global' and API "
                         f"version '{version}' for type 'storageAccounts'. The supported "
                         f"api-versions are '{listed}'.")  # fmt: skip
        return error(400, "InvalidApiVersionParameter",
                     f"The api-version '{version}' is invalid. The supported versions are "
                     f"'{listed}'.")  # fmt: skip

    def _mfa_challenge(self, claims: dict[str, Any], tenant: str) -> Reply | None:
        if tenant not in self.mfa_tenants:
            return None
        amr, acrs = claims.get("amr"), claims.get("acrs")
        if (isinstance(amr, list) and "mfa" in amr) or (isinstance(acrs, list) and "p1" in acrs):
            return None
        encoded = base64.urlsafe_b64encode(json.dumps(MFA_CLAIMS).encode()).decode()
        header = (
            f'Bearer authorization_uri="https://login.microsoftonline.com/{tenant}/oauth2/'
            f'authorize", error="insufficient_claims", claims="{encoded}"'
        )
        name = self.tenants[tenant]["name"]
        return error(401, "InvalidAuthenticationToken",
                     f"The tenant {name} ({tenant}) requires multi-factor authentication for "
                     "Azure Resource Manager: the access token does not satisfy the claims in "
                     "WWW-Authenticate. Sign in again with those claims.",
                     **{"WWW-Authenticate": header})  # fmt: skip

    # ---- who may see what -------------------------------------------------------------------
    def _assignments(self, claims: dict[str, Any]) -> list[dict[str, Any]]:
        return self.roles.assignments_of(str(claims.get("oid", "")))

    def _tenants(self, claims: dict[str, Any]) -> Reply:
        mine = self.roles.tenants_of(str(claims.get("oid", "")), str(claims.get("tid", "")))
        member_of = sorted(t for t in mine if t in self.tenants)
        return Reply(200, {"value": [self._tenant(self.tenants[t]) for t in member_of]})

    @staticmethod
    def _tenant(tenant: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"/tenants/{tenant['id']}",
            "tenantId": tenant["id"],
            "countryCode": tenant.get("country", "US"),
            "displayName": tenant["name"],
            "domains": list(tenant["domains"]),
            "tenantCategory": "Home",
            "defaultDomain": tenant["domains"][0],
            "tenantType": "AAD",
        }

    def _subscriptions(
        self, claims: dict[str, Any], tenant: str, skip: str | None, version: str
    ) -> Reply:
        scopes = [a["scope"].lower() for a in self._assignments(claims)]
        visible = [
            s
            for s in self.subscriptions.values()
            if s["tenant"] == tenant
            and any(_within(scope, f"/subscriptions/{s['id']}".lower()) for scope in scopes)
        ]
        start = int(skip or 0) if (skip or "").isdigit() else 0
        page = visible[start : start + self.page_size]
        document: dict[str, Any] = {"value": [self._subscription(s) for s in page]}
        if start + self.page_size < len(visible):
            document["nextLink"] = (
                f"{BASE}/subscriptions?api-version={version}&%24skiptoken={start + self.page_size}"
            )
        document["count"] = {"type": "Total", "value": len(page)}
        return Reply(200, document)

    @staticmethod
    def _subscription(s: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"/subscriptions/{s['id']}",
            "authorizationSource": "RoleBased",
            "managedByTenants": [],
            "subscriptionId": s["id"],
            "tenantId": s["tenant"],
            "displayName": s["name"],
            "state": s.get("state", "Enabled"),
            "subscriptionPolicies": {
                "locationPlacementId": "Public_2014-09-01",
                "quotaId": "PayAsYouGo_2014-09-01",
                "spendingLimit": "Off",
            },
        }

    def _storage_accounts(self, claims: dict[str, Any], tenant: str, subscription: str) -> Reply:
        found = self.subscriptions.get(subscription.lower())
        if found is None:
            return error(404, "SubscriptionNotFound",
                         f"The subscription '{subscription}' could not be found.")  # fmt: skip
        if found["tenant"] != tenant:
            home = found["tenant"]
            return error(401, "InvalidAuthenticationTokenTenant",
                         f"The access token is from the wrong issuer '{claims.get('iss')}'. It "
                         f"must match the tenant 'https://sts.windows.net/{home}/' associated "
                         f"with this subscription. Please use the authority (URL) "
                         f"'https://login.windows.net/{home}' to get the token.",
                         **{"WWW-Authenticate":
                            f'Bearer authorization_uri="https://login.windows.net/{home}", '
                            'error="invalid_token", error_description="The access token is '
                            'from the wrong issuer."'})  # fmt: skip
        base = f"/subscriptions/{found['id']}".lower()
        readable = [
            a["scope"].lower() for a in self._assignments(claims) if a["role"] in MGMT_ROLES
        ]
        accounts = [
            a
            for a in self.accounts
            if a.get("subscription", self.default_subscription) == found["id"]
        ]
        shown = [a for a in accounts if any(_within(self._id(a).lower(), s) for s in readable)]
        if not shown and not any(_within(s, base) for s in readable):
            who = claims.get("upn") or claims.get("oid")
            return error(403, "AuthorizationFailed",
                         f"The client '{who}' with object id '{claims.get('oid')}' does not have "
                         f"authorization to perform action '{STORAGE_LIST}' over scope "
                         f"'/subscriptions/{found['id']}' or the scope is invalid. If access was "
                         "recently granted, please refresh your credentials.")  # fmt: skip
        if found.get("state", "Enabled") == "Disabled":
            return error(409, "ReadOnlyDisabledSubscription",
                         f"The subscription '{found['id']}' is disabled and therefore marked as "
                         "read only. You cannot perform any write actions on this subscription "
                         "until it is re-enabled.")  # fmt: skip
        return Reply(200, {"value": [self._account(a) for a in shown]})

    def _id(self, account: dict[str, Any]) -> str:
        subscription = account.get("subscription", self.default_subscription)
        return (f"/subscriptions/{subscription}/resourceGroups/{account['resource_group']}"
                f"/providers/Microsoft.Storage/storageAccounts/{account['name']}")  # fmt: skip

    def _account(self, account: dict[str, Any]) -> dict[str, Any]:
        name = account["name"]
        blob = (f"{self.storage_url}/{quote(name)}/" if self.storage_url
                else f"https://{name}.blob.core.windows.net/")  # fmt: skip
        return {
            "id": self._id(account),
            "name": name,
            "type": "Microsoft.Storage/storageAccounts",
            "location": account.get("location", "westeurope"),
            "kind": "StorageV2",
            "sku": {"name": "Standard_LRS", "tier": "Standard"},
            "tags": {},
            "properties": {
                "provisioningState": "Succeeded",
                "primaryEndpoints": {"blob": blob},
                "primaryLocation": account.get("location", "westeurope"),
                "statusOfPrimary": "available",
                "allowSharedKeyAccess": False,
                "minimumTlsVersion": "TLS1_2",
            },
        }


def refusal(rejected: Rejected, now: float) -> Reply:
    """ARM's 401 for the check a token failed (BEHAVIOUR.md names the recorded replies)."""
    claims = rejected.claims
    if rejected.check == verification.EXPIRED:
        return error(401, "ExpiredAuthenticationToken",
                     f"The access token expiry UTC time '{_utc(claims.get('exp'))}' is earlier "
                     f"than current UTC time '{_utc(now)}'.")  # fmt: skip
    if rejected.check == verification.NOT_YET_VALID:  # the sandbox's words: none on record
        return error(401, "InvalidAuthenticationToken",
                     f"The access token is not yet valid: its 'nbf' UTC time "
                     f"'{_utc(claims.get('nbf'))}' is later than current UTC time "
                     f"'{_utc(now)}'.")  # fmt: skip
    if rejected.check == verification.AUDIENCE:
        allowed = ",".join(f"'{a}'" for a in AUDIENCES)
        return error(401, "InvalidAuthenticationTokenAudience",
                     f"The access token has been obtained for wrong audience or resource "
                     f"'{claims.get('aud')}'. It should exactly match with one of the allowed "
                     f"audiences {allowed}.")  # fmt: skip
    if rejected.check == verification.ISSUER:
        return error(401, "InvalidAuthenticationTokenTenant",
                     f"The access token is from the wrong issuer '{claims.get('iss')}'. No "
                     "tenant of this directory issued it.")  # fmt: skip
    return error(401, "InvalidAuthenticationToken", INVALID)  # malformed, signature


def _within(scope: str, base: str) -> bool:
    return scope == base or scope.startswith(base + "/")


def _utc(epoch: Any) -> str:
    if not isinstance(epoch, (int, float)):
        return str(epoch)
    return datetime.fromtimestamp(epoch, UTC).strftime("%m/%d/%Y %H:%M:%S")
