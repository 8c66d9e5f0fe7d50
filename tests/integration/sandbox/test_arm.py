"""The sandbox's Azure Resource Manager met by an unchanged Azure SDK management script
(examples/list_subscriptions.py: SubscriptionClient and StorageManagementClient over
azure-identity-broker's credential) inside `python -m app.sandbox`, with no network at all."""

from __future__ import annotations

import os
import re
import sys

from tests.helpers import ROOT
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
