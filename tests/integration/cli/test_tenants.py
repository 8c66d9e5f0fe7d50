"""`--list-accounts --tenants` against the session sandbox: each account's tenants by name, home
or guest, with their subscriptions; a tenant that needs MFA says so and the next one answers."""

from __future__ import annotations

import json

from tests.integration.cli.test_cli import run

CONTOSO = "4c5aa37b-6bdb-5753-8e91-ca41367d74b3"
FABRIKAM = "e5ee36fe-9da9-5ff8-81da-b4d64ed573cc"


def block(stdout: str, username: str) -> list[str]:
    """The account's row and the lines under it."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(username))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), None)
    return lines[start:end]


def test_tenants_and_subscriptions_per_account(control) -> None:  # type: ignore[no-untyped-def]
    result = run("--list-accounts", "--tenants")
    assert result.returncode == 0, result.stderr
    lee = block(result.stdout, "lee@fabrikam.example")
    assert lee[1] == (f"    tenant Fabrikam (fabrikam.example) {FABRIKAM} home: "
                      "Needs sign-in (MFA or claims)")  # fmt: skip
    assert "choose Sign in for this tenant" in lee[2]
    assert lee[3] == f"    tenant Contoso (contoso.example) {CONTOSO} guest: 1 subscription"
    nestor = block(result.stdout, "nestor@contoso.example")
    assert nestor[2:] == [
        "      subscription Contoso legacy b3d5e7f9-1a2c-4e6b-8d0f-2a4c6e8b0d1f Disabled",
        "      subscription Contoso sandbox 6f1c2a3b-0d4e-4f5a-9b8c-7d6e5f4a3b2c Enabled",
    ]
    carl = block(result.stdout, "carl@contoso.example")
    assert carl[-1] == "    tenants: not listed: no token for Azure Resource Manager either"


def test_tenants_in_json(control) -> None:  # type: ignore[no-untyped-def]
    result = run("--list-accounts", "--tenants", "--json")
    assert result.returncode == 0, result.stderr
    rows = {r["username"]: r for r in json.loads(result.stdout)["accounts"]}
    lee = rows["lee@fabrikam.example"]["tenants"]
    assert [(t["displayName"], t["home"], t["problem"]) for t in lee] == [
        ("Fabrikam", True, "InvalidAuthenticationToken"), ("Contoso", False, None)]  # fmt: skip
    sandbox = {"subscriptionId": "6f1c2a3b-0d4e-4f5a-9b8c-7d6e5f4a3b2c",
               "displayName": "Contoso sandbox", "state": "Enabled"}  # fmt: skip
    assert lee[1]["subscriptions"] == [sandbox]
    assert rows["carl@contoso.example"]["tenants"] == []
    assert "tenants" in rows["adele@contoso.example"]
    assert "tenants" not in json.loads(run("--list-accounts", "--json").stdout)["accounts"][0]
