"""Each broker generation's requirements and reply shapes, in-process (no D-Bus): the replies
are compared with the ones pasted in public issues (linux-entra-sso #114 for 2.0.1, #129 for
2.5.2), key for key. Through D-Bus and the real runtime: tests/integration/sandbox."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.sandbox.broker.generations import AAD_TAG, GENERATIONS, tag, tag_name
from app.sandbox.broker.service import SandboxBroker
from app.sandbox.broker.wire import WIRE_STATUS
from app.sandbox.entra.directory import Refusal

CLIENT = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
ORGS = "https://login.microsoftonline.com/organizations"
VAULT = "https://vault.azure.net/.default"
STORAGE = "https://storage.azure.com/.default"
SSO_URL = "https://login.microsoftonline.com/"


def broker(name: str) -> SandboxBroker:
    return SandboxBroker(name)


def account(b: SandboxBroker, username: str) -> dict[str, Any]:
    user = b.directory.user(username)
    assert user is not None
    return b.directory.account_json(user)


def auth(b: SandboxBroker, username: str, scopes: list[str], kind: int | None) -> dict[str, Any]:
    params: dict[str, Any] = {
        "account": account(b, username),
        "authority": ORGS,
        "clientId": CLIENT,
        "requestedScopes": scopes,
    }
    if kind is not None:
        params["authorizationType"] = kind
    return params


def send(b: SandboxBroker, method: str, request: dict[str, Any]) -> dict[str, Any]:
    return json.loads(b.handle(method, json.dumps(request), "6c1f6b8e-0d2a-4c55-9b1e-2f4d3a5b6c7d"))  # type: ignore[no-any-return]


def test_tags_travel_as_the_runtime_decodes_them() -> None:
    # linux-entra-sso #129's tag; libmsalruntime 0.20.7 logs it as tag_965ya (measured)
    assert tag(AAD_TAG) == 595719680 and tag_name(595719680) == "965ya"
    assert tag_name(tag("sbanf")) == "sbanf"


def test_2_0_1_words_an_entra_refusal_as_issue_114_shows() -> None:
    b = broker("2.0.1")
    reply = send(
        b,
        "acquireTokenSilently",
        {"authParameters": auth(b, "megan@contoso.example", [VAULT], None)},
    )
    assert set(reply) == {"brokerTokenResponse", "telemetry"}
    body = reply["brokerTokenResponse"]
    assert set(body) == {"accessTokenType", "error", "expiresOn", "extendedExpiresOn"}
    error = body["error"]
    assert set(error) == {"context", "diagnostics", "errorCode", "status", "subStatus", "tag"}
    assert (error["errorCode"], error["tag"], error["subStatus"]) == (0, 0, 0)
    assert error["status"] == WIRE_STATUS["InteractionRequired"] == 2
    context = error["context"]
    assert context.startswith("AADSTS50076: ")
    assert "Trace ID: " in context and "Timestamp: " in context
    assert "Correlation ID: 6c1f6b8e-0d2a-4c55-9b1e-2f4d3a5b6c7d" in context
    assert error["diagnostics"] == {
        "raw_error_code": "invalid_grant",
        "exception_type": "com.microsoft.identity.common.exception.UiRequiredException",
        "oauth2_sub_error_code": "basic_action",
    }
    assert reply["telemetry"]["broker_version"] == "2.0.1"
    assert set(reply["telemetry"]) == {
        "ui_visible",
        "os_version",
        "broker_version",
        "http_event_count",
    }


def test_2_5_redacts_entras_description_as_issue_129_shows() -> None:
    b = broker("2.5")
    reply = send(
        b, "acquireTokenSilently", {"authParameters": auth(b, "megan@contoso.example", [VAULT], 1)}
    )
    assert set(reply) == {"brokerTokenResponse", "telemetry"}
    body = reply["brokerTokenResponse"]
    assert set(body) == {"error", "subError"} and body["subError"] == ""
    error = body["error"]
    assert error == {
        "context": "Recieved an error from AAD. Code: 'invalid_grant' description: '(pii)' "
        "correlation id: '6c1f6b8e-0d2a-4c55-9b1e-2f4d3a5b6c7d' suberror: 'basic_action'",
        "diagnostics": None,
        "errorCode": 0,
        "status": 2,
        "subStatus": 0,
        "tag": 595719680,
    }
    assert "AADSTS" not in json.dumps(reply)  # no code, no description anywhere
    telemetry = reply["telemetry"]
    assert telemetry["api_error_tag"] == "965ya" and telemetry["broker_version"] == "2.5.2"
    assert telemetry["api_status_code"] == "StatusInternal::InteractionRequired"
    assert telemetry["api_error_context"] == error["context"]


def test_2_5_keeps_user_names_out_of_its_own_messages() -> None:
    b = broker("2.5")
    refusal = Refusal("AccountNotFound", 0, "No account adele@contoso.example on this device")
    reply = GENERATIONS["2.5"].error_reply("acquireTokenSilently", refusal, "c")
    assert reply["brokerTokenResponse"]["error"]["context"] == "No account (pii) on this device"
    assert b.generation.version == "2.5.2-sandbox"


@pytest.mark.parametrize(("name", "flat"), [("2.0.1", True), ("2.5", False)])
def test_the_prt_sso_cookie_shape(name: str, flat: bool) -> None:
    b = broker(name)
    adele = account(b, "adele@contoso.example")
    params = {**auth(b, "adele@contoso.example", [STORAGE], 8), "ssoUrl": SSO_URL}
    reply = send(
        b, "acquirePrtSsoCookie", {"account": adele, "authParameters": params, "ssoUrl": SSO_URL}
    )
    cookie = reply if flat else reply["cookieItems"][0]
    assert cookie["cookieName"] == "x-ms-RefreshTokenCredential"
    assert cookie["cookieContent"].count(".") == 2
    assert ("account" in reply) is flat and ("cookieItems" in reply) is not flat


def test_2_0_1_serves_a_cookie_for_an_authority_alone_2_5_does_not() -> None:
    """The 2024 Teams for Linux module's request (teams-for-linux PR #1280)."""
    for name, served in (("2.0.1", True), ("2.5", False)):
        b = broker(name)
        adele = account(b, "adele@contoso.example")
        request = {"ssoUrl": SSO_URL, "account": adele, "authParameters": {"authority": ORGS + "/"}}
        reply = send(b, "acquirePrtSsoCookie", request)
        assert ("error" not in reply) is served, reply
        if not served:
            assert reply["error"]["status"] == WIRE_STATUS["ApiContractViolation"]
            assert "authParameters" in reply["error"]["context"]


