"""Azure RBAC for the sandbox's blob endpoint: the role assignments in directory.json, applied
to each storage request the way Azure Storage applies them.

Azurite runs without OAuth, under an account key only the storage endpoint (gateway.py) holds:
the endpoint asks `denial()` about every request first. A bearer token is authenticated first
(authentication.py: signature against the run's signing keys, lifetime, audience, and the
storage account's tenant as issuer), each failure Azure's 401 InvalidAuthenticationInfo with
the bearer challenge naming the account's tenant (azure-storage-blob follows it and asks for a
token there: a guest's home-tenant token meets "Issuer validation failed. Issuer did not
match.", reported against azcopy #531, azd #7067, azure-sdk-for-net #10529). A token whose
user holds no data role covering the request gets Azure's 403 AuthorizationPermissionMismatch;
role assignments name the user's object in the account's tenant (a guest's own object there).
Azure matches an assignment's principalId (an object id) against the token's oid; directory.json
names principals readably (`user:USERNAME`, `group:NAME`, or `user:OBJECT-ID`), and each is
resolved once, at load, to the object ids it stands for in the tenant that owns its scope: the
personal and the work taylor@fabrikam.example are different objects, and an assignment to one
never admits the other. A name two objects in one tenant share is refused at load.
Management roles (Owner, Contributor, Reader) grant no data access, as in Azure. Requests
without a bearer token (shared key, SAS, anonymous) are Azurite's to judge, with its key.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import rsa

from app.sandbox.entra.requests import challenge
from app.sandbox.entra.verification import bearer_token
from app.sandbox.storage.authentication import Unauthenticated, authenticate

# What each built-in role lets a principal do to blob data. Blob index tags have data actions
# of their own (blobs/tags/read, blobs/tags/write) that only Storage Blob Data Owner holds.
DATA_ACTIONS: dict[str, frozenset[str]] = {
    "Storage Blob Data Reader": frozenset({"read"}),
    "Storage Blob Data Contributor": frozenset({"read", "write", "delete"}),
    "Storage Blob Data Owner": frozenset({"read", "write", "delete", "tags/read", "tags/write"}),
    "Owner": frozenset(),
    "Contributor": frozenset(),
    "Reader": frozenset(),
}
MESSAGE = "This request is not authorized to perform this operation using this permission."
CHALLENGED = "The token does not satisfy the claims this data requires (authentication context)."
UNAUTHENTICATED = (
    "Server failed to authenticate the request. Please refer to the information in the "
    "www-authenticate header."
)


@dataclass(frozen=True)
class Denial:
    """An Azure Storage refusal: a 403 for want of a role, or a 401 claims challenge."""

    request_id: str
    body: bytes
    code: str = "AuthorizationPermissionMismatch"
    status: int = 403
    challenge: str | None = None  # the WWW-Authenticate header of a claims challenge


@dataclass(frozen=True)
class Verdict:
    denial: Denial | None = None
    verified: bool = False  # a bearer token passed authentication and the role check


class Roles:
    """`keys`: the signing keys tokens must verify against (kid → public key)."""

    def __init__(self, data: dict[str, Any], keys: Mapping[str, rsa.RSAPublicKey]) -> None:
        self.keys = keys
        # One entry per user object: its username and tenant → object id (home and guest).
        self.people = [
            (u["username"].lower(), {u.get("home"): u["oid"], **u.get("guest_in", {})})
            for u in data["users"]
        ]
        self.tenants = {a["name"]: a["tenant"] for a in data["storage_accounts"]}
        subscriptions = data.get("arm", {}).get("subscriptions") or [
            dict(data["subscription"], tenant=next(iter(self.tenants.values()), None))
        ]
        self.subscription_tenants = {s["id"].lower(): s["tenant"] for s in subscriptions}
        self.groups = {g["name"].lower(): {m.lower() for m in g["members"]} for g in data["groups"]}
        self.accounts = {
            a["name"]: f"/subscriptions/{data['subscription']['id']}/resourceGroups/"
            f"{a['resource_group']}/providers/Microsoft.Storage/storageAccounts/{a['name']}"
            for a in data["storage_accounts"]
        }
        self.assignments = data["role_assignments"]
        # Each assignment's principalId(s): the object ids it grants, in its scope's tenant.
        self.grantees = [self._resolve(a["principal"], a["scope"]) for a in self.assignments]
        self.contexts = {
            container.lower(): context
            for context, about in data.get("authentication_contexts", {}).items()
            for container in about["containers"]
        }

    @classmethod
    def load(cls, path: Path, keys: Mapping[str, rsa.RSAPublicKey]) -> Roles:
        return cls(json.loads(path.read_text()), keys)

    def _resolve(self, principal: str, scope: str) -> frozenset[str]:
        kind, _, name = principal.partition(":")
        subscription = (
            scope.split("/")[2].lower() if scope.lower().startswith("/subscriptions/") else ""
        )
        tenant = self.subscription_tenants.get(subscription)
        if kind == "group":
            names = self.groups.get(name.lower())
            if names is None:
                raise ValueError(f"role assignment to {principal!r}: no such group")
        elif kind == "user":
            names = {name.lower()}
        else:
            raise ValueError(f"role assignment to {principal!r}: expected user:… or group:…")
        oids = set()
        for member in names:
            found = [o for n, objects in self.people for t, o in objects.items()
                     if t == tenant and (n == member or o == member)]  # fmt: skip
            if len(found) > 1:
                raise ValueError(
                    f"role assignment to {principal!r}: {member} names {len(found)} objects in "
                    f"tenant {tenant}; name the object id instead (user:OBJECT-ID)"
                )
            oids.update(found)
        return frozenset(oids)

    def tenants_of(self, oid: str, tenant: str) -> list[str]:
        """Every tenant the user whose object in `tenant` is `oid` has an object in (its home and
        the tenants it is a guest of): ARM's GET /tenants for that user."""
        objects = next((o for _, o in self.people if o.get(tenant) == oid), {})
        return [t for t in objects if t is not None]

    def assignments_of(self, oid: str) -> list[dict[str, Any]]:
        """The role assignments whose principal is this object (itself or a group it is in)."""
        return [
            a
            for a, grantees in zip(self.assignments, self.grantees, strict=True)
            if oid in grantees
        ]

    def allowed(self, oid: str, action: str, scope: str) -> bool:
        scope = scope.lower()
        return any(
            action in DATA_ACTIONS[a["role"]]
            and (scope == a["scope"].lower() or scope.startswith(a["scope"].lower() + "/"))
            for a in self.assignments_of(oid)
        )

    def denial(
        self, method: str, target: str, authorization: str | None, now: float | None = None
    ) -> Denial | None:
        """None to pass the request on; a Denial when Azure would refuse it: a 401 for a token
        that fails authentication, a 403 for want of a role."""
        return self.verdict(method, target, authorization, now).denial

    def verdict(
        self, method: str, target: str, authorization: str | None, now: float | None = None
    ) -> Verdict:
        """The denial, and whether a bearer token passed every check (only then may the
        endpoint sign the request with the emulator's key)."""
        token = bearer_token(authorization)
        action = {"GET": "read", "HEAD": "read", "PUT": "write", "POST": "write",
                  "PATCH": "write", "DELETE": "delete"}.get(method)  # fmt: skip
        url = urlsplit(target)
        parts = [p for p in url.path.split("/") if p]
        account = self.accounts.get(parts[0]) if parts else None
        if token is None or action is None or account is None:
            return Verdict()  # shared key, SAS, preflight, an account nobody has: Azurite's
        tenant = self.tenants[parts[0]]
        try:
            claims = authenticate(token, parts[0], tenant, self.keys, now)
        except Unauthenticated as failed:
            return Verdict(unauthenticated(tenant, failed.detail))
        if "comp=tags" in url.query.split("&"):  # Get Blob Tags / Set Blob Tags
            action = "tags/read" if action == "read" else "tags/write"
        scope = account + (f"/blobServices/default/containers/{parts[1]}" if len(parts) > 1 else "")
        if not self.allowed(str(claims.get("oid", "")), action, scope):
            return Verdict(denied())
        context = self.contexts.get("/".join(parts[:2]).lower()) if len(parts) > 1 else None
        acrs = claims.get("acrs")
        acrs = acrs if isinstance(acrs, list) else []
        if context is not None and context not in acrs:
            return Verdict(claims_challenge(context, str(claims.get("tid", "organizations"))))
        return Verdict(verified=True)


