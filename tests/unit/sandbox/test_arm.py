"""The sandbox's Azure Resource Manager on its own (no gateway): who sees which tenants,
subscriptions and storage accounts under directory.json's role assignments, and ARM's errors."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from app.sandbox.arm import MFA_CLAIMS, Arm
from app.sandbox.entra.directory import DATA
from app.sandbox.entra.tokens import TokenMinter, jwks
from app.sandbox.entra.verification import public_keys

DIRECTORY = json.loads(DATA.read_text())
USERS = {u["username"].split("@")[0]: u for u in DIRECTORY["users"]}
CONTOSO = "4c5aa37b-6bdb-5753-8e91-ca41367d74b3"
FABRIKAM = "e5ee36fe-9da9-5ff8-81da-b4d64ed573cc"
SANDBOX_SUB = "6f1c2a3b-0d4e-4f5a-9b8c-7d6e5f4a3b2c"
LEGACY_SUB = "b3d5e7f9-1a2c-4e6b-8d0f-2a4c6e8b0d1f"
FABRIKAM_SUB = "c8e2a4f6-3b5d-4f7a-9c1e-5d7f9b1c3e5a"
STORAGE = "https://127.0.0.1:4443"
V = "api-version=2022-12-01"
MINTER = TokenMinter()  # the run's signing key, as the sandbox broker signs with it
KEYS = public_keys(jwks(MINTER.public_key()))


def accounts_of(subscription: str, version: str = "2023-05-01") -> str:
    return (f"/subscriptions/{subscription}/providers/Microsoft.Storage/storageAccounts"
            f"?api-version={version}")  # fmt: skip


def bearer(who: str, tenant: str = CONTOSO, **extra: Any) -> str:
    user = USERS[who]
    claims = {
        "oid": user.get("guest_in", {}).get(tenant, user["oid"]),
        "aud": "https://management.azure.com",
        "tid": tenant,
        "iss": f"https://sts.windows.net/{tenant}/",
        "exp": time.time() + 600,
        "upn": user["username"],
        **extra,
    }
    return f"Bearer {MINTER.sign(claims)}"


@pytest.fixture
def arm() -> Arm:
    return Arm(DIRECTORY, STORAGE, KEYS)


def names(document: dict[str, Any], key: str) -> list[str]:
    return [item[key] for item in document["value"]]


def test_tenants_are_the_users_home_and_guest_ones_whichever_tenant_issued_the_token(
    arm: Arm,
) -> None:
    for tenant in (FABRIKAM, CONTOSO):
        reply = arm.answer("GET", f"/tenants?{V}", bearer("lee", tenant))
        assert reply.status == 200
        assert names(reply.document, "displayName") == ["Contoso", "Fabrikam"]
    contoso = arm.answer("GET", f"/tenants?{V}", bearer("adele")).document["value"]
    assert contoso == [{
        "id": f"/tenants/{CONTOSO}", "tenantId": CONTOSO, "countryCode": "US",
        "displayName": "Contoso", "domains": ["contoso.example", "contoso.onmicrosoft.com"],
        "tenantCategory": "Home", "defaultDomain": "contoso.example", "tenantType": "AAD",
    }]  # fmt: skip
    assert "x-ms-request-id" in arm.answer("GET", f"/tenants?{V}", bearer("adele")).headers


def test_subscriptions_follow_role_assignments_with_their_state(arm: Arm) -> None:
    nestor = arm.answer("GET", f"/subscriptions?{V}", bearer("nestor")).document
    assert [(s["displayName"], s["state"]) for s in nestor["value"]] == [
        ("Contoso sandbox", "Enabled"), ("Contoso legacy", "Disabled")]  # fmt: skip
    assert names(arm.answer("GET", f"/subscriptions?{V}", bearer("adele")).document,
                 "subscriptionId") == [SANDBOX_SUB]  # fmt: skip
    # a data role at the storage account lists the subscription (lee, a guest in Contoso)
    assert names(arm.answer("GET", f"/subscriptions?{V}", bearer("lee")).document,
                 "subscriptionId") == [SANDBOX_SUB]  # fmt: skip
    assert arm.answer("GET", f"/subscriptions?{V}", bearer("carl")).document["value"] == []


def test_storage_accounts_need_a_management_role_and_point_at_the_sandbox_storage(
    arm: Arm,
) -> None:
    path = accounts_of(SANDBOX_SUB, "2026-09-01")
    listed = arm.answer("GET", path, bearer("adele"))  # Reader on the resource group
    assert listed.status == 200
    account = listed.document["value"][0]
    assert account["name"] == "devstoreaccount1"
    assert account["properties"]["primaryEndpoints"]["blob"] == f"{STORAGE}/devstoreaccount1/"
    assert account["id"].endswith("/resourceGroups/sandbox-rg/providers/Microsoft.Storage/"
                                  "storageAccounts/devstoreaccount1")  # fmt: skip
    refused = arm.answer("GET", path, bearer("megan"))  # data roles only
    assert refused.status == 403
    assert refused.document["error"]["code"] == "AuthorizationFailed"
    assert (
        "'Microsoft.Storage/storageAccounts/read' over scope"
        in refused.document["error"]["message"]
    )


def test_a_disabled_subscription_and_one_of_another_tenant(arm: Arm) -> None:
    legacy = accounts_of(LEGACY_SUB)
    reply = arm.answer("GET", legacy, bearer("nestor"))
    assert (reply.status, reply.document["error"]["code"]) == (409, "ReadOnlyDisabledSubscription")
    fabrikam = accounts_of(FABRIKAM_SUB)
    wrong = arm.answer("GET", fabrikam, bearer("lee", CONTOSO))
    assert (wrong.status, wrong.document["error"]["code"]) == (
        401,
        "InvalidAuthenticationTokenTenant",
    )
    assert f"https://login.windows.net/{FABRIKAM}" in wrong.headers["WWW-Authenticate"]
    missing = arm.answer(
        "GET", fabrikam.replace(FABRIKAM_SUB, "0" * 8 + SANDBOX_SUB[8:]), bearer("lee")
    )
    assert (missing.status, missing.document["error"]["code"]) == (404, "SubscriptionNotFound")


def test_a_tenant_that_demands_mfa_answers_with_a_claims_challenge(arm: Arm) -> None:
    reply = arm.answer("GET", f"/subscriptions?{V}", bearer("diego", FABRIKAM, amr=["pwd"]))
    assert reply.status == 401
    header = reply.headers["WWW-Authenticate"]
    assert 'error="insufficient_claims"' in header
    encoded = header.split('claims="')[1].rstrip('"')
    assert json.loads(base64.urlsafe_b64decode(encoded)) == MFA_CLAIMS
    assert "Fabrikam" in reply.document["error"]["message"]
    for satisfied in ({"amr": ["pwd", "mfa"]}, {"acrs": ["p1"]}):
        ok = arm.answer("GET", f"/subscriptions?{V}", bearer("diego", FABRIKAM, **satisfied))
        assert names(ok.document, "subscriptionId") == [FABRIKAM_SUB]
    # the tenant list itself is not behind the challenge: every tenant is then tried on its own
    assert arm.answer("GET", f"/tenants?{V}", bearer("diego", FABRIKAM)).status == 200


# Each header made when its case runs: made at collection, a token's lifetime (exp, nbf) had
# run out by the time a long suite reached the case (an nbf 10 min ahead was no longer ahead).
@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: "Bearer not-a-jwt", "InvalidAuthenticationToken"),
        (lambda: "Basic dXNlcjpwYXNz", "InvalidAuthenticationToken"),
        (lambda: bearer("adele").replace(".", ".x", 1), "InvalidAuthenticationToken"),  # claims
        (lambda: f"Bearer {TokenMinter().sign({})}", "InvalidAuthenticationToken"),  # other key
        (lambda: bearer("adele", exp=time.time() - 600), "ExpiredAuthenticationToken"),
        (lambda: bearer("adele", nbf=time.time() + 600), "InvalidAuthenticationToken"),
        (
            lambda: bearer("adele", aud="https://storage.azure.com"),
            "InvalidAuthenticationTokenAudience",
        ),
        (
            lambda: bearer("adele", aud="797f4846-ba00-4fd7-ba43-dac1f8f63013"),
            "InvalidAuthenticationTokenAudience",
        ),
        (
            lambda: bearer("adele", iss="https://sts.windows.net/other/"),
            "InvalidAuthenticationTokenTenant",
        ),
    ],
)
def test_tokens_arm_refuses(arm: Arm, make: Callable[[], str], code: str) -> None:
    authorization = make()
    for path in (f"/subscriptions?{V}", f"/tenants?{V}"):
        reply = arm.answer("GET", path, authorization)
        assert (reply.status, reply.document["error"]["code"]) == (401, code)
        assert not set(authorization.split()) & set(reply.document["error"]["message"].split())


def test_arm_words_its_refusals_as_recorded() -> None:
    arm = Arm(DIRECTORY, STORAGE, KEYS)
    missing = arm.answer("GET", f"/tenants?{V}", None).document["error"]
    assert missing["code"] == "AuthenticationFailed"
    audience = arm.answer("GET", f"/tenants?{V}", bearer("adele", aud="api://x")).document
    assert audience["error"]["message"] == (
        "The access token has been obtained for wrong audience or resource 'api://x'. It should "
        "exactly match with one of the allowed audiences 'https://management.core.windows.net/',"
        "'https://management.core.windows.net','https://management.azure.com/',"
        "'https://management.azure.com'."
    )
    expired = arm.answer("GET", f"/tenants?{V}", bearer("adele", exp=0)).document
    assert expired["error"]["message"].startswith(
        "The access token expiry UTC time '01/01/1970 00:00:00' is earlier than current UTC time"
    )
    within_skew = bearer("adele", exp=time.time() - 120)  # Microsoft.IdentityModel's 5 min skew
    assert arm.answer("GET", f"/tenants?{V}", within_skew).status == 200


def test_arm_verifies_nothing_without_the_runs_keys() -> None:
    assert Arm(DIRECTORY, STORAGE).answer("GET", f"/tenants?{V}", bearer("adele")).status == 401


@pytest.mark.parametrize("audience", ["https://management.core.windows.net/",
                                      "https://management.core.windows.net",
                                      "https://management.azure.com/",
                                      "https://management.azure.com"])  # fmt: skip
def test_every_arm_audience_is_accepted(arm: Arm, audience: str) -> None:
    assert arm.answer("GET", f"/tenants?{V}", bearer("adele", aud=audience)).status == 200


def test_api_versions_are_checked(arm: Arm) -> None:
    missing = arm.answer("GET", "/subscriptions", bearer("adele"))
    assert (missing.status, missing.document["error"]["code"]) == (
        400,
        "MissingApiVersionParameter",
    )
    wrong = arm.answer("GET", "/subscriptions?api-version=2099-01-01", bearer("adele"))
    assert wrong.document["error"]["code"] == "InvalidApiVersionParameter"
    assert "2022-12-01" in wrong.document["error"]["message"]
    path = accounts_of(SANDBOX_SUB, "1999-01-01")
    assert (
        arm.answer("GET", path, bearer("adele")).document["error"]["code"]
        == "NoRegisteredProviderFound"
    )
    assert arm.answer("GET", f"/resourceGroups?{V}", bearer("adele")).status == 404


def test_many_subscriptions_are_paged_with_next_link() -> None:
    data = json.loads(json.dumps(DIRECTORY))
    many = [{"id": f"00000000-0000-4000-8000-{i:012d}", "name": f"Sub {i:03d}", "tenant": CONTOSO}
            for i in range(250)]  # fmt: skip
    data["arm"]["subscriptions"] = many
    data["role_assignments"] = [{"principal": "user:adele@contoso.example", "role": "Reader",
                                 "scope": f"/subscriptions/{s['id']}"} for s in many]  # fmt: skip
    arm = Arm(data, STORAGE, KEYS)
    seen, target = [], f"/subscriptions?{V}"
    while target:
        page = arm.answer("GET", target, bearer("adele")).document
        assert len(page["value"]) <= 100
        seen += names(page, "displayName")
        link = page.get("nextLink", "")
        assert link == "" or link.startswith("https://management.azure.com/subscriptions?")
        target = link.removeprefix("https://management.azure.com")
    assert seen == [s["name"] for s in many]


def test_two_users_of_one_username_each_see_their_own_tenants() -> None:
    """GET /tenants lists the tenants the token's own object is in: a personal account invited
    into Contoso under the work taylor's e-mail address does not make the work taylor a guest
    there (who is who is the object id, never the username)."""
    directory = json.loads(DATA.read_text())
    taylors = [u for u in directory["users"] if u["username"] == "taylor@fabrikam.example"]
    work, personal = sorted(taylors, key=lambda u: u.get("home") is None)
    personal["guest_in"] = {CONTOSO: "7a7a7a7a-0000-4000-8000-000000000003"}
    arm = Arm(directory, STORAGE, KEYS)

    def tenants(oid: str, tenant: str) -> list[str]:
        iss = f"https://sts.windows.net/{tenant}/"
        claims = {"oid": oid, "aud": "https://management.azure.com", "tid": tenant, "iss": iss}
        token = MINTER.sign({**claims, "exp": time.time() + 600})
        return names(arm.answer("GET", f"/tenants?{V}", f"Bearer {token}").document, "tenantId")

    assert tenants(work["oid"], FABRIKAM) == [FABRIKAM]
    assert tenants(personal["guest_in"][CONTOSO], CONTOSO) == [CONTOSO]
