"""The role assignments of directory.json as the sandbox's storage endpoint applies them, on
their own (no emulator): who may read, write or delete what, at which scope."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from app.sandbox.entra.directory import DATA
from app.sandbox.entra.tokens import TokenMinter, jwks
from app.sandbox.entra.verification import public_keys
from app.sandbox.storage.roles import Roles

ACCOUNT = "devstoreaccount1"
USERS = {u["username"].split("@")[0]: u for u in json.loads(DATA.read_text())["users"]}
CONTOSO = "4c5aa37b-6bdb-5753-8e91-ca41367d74b3"  # the storage account's tenant
FABRIKAM = "e5ee36fe-9da9-5ff8-81da-b4d64ed573cc"
MINTER = TokenMinter()  # this module's signing key; the endpoint trusts it alone


@pytest.fixture(scope="module")
def roles() -> Roles:
    return Roles.load(DATA, public_keys(jwks(MINTER.public_key())))


def bearer(who: str, aud: str = "https://storage.azure.com", tenant: str = CONTOSO) -> str:
    """A token Entra ID issued in `tenant`: the user's object there (a guest's own)."""
    user = USERS[who]
    oid = user.get("guest_in", {}).get(tenant, user["oid"])
    now = int(time.time())
    claims = {"oid": oid, "aud": aud, "tid": tenant, "iss": f"https://sts.windows.net/{tenant}/",
              "iat": now, "nbf": now, "exp": now + 3600}  # fmt: skip
    return "Bearer " + MINTER.sign(claims)


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
        "SharedKey devstoreaccount1:abc",  # verified by the emulator, with its key
    ],
)
def test_what_is_left_to_the_emulator(roles: Roles, authorization: str | None) -> None:
    assert roles.denial("GET", f"/{ACCOUNT}/?comp=list", authorization) is None


def test_account_audience_and_unknown_accounts(roles: Roles) -> None:
    own_audience = f"https://{ACCOUNT}.blob.core.windows.net"
    assert not allowed(roles, "nestor", "GET", "/?comp=list", aud=own_audience)
    assert roles.denial("GET", "/otheraccount/?comp=list", bearer("nestor")) is None
    assert roles.denial("OPTIONS", f"/{ACCOUNT}/box", bearer("nestor")) is None  # CORS preflight


@pytest.mark.parametrize(
    ("who", "tenant"),
    [
        ("lee", FABRIKAM),  # the guest's token from its home tenant: the well-known trap
        ("diego", FABRIKAM),  # another tenant's member
        ("alex", "9188040d-6c67-4c5b-b112-36a304b66dad"),  # a personal account's token
    ],
)
def test_a_token_another_tenant_issued_is_azures_401_issuer_mismatch(
    roles: Roles, who: str, tenant: str
) -> None:
    denial = roles.denial("GET", f"/{ACCOUNT}/?comp=list", bearer(who, tenant=tenant))
    assert denial is not None and (denial.status, denial.code) == (401, "InvalidAuthenticationInfo")
    body = denial.body.decode()
    assert "<Code>InvalidAuthenticationInfo</Code>" in body
    assert "Please refer to the information in the www-authenticate header." in body
    detail = "<AuthenticationErrorDetail>Issuer validation failed. Issuer did not match."
    assert detail in body
    # The bearer challenge azure-storage-blob follows: the account's tenant, storage's resource.
    assert denial.challenge == (
        f"Bearer authorization_uri=https://login.microsoftonline.com/{CONTOSO}/oauth2/authorize "
        "resource_id=https://storage.azure.com"
    )


def test_a_guest_acts_as_its_own_object_in_the_accounts_tenant(roles: Roles) -> None:
    guest = USERS["lee"]["guest_in"][CONTOSO]
    assert guest != USERS["lee"]["oid"]
    assert roles.allowed(guest, "read", roles.accounts[ACCOUNT], CONTOSO)
    # The home object id presented in the account's tenant is nobody there.
    assert not roles.allowed(USERS["lee"]["oid"], "read", roles.accounts[ACCOUNT], CONTOSO)
