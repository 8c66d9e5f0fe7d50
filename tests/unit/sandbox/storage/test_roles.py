"""The role assignments of directory.json as the sandbox's storage endpoint applies them, on
their own (no emulator): who may read, write or delete what, at which scope."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from app.sandbox.entra.directory import DATA
from app.sandbox.storage.roles import Roles

ACCOUNT = "devstoreaccount1"
OIDS = {u["username"].split("@")[0]: u["oid"] for u in json.loads(DATA.read_text())["users"]}


@pytest.fixture(scope="module")
def roles() -> Roles:
    return Roles.load(DATA)


def bearer(who: str, aud: str = "https://storage.azure.com") -> str:
    payload = json.dumps({"oid": OIDS[who], "aud": aud}).encode()
    return "Bearer e30." + base64.urlsafe_b64encode(payload).rstrip(b"=").decode() + ".sig"


def allowed(roles: Roles, who: str, method: str, path: str, **kw: Any) -> bool:
    return roles.denial(method, f"/{ACCOUNT}{path}", bearer(who, **kw)) is None


@pytest.mark.parametrize(
    ("who", "method", "path", "expected"),
    [
        ("adele", "GET", "/?comp=list", True),  # Contributor through the group
        ("adele", "PUT", "/box/a.txt", True),
        ("adele", "DELETE", "/box?restype=container", True),
        ("megan", "PUT", "/box?restype=container", True),
        ("lee", "GET", "/?comp=list", True),  # Reader at the account
        ("lee", "HEAD", "/box/a.txt", True),
        ("lee", "PUT", "/box/a.txt", False),
        ("lee", "DELETE", "/box/a.txt", False),
        ("lee", "PUT", "/guest-uploads/a.txt", True),  # Contributor on one container
        ("lee", "DELETE", "/guest-uploads/a.txt", True),
        ("lee", "PUT", "/guest-uploads-2/a.txt", False),  # a scope ends at a "/"
        ("nestor", "GET", "/?comp=list", False),  # Owner of the subscription: no data access
        ("nestor", "GET", "/box/a.txt", False),
        ("diego", "GET", "/?comp=list", False),  # no assignment at all
        ("megan", "GET", "/box/a.txt?comp=tags", False),  # tags: Storage Blob Data Owner only
        ("megan", "PUT", "/box/a.txt?comp=tags", False),
        ("megan", "GET", "/box/a.txt?comp=metadata", True),
        ("adele", "GET", "/box/a.txt?comp=tags", True),  # Storage Blob Data Owner
        ("adele", "PUT", "/box/a.txt?comp=tags", True),
    ],
)
def test_role_outcomes(roles: Roles, who: str, method: str, path: str, expected: bool) -> None:
    assert allowed(roles, who, method, path) is expected


def test_a_denial_is_azures_403(roles: Roles) -> None:
    denial = roles.denial("GET", f"/{ACCOUNT}/?comp=list", bearer("nestor"))
    assert denial is not None and denial.code == "AuthorizationPermissionMismatch"
    body = denial.body.decode()
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?><Error><Code>')
    assert "<Code>AuthorizationPermissionMismatch</Code>" in body
    assert f"RequestId:{denial.request_id}" in body


@pytest.mark.parametrize(
    "authorization",
    [
        None,  # the emulator's shared key or SAS: not RBAC's business
        "SharedKey devstoreaccount1:abc",
        "Bearer not-a-jwt",
        bearer("nestor", aud="https://management.azure.com"),  # Azurite answers 401 first
    ],
)
def test_what_is_left_to_the_emulator(roles: Roles, authorization: str | None) -> None:
    assert roles.denial("GET", f"/{ACCOUNT}/?comp=list", authorization) is None


def test_account_audience_and_unknown_accounts(roles: Roles) -> None:
    own_audience = f"https://{ACCOUNT}.blob.core.windows.net"
    assert not allowed(roles, "nestor", "GET", "/?comp=list", aud=own_audience)
    assert roles.denial("GET", "/otheraccount/?comp=list", bearer("nestor")) is None
    assert roles.denial("OPTIONS", f"/{ACCOUNT}/box", bearer("nestor")) is None  # CORS preflight
