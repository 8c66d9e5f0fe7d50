"""Azure RBAC for the sandbox's blob endpoint: the role assignments in directory.json, applied
to each storage request the way Azure Storage applies them.

Azurite accepts any well-formed token for anything (app/sandbox/BEHAVIOUR.md). In front of
it the sandbox's storage endpoint (gateway.py) asks `denial()` first. A token for storage that
another tenant issued than the storage account's gets Azure's 401 InvalidAuthenticationInfo,
"Issuer validation failed. Issuer did not match." (a guest's home-tenant token: reported
against azcopy #531, azd #7067, azure-sdk-for-net #10529), with the bearer challenge naming
the account's tenant (azure-storage-blob follows it and asks for a token there). A token whose
user holds no data role covering the request gets Azure's 403
AuthorizationPermissionMismatch; role assignments name the user's object in the account's
tenant (a guest's own object there). Management roles (Owner, Contributor, Reader) grant no
data access, as in Azure. Requests without a bearer token (the emulator's shared key, set-up
only) and tokens for another audience are left to Azurite, which authenticates them as before.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.sandbox.entra.requests import challenge

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
STORAGE_AUDIENCES = ("https://storage.azure.com", "https://storage.azure.com/",
                     "e406a681-f3d4-42a8-90b6-c2b029497af1")  # fmt: skip
MESSAGE = "This request is not authorized to perform this operation using this permission."
CHALLENGED = "The token does not satisfy the claims this data requires (authentication context)."
UNAUTHENTICATED = (
    "Server failed to authenticate the request. Please refer to the information in the "
    "www-authenticate header."
)
ISSUER = "Issuer validation failed. Issuer did not match."


@dataclass(frozen=True)
class Denial:
    """An Azure Storage refusal: a 403 for want of a role, or a 401 claims challenge."""

    request_id: str
    body: bytes
    code: str = "AuthorizationPermissionMismatch"
    status: int = 403
    challenge: str | None = None  # the WWW-Authenticate header of a claims challenge


class Roles:
    def __init__(self, data: dict[str, Any]) -> None:
        # (username, tenant) → the user's object id in that tenant (a guest's own object)
        self.oids = {
            (u["username"].lower(), tenant): oid
            for u in data["users"]
            for tenant, oid in [(u.get("home"), u["oid"]), *u.get("guest_in", {}).items()]
        }
        self.tenants = {a["name"]: a["tenant"] for a in data["storage_accounts"]}
        self.groups = {g["name"]: {m.lower() for m in g["members"]} for g in data["groups"]}
        self.accounts = {
            a["name"]: f"/subscriptions/{data['subscription']['id']}/resourceGroups/"
            f"{a['resource_group']}/providers/Microsoft.Storage/storageAccounts/{a['name']}"
            for a in data["storage_accounts"]
        }
        self.assignments = data["role_assignments"]
        self.contexts = {
            container.lower(): context
            for context, about in data.get("authentication_contexts", {}).items()
            for container in about["containers"]
        }

    @classmethod
    def load(cls, path: Path) -> Roles:
        return cls(json.loads(path.read_text()))

    def principals(self, oid: str, tenant: str | None = None) -> set[str]:
        """The names an assignment can use for this user: `user:NAME` and `group:NAME`."""
        users = {
            name
            for (name, home), user_oid in self.oids.items()
            if user_oid == oid and (tenant is None or home == tenant)
        }
        groups = {name for name, members in self.groups.items() if members & users}
        return {f"user:{u}" for u in users} | {f"group:{g.lower()}" for g in groups}

    def allowed(self, oid: str, action: str, scope: str, tenant: str | None = None) -> bool:
        mine = self.principals(oid, tenant)
        scope = scope.lower()
        return any(
            a["principal"].lower() in mine
            and action in DATA_ACTIONS[a["role"]]
            and (scope == a["scope"].lower() or scope.startswith(a["scope"].lower() + "/"))
            for a in self.assignments
        )

    def denial(self, method: str, target: str, authorization: str | None) -> Denial | None:
        """None to pass the request on; a Denial when Azure would refuse it for want of a role."""
        claims = _bearer_claims(authorization)
        action = {"GET": "read", "HEAD": "read", "PUT": "write", "POST": "write",
                  "PATCH": "write", "DELETE": "delete"}.get(method)  # fmt: skip
        if claims is None or action is None:
            return None  # no bearer token (shared key, preflight): Azurite decides
        url = urlsplit(target)
        if "comp=tags" in url.query.split("&"):  # Get Blob Tags / Set Blob Tags
            action = "tags/read" if action == "read" else "tags/write"
        parts = [p for p in url.path.split("/") if p]
        account = self.accounts.get(parts[0]) if parts else None
        audience = claims.get("aud")
        if account is None or audience not in (
            *STORAGE_AUDIENCES,
            f"https://{parts[0]}.blob.core.windows.net",
        ):
            return None  # not ours to judge: Azurite answers (unknown account, wrong audience)
        tenant = self.tenants[parts[0]]
        if claims.get("iss") != f"https://sts.windows.net/{tenant}/":
            return issuer_mismatch(tenant)
        scope = account + (f"/blobServices/default/containers/{parts[1]}" if len(parts) > 1 else "")
        if not self.allowed(str(claims.get("oid", "")), action, scope, tenant):
            return denied()
        context = self.contexts.get("/".join(parts[:2]).lower()) if len(parts) > 1 else None
        acrs = claims.get("acrs")
        acrs = acrs if isinstance(acrs, list) else []
        if context is not None and context not in acrs:
            return claims_challenge(context, str(claims.get("tid", "organizations")))
        return None


def denied() -> Denial:
    request_id = str(uuid.uuid4())
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")
    body = (
        '<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthorizationPermissionMismatch'
        f"</Code><Message>{MESSAGE}\nRequestId:{request_id}\nTime:{now}</Message></Error>"
    )
    return Denial(request_id, body.encode())


def issuer_mismatch(tenant: str) -> Denial:
    """Azure Storage's 401 for a token another tenant issued, with its bearer challenge."""
    request_id = str(uuid.uuid4())
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")
    body = (
        '<?xml version="1.0" encoding="utf-8"?><Error><Code>InvalidAuthenticationInfo</Code>'
        f"<Message>{UNAUTHENTICATED}\nRequestId:{request_id}\nTime:{now}</Message>"
        f"<AuthenticationErrorDetail>{ISSUER}</AuthenticationErrorDetail></Error>"
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


def _bearer_claims(authorization: str | None) -> dict[str, Any] | None:
    """The token's claims, unverified (Azurite does not verify signatures either)."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or token.count(".") != 2:
        return None
    payload = token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None
