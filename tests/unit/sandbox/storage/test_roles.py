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
    assert roles.allowed(guest, "read", roles.accounts[ACCOUNT])
    # The home object id presented in the account's tenant is nobody there.
    assert not roles.allowed(USERS["lee"]["oid"], "read", roles.accounts[ACCOUNT])


def twins(assignments: list[dict[str, str]], personal_guest_in: dict[str, str]) -> dict[str, Any]:
    """directory.json with its two taylor@fabrikam.example objects (work in Fabrikam, personal)
    and the personal one invited into Contoso as a guest, under `assignments`."""
    data = json.loads(DATA.read_text())
    for user in data["users"]:
        if user["username"] == "taylor@fabrikam.example" and user.get("home") is None:
            user["guest_in"] = personal_guest_in
    data["role_assignments"] = assignments
    return data


def test_an_assignment_grants_the_object_it_names_not_every_user_of_that_name() -> None:
    """Azure matches a role assignment's principalId (an object id) against the token's oid:
    the personal taylor's guest object in Contoso is not the work taylor of Fabrikam."""
    scope = json.loads(DATA.read_text())["role_assignments"][1]["scope"]  # devstoreaccount1
    guest = "7a7a7a7a-0000-4000-8000-000000000001"
    data = twins([{"principal": "user:taylor@fabrikam.example", "role": "Storage Blob Data Reader",
                   "scope": scope}], {CONTOSO: guest})  # fmt: skip
    roles = Roles(data, {})
    work = next(
        u["oid"] for u in data["users"] if u["username"].startswith("taylor") and u.get("home")
    )
    assert roles.allowed(guest, "read", scope)
    assert not roles.allowed(work, "read", scope)
    # ARM's tenants for each object are its own: the work taylor is no guest of Contoso.
    assert roles.tenants_of(work, FABRIKAM) == [FABRIKAM]
    assert roles.tenants_of(guest, CONTOSO) == [CONTOSO]


def test_a_name_two_objects_share_in_one_tenant_is_refused_at_load() -> None:
    scope = "/subscriptions/c8e2a4f6-3b5d-4f7a-9c1e-5d7f9b1c3e5a"  # Fabrikam production
    second = "7a7a7a7a-0000-4000-8000-000000000002"
    assignment = {"principal": "user:taylor@fabrikam.example", "role": "Reader", "scope": scope}
    with pytest.raises(ValueError, match=r"names 2 objects in tenant .*user:OBJECT-ID"):
        Roles(twins([assignment], {FABRIKAM: second}), {})
    by_id = dict(assignment, principal=f"user:{second}")
    roles = Roles(twins([by_id], {FABRIKAM: second}), {})
    assert [a["principal"] for a in roles.assignments_of(second)] == [f"user:{second}"]
    assert roles.assignments_of(USERS["diego"]["oid"]) == []


def test_an_assignment_to_nobody_known_is_refused_at_load() -> None:
    scope = "/subscriptions/6f1c2a3b-0d4e-4f5a-9b8c-7d6e5f4a3b2c"
    with pytest.raises(ValueError, match="no such group"):
        Roles(twins([{"principal": "group:Nobody", "role": "Reader", "scope": scope}], {}), {})