def denied() -> Denial:
    request_id = str(uuid.uuid4())
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")
    body = (
        '<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthorizationPermissionMismatch'
        f"</Code><Message>{MESSAGE}\nRequestId:{request_id}\nTime:{now}</Message></Error>"
    )
    return Denial(request_id, body.encode())


def unauthenticated(tenant: str, detail: str) -> Denial:
    """Azure Storage's 401 for a token that failed a check (`detail` says which), with the
    bearer challenge naming the account's tenant."""
    request_id = str(uuid.uuid4())
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")
    body = (
        '<?xml version="1.0" encoding="utf-8"?><Error><Code>InvalidAuthenticationInfo</Code>'
        f"<Message>{UNAUTHENTICATED}\nRequestId:{request_id}\nTime:{now}</Message>"
        f"<AuthenticationErrorDetail>{detail}</AuthenticationErrorDetail></Error>"
    )
    header = (
        f"Bearer authorization_uri=https://login.microsoftonline.com/{tenant}/oauth2/authorize "
        "resource_id=https://storage.azure.com"
    )
    return Denial(request_id, body.encode(), "InvalidAuthenticationInfo", 401, header)


def claims_challenge(context: str, tenant: str) -> Denial:
    """A CAE-enabled resource's 401: the token lacks the authentication context the data
    needs; the header carries the claims an interactive sign-in must satisfy."""
    request_id = str(uuid.uuid4())
    header = (
        f'Bearer authorization_uri="https://login.microsoftonline.com/{tenant}/oauth2/authorize", '
        f'error="insufficient_claims", claims="{challenge((context,))}"'
    )
    body = (
        '<?xml version="1.0" encoding="utf-8"?><Error><Code>InvalidAuthenticationInfo</Code>'
        f"<Message>{CHALLENGED}\nRequestId:{request_id}</Message></Error>"
    )
    return Denial(request_id, body.encode(), "InvalidAuthenticationInfo", 401, header)
