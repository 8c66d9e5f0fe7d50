"""Where the sandbox was more generous than Entra ID and the real broker, now it is not:
MFA satisfies only what a sign-in with MFA satisfied, personal accounts have no PRT (so no SSO
cookie), a registered device shows in its tenant's tokens (deviceid), Graph `.default` tokens
name Graph permissions, Visual Studio's and Teams' client ids are registered. In-process;
through D-Bus and the real runtime: tests/integration/sandbox/test_entra_rules.py."""

from __future__ import annotations

import json

from app.sandbox.broker.service import SandboxBroker
from tests.helpers import claims
from tests.unit.sandbox.entra.test_directory import (
    CONTOSO,
    FABRIKAM,
    HOST,
    STORAGE,
    VAULT,
    account,
    control,
    error,
    interactive,
    ok,
    silent,
)

DEVICE = "5a8e42d1-7c3b-5f69-9e20-b4d1c7a3e6f8"  # directory.json's device, registered in Contoso
GRAPH = "https://graph.microsoft.com/.default"


def broker() -> SandboxBroker:
    return SandboxBroker("2.0.1")


def test_a_sign_in_without_mfa_does_not_satisfy_mfa_for_the_vault() -> None:
    b = broker()
    assert ok(interactive(b, "megan@contoso.example", scopes=(STORAGE,)))["amr"] == ["pwd"]
    error(silent(b, "megan@contoso.example", scopes=(VAULT,)), 2, 50076)  # still needs MFA
    assert control(b, "state")["mfa"] == {}


def test_a_sign_in_for_the_vault_does_mfa_and_the_session_keeps_it() -> None:
    b = broker()
    token = ok(interactive(b, "megan@contoso.example", scopes=(VAULT,)))
    assert token["amr"] == ["pwd", "mfa"]
    assert ok(silent(b, "megan@contoso.example", scopes=(VAULT,)))["amr"] == ["pwd", "mfa"]
    # Entra puts the MFA claim in the PRT: every resource's MFA policy is satisfied from now on.
    assert ok(silent(b, "megan@contoso.example", scopes=(STORAGE,)))["amr"] == ["pwd", "mfa"]
    assert control(b, "state")["mfa"] == {"megan@contoso.example": ["https://vault.azure.net"]}


def test_a_picker_answer_says_with_mfa_or_without() -> None:
    b = broker()
    control(b, "script", answers=[{"username": "megan@contoso.example", "mfa": True}])
    assert ok(interactive(b, None, scopes=(STORAGE,)))["amr"] == ["pwd", "mfa"]  # did it anyway
    assert ok(silent(b, "megan@contoso.example", scopes=(VAULT,)))["amr"] == ["pwd", "mfa"]

    b = broker()
    control(b, "script", answers=[{"username": "megan@contoso.example", "mfa": False}])
    refused = error(interactive(b, None, scopes=(VAULT,)), 7, 0)  # gave up at the MFA prompt
    assert "multi-factor" in refused["context"]
    assert "megan@contoso.example" not in control(b, "state")["mfa"]


def test_the_picker_request_says_who_would_be_asked_for_mfa() -> None:
    import threading

    b = broker()
    thread = threading.Thread(target=interactive, args=(b, None), kwargs={"scopes": (VAULT,)})
    thread.start()
    try:
        for _ in range(200):
            pending = control(b, "state")["pending"]
            if pending:
                break
            thread.join(0.01)
        required = {u["username"]: u["mfaRequired"] for u in pending[0]["offered"]}
        assert required["megan@contoso.example"] is True
        assert required["adele@contoso.example"] is False
        control(b, "answer", id=pending[0]["id"], username="adele@contoso.example")
    finally:
        thread.join(5)


def test_tokens_of_the_devices_tenant_carry_its_device_id() -> None:
    b = broker()
    assert ok(silent(b, "adele@contoso.example"))["deviceid"] == DEVICE
    assert "deviceid" not in ok(silent(b, "diego@fabrikam.example"))  # another tenant's user
    guest = ok(silent(b, "lee@fabrikam.example", authority=f"{HOST}/{CONTOSO}"))
    assert "deviceid" not in guest and guest["tid"] == CONTOSO
    personal = ok(silent(b, "alex@outlook.example", authority=f"{HOST}/common"))
    assert "deviceid" not in personal
    assert ok(silent(b, "diego@fabrikam.example"))["tid"] == FABRIKAM


def test_a_graph_default_token_names_the_applications_graph_permissions() -> None:
    b = broker()
    azure_cli = ok(silent(b, "adele@contoso.example", scopes=(GRAPH,)))
    assert azure_cli["aud"] == "https://graph.microsoft.com"
    assert "Directory.AccessAsUser.All" in azure_cli["scp"].split()
    assert "user_impersonation" not in azure_cli["scp"]
    teams = "88200948-af45-4a7e-8bcc-0b4c8b5ac7f1"
    other = ok(silent(b, "adele@contoso.example", scopes=(GRAPH,), client_id=teams))
    assert other["scp"] == "email openid profile User.Read"  # the default grant
    assert ok(silent(b, "adele@contoso.example"))["scp"] == "user_impersonation"  # storage


def test_visual_studio_and_teams_are_registered() -> None:
    b = broker()
    for client_id in (
        "04f0c124-f2bc-4f59-8241-bf6df9866bbd",
        "88200948-af45-4a7e-8bcc-0b4c8b5ac7f1",
    ):
        assert ok(silent(b, "adele@contoso.example", client_id=client_id))["appid"] == client_id


def test_a_personal_account_has_no_prt_sso_cookie() -> None:
    b = broker()
    alex = account(b, "alex@outlook.example")
    request = {"account": alex, "ssoUrl": "https://login.microsoftonline.com/"}
    reply = json.loads(b.handle("acquirePrtSsoCookie", json.dumps(request)))
    assert reply["error"]["status"] == 13  # AccountUnusable
    assert "no primary refresh token" in reply["error"]["context"]
    adele = {"account": account(b, "adele@contoso.example"), "ssoUrl": request["ssoUrl"]}
    cookie = json.loads(b.handle("acquirePrtSsoCookie", json.dumps(adele)))
    assert claims(cookie["cookieContent"])["is_primary"] == "true"
