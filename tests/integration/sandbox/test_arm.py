"""The sandbox's Azure Resource Manager met by an unchanged Azure SDK management script
(examples/list_subscriptions.py: SubscriptionClient and StorageManagementClient over
azure-identity-broker's credential) inside `python -m app.sandbox`, with no network at all;
and its token checks, met through the session sandbox's proxy and CA bundle: a forged token
(unsigned, signed with another key, its claims changed), an expired one, one for another
audience and one another tenant issued each get ARM's 401 on /subscriptions and /tenants, and
the broker's own ARM token works. The variations start from a token the sandbox broker minted
through the real pymsalruntime and re-sign changed claims with the run's key where the
signature is not the point."""

from __future__ import annotations

import base64
import json
import os
import re
import sys
import time
from typing import Any

import pytest
import requests

from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from app.core.credentials.account import BrokerAccountCredential
from app.sandbox.entra.tokens import TokenMinter, b64url, load_signing_key
from app.sandbox.entra.verification import CLOCK_SKEW_S
from tests.helpers import CONTOSO, ROOT, claims
from tests.integration.sandbox.test_sandbox_cli import in_sandbox

SANDBOX, ENABLED = "6f1c2a3b-0d4e-4f5a-9b8c-7d6e5f4a3b2c", "SubscriptionState.ENABLED"
EXAMPLE = ROOT / "examples" / "list_subscriptions.py"
NO_NETWORK = [*(["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-rn"]),
              "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]  # fmt: skip


def run(user: str) -> list[str]:
    result = in_sandbox("--storage", "--pick", user, "--", sys.executable, str(EXAMPLE),
                        wrap=NO_NETWORK)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return [
        re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", line) for line in result.stdout.splitlines()
    ]


def test_an_owner_lists_tenants_subscriptions_and_storage_accounts() -> None:
    assert "sandbox" not in EXAMPLE.read_text().split('"""')[2]  # nothing of the sandbox's own
    assert run("nestor@contoso.example") == [
        "tenant 4c5aa37b-6bdb-5753-8e91-ca41367d74b3 Contoso contoso.example",
        f"  subscription {SANDBOX} Contoso sandbox {ENABLED}",
        "    storage devstoreaccount1 https://127.0.0.1:PORT/devstoreaccount1/",
        "  subscription b3d5e7f9-1a2c-4e6b-8d0f-2a4c6e8b0d1f Contoso legacy "
        "SubscriptionState.DISABLED",
        "    ReadOnlyDisabledSubscription",
    ]


def test_a_guest_sees_both_tenants_and_the_sdk_satisfies_the_mfa_challenge_through_the_broker() -> (
    None
):
    """Fabrikam's ARM answers a token without MFA with a claims challenge; azure-core's bearer
    policy asks the credential again with those claims, the broker's sign-in steps up (the
    picker completes it here), and the retried request is answered."""
    assert run("lee@fabrikam.example") == [
        "tenant 4c5aa37b-6bdb-5753-8e91-ca41367d74b3 Contoso contoso.example",
        f"  subscription {SANDBOX} Contoso sandbox {ENABLED}",
        "    AuthorizationFailed",  # a data role only: no Microsoft.Storage/storageAccounts/read
        "tenant e5ee36fe-9da9-5ff8-81da-b4d64ed573cc Fabrikam fabrikam.example",
        f"  subscription c8e2a4f6-3b5d-4f7a-9c1e-5d7f9b1c3e5a Fabrikam production {ENABLED}",
    ]


ARM = "https://management.azure.com"
INVALID = "The access token is invalid."
READS = ("/subscriptions?api-version=2022-12-01", "/tenants?api-version=2022-12-01")


def broker_token(scope: str) -> str:
    adele = next(
        a for a in Broker().discover_accounts(Profile()) if a.username.startswith("adele@")
    )
    return BrokerAccountCredential(Broker(), adele, Profile()).get_token(scope).token


@pytest.fixture(scope="module")
def arm_token(sandbox_session) -> str:  # type: ignore[no-untyped-def]
    """adele's ARM token, as the broker mints it (Contoso, which asks no MFA)."""
    return broker_token(f"{ARM}/.default")


@pytest.fixture(scope="module")
def run_key(sandbox_session) -> TokenMinter:  # type: ignore[no-untyped-def]
    return TokenMinter(key=load_signing_key(sandbox_session.signing_key))


def read(token: str, path: str) -> requests.Response:
    return requests.get(f"{ARM}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def refused(token: str) -> list[tuple[str, str]]:
    """ARM's (code, message) for the token on each read; every one a 401 not quoting it."""
    answers = []
    for path in READS:
        response = read(token, path)
        assert response.status_code == 401, response.text
        assert token not in response.text and "x-ms-request-id" in response.headers
        error = response.json()["error"]
        answers.append((error["code"], error["message"]))
    return answers


def codes(token: str) -> set[str]:
    return {code for code, _ in refused(token)}


def changed(real: str, key: TokenMinter, **claims_changed: Any) -> str:
    return key.sign({**claims(real), **claims_changed})


def test_the_brokers_arm_token_and_one_re_signed_with_the_runs_key_both_work(
    arm_token: str, run_key: TokenMinter
) -> None:
    for token in (arm_token, changed(arm_token, run_key)):
        subscriptions, tenants = (read(token, path) for path in READS)
        assert subscriptions.status_code == tenants.status_code == 200
        assert [s["displayName"] for s in subscriptions.json()["value"]] == ["Contoso sandbox"]
        assert [t["tenantId"] for t in tenants.json()["value"]] == [CONTOSO]


def test_forged_tokens_get_invalid_authentication_token(arm_token: str) -> None:
    head, payload, signature = arm_token.split(".")
    unsigned = f"{b64url(json.dumps({'typ': 'JWT', 'alg': 'none'}).encode())}.{payload}."
    other = TokenMinter()  # a key of the forger's own, under the run key's kid too
    other.kid = json.loads(base64.urlsafe_b64decode(head + "=="))["kid"]
    another = {**claims(arm_token), "oid": "7d0b0ab4-0000-4000-8000-000000000000"}
    tampered = f"{head}.{b64url(json.dumps(another).encode())}.{signature}"
    for forged in (unsigned, changed(arm_token, other), tampered, "not-a-jwt"):
        assert set(refused(forged)) == {
            ("InvalidAuthenticationToken", "The access token is invalid.")
        }


def test_an_expired_token_gets_expired_authentication_token(
    arm_token: str, run_key: TokenMinter
) -> None:
    past = int(time.time()) - 3600 - CLOCK_SKEW_S
    expired = changed(arm_token, run_key, iat=past, nbf=past, exp=past + 3599)
    for code, message in refused(expired):
        assert code == "ExpiredAuthenticationToken"
        assert message.startswith("The access token expiry UTC time ")
    within_skew = changed(arm_token, run_key, exp=int(time.time()) - CLOCK_SKEW_S // 2)
    assert read(within_skew, READS[0]).status_code == 200


def test_a_token_for_another_audience_gets_invalid_authentication_token_audience(
    run_key: TokenMinter, arm_token: str
) -> None:
    storage_token = broker_token("https://storage.azure.com/.default")  # the broker's own
    for token in (storage_token, changed(arm_token, run_key, aud="https://graph.microsoft.com")):
        for code, message in refused(token):
            assert code == "InvalidAuthenticationTokenAudience"
            assert f"wrong audience or resource '{claims(token)['aud']}'" in message


def test_a_token_another_tenant_issued_gets_invalid_authentication_token_tenant(
    arm_token: str, run_key: TokenMinter
) -> None:
    nobody = "0d1e2f3a-0000-4000-8000-000000000000"
    for issuer in (
        f"https://sts.windows.net/{nobody}/",
        f"https://sts.chinacloudapi.cn/{CONTOSO}/",
    ):
        forged = changed(arm_token, run_key, iss=issuer, tid=nobody)
        assert codes(forged) == {"InvalidAuthenticationTokenTenant"}