@pytest.mark.parametrize(
    ("method", "kind"),
    [("acquireTokenSilently", None), ("acquireTokenSilently", 6), ("acquireTokenInteractively", 1)],
)
def test_2_5_needs_the_authorization_type_of_the_method_2_0_1_ignores_it(
    method: str, kind: int | None
) -> None:
    strict = broker("2.5")
    reply = send(
        strict, method, {"authParameters": auth(strict, "adele@contoso.example", [STORAGE], kind)}
    )
    error = reply["brokerTokenResponse"]["error"]
    assert error["status"] == WIRE_STATUS["ApiContractViolation"]
    assert "authorizationType" in error["context"]
    lenient = broker("2.0.1")
    lenient.control(json.dumps({"op": "pick", "username": "adele@contoso.example"}))
    reply = send(
        lenient, method, {"authParameters": auth(lenient, "adele@contoso.example", [STORAGE], kind)}
    )
    assert "accessToken" in reply["brokerTokenResponse"]


def test_2_5_reads_the_account_only_inside_auth_parameters() -> None:
    for name, served in (("2.0.1", True), ("2.5", False)):
        b = broker(name)
        params = auth(b, "diego@fabrikam.example", [STORAGE], 1)
        beside = params.pop("account")
        reply = send(b, "acquireTokenSilently", {"authParameters": params, "account": beside})
        assert ("accessToken" in reply["brokerTokenResponse"]) is served, reply
        if not served:
            assert (
                "authParameters.account is missing"
                in reply["brokerTokenResponse"]["error"]["context"]
            )


def test_the_generation_can_be_switched_until_reset() -> None:
    b = broker("2.5")
    b.control(json.dumps({"op": "generation", "name": "2.0.1"}))
    assert json.loads(b.handle("getLinuxBrokerVersion", "{}")) == {
        "linuxBrokerVersion": "2.0.1-sandbox"
    }
    b.control(json.dumps({"op": "reset"}))
    assert b.generation.name == "2.5"
    with pytest.raises(LookupError):
        b.control(json.dumps({"op": "generation", "name": "3.0"}))
