"""Each broker generation's replies as clients read them: through the real libmsalruntime
(0.20.7 must read both generations' shapes), and over D-Bus with the rules of a strict client
(siemens/sso-mib: an account without passwordExpiry or a grantedScopes that is no string
makes it fail).

What the runtime makes of each reply, measured here: 2.0.1's context arrives with
`|<raw_error_code>` from its diagnostics appended; 2.5's keeps Entra's description hidden
("(pii)"), so no AADSTS number reaches the app; both carry errorCode 0.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from jeepney import DBusAddress, MessageType, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection

from app.core.broker.errors import BrokerError
from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from app.core.guidance.explain import explain
from app.sandbox.broker.generations import tag_name
from app.sandbox.broker.service import BUS_NAME, INTERFACE, OBJECT_PATH
from tests.helpers import unique_scope

VAULT = ("https://vault.azure.net/.default",)
GENERATIONS = ["2.0.1", "2.5"]
BROKER = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=INTERFACE)
# sso-mib's mib_account_from_json and mib_prt_from_json: what it refuses to do without.
SSO_MIB_ACCOUNT = {"environment", "givenName", "homeAccountId", "localAccountId", "name",
                   "passwordExpiry", "realm", "username"}  # fmt: skip
SSO_MIB_TOKEN = {"accessToken", "accessTokenType", "clientInfo", "expiresOn", "idToken",
                 "grantedScopes"}  # fmt: skip


@pytest.fixture
def bus(sandbox) -> Any:  # type: ignore[no-untyped-def]
    conn = open_dbus_connection(bus=sandbox.env["DBUS_SESSION_BUS_ADDRESS"])
    yield conn
    conn.close()


def call(conn: DBusConnection, method: str, payload: dict[str, Any]) -> dict[str, Any]:
    message = new_method_call(
        BROKER, method, "sss", ("0.0", str(uuid.uuid4()), json.dumps(payload))
    )
    reply = conn.send_and_get_reply(message, timeout=20)
    assert reply.header.message_type == MessageType.method_return, reply.body
    return json.loads(reply.body[0])  # type: ignore[no-any-return]


def accounts_of(broker: Broker, profile: Profile) -> dict[str, Any]:
    return {a.username.split("@")[0]: a for a in broker.discover_accounts(profile)}


def refusal(call_it: Any) -> BrokerError:
    with pytest.raises(BrokerError) as caught:
        call_it()
    return caught.value


@pytest.mark.parametrize("generation", GENERATIONS)
def test_the_runtime_reads_an_entra_refusal_in_each_generations_words(
    generation: str, control, fresh_profile: Profile
) -> None:  # type: ignore[no-untyped-def]
    control.generation(generation)
    broker = Broker(timeout=20)
    megan = accounts_of(broker, fresh_profile)["megan"]
    error = refusal(lambda: broker.acquire_token_silently(megan, fresh_profile, VAULT))
    (asked,) = [c for c in control.calls("acquireTokenSilently") if c["account"] == megan.username]
    correlation = asked["correlationId"]
    assert (error.status, error.error_code) == ("InteractionRequired", 0)
    if generation == "2.0.1":
        assert error.context.startswith("AADSTS50076: ") and error.aadsts == 50076
        assert f"Correlation ID: {correlation} Timestamp: " in error.context
        assert error.context.endswith("|invalid_grant")  # the runtime appends raw_error_code
        assert error.tag != 0  # the runtime's own tag where the broker sent 0
    else:
        assert error.context == (
            "Recieved an error from AAD. Code: 'invalid_grant' description: '(pii)' "
            f"correlation id: '{correlation}' suberror: 'basic_action'"
        )
        assert error.aadsts is None and tag_name(error.tag) == "965ya"
    assert explain(error).title  # the app still says something: the status says enough


@pytest.mark.parametrize("generation", GENERATIONS)
def test_the_runtime_reads_the_brokers_own_refusals(
    generation: str, control, fresh_profile: Profile
) -> None:  # type: ignore[no-untyped-def]
    control.generation(generation)
    broker = Broker(timeout=20)
    accounts = accounts_of(broker, fresh_profile)
    carl = refusal(lambda: broker.acquire_token_silently(accounts["carl"], fresh_profile))
    assert (carl.status, carl.error_code) == ("AccountUnusable", 0)  # Conditional Access
    control.call("forget", username="diego@fabrikam.example")  # signed out on the device
    gone = refusal(lambda: broker.acquire_token_silently(accounts["diego"], fresh_profile))
    assert gone.status == "AccountNotFound"
    if generation == "2.5":
        assert tag_name(gone.tag) == "sbanf" and "AADSTS" not in carl.context
    else:
        assert carl.context.startswith("AADSTS53003: ")


@pytest.mark.parametrize("generation", GENERATIONS)
def test_granted_scopes_are_one_string_the_runtime_reads(
    generation: str, control, fresh_profile: Profile
) -> None:  # type: ignore[no-untyped-def]
    """The runtime reads grantedScopes only as a string: an array it ignores (it then takes
    the requested scopes), and a string without a requested scope fails the call with
    "declined scopes" (both measured with 0.20.7)."""
    control.generation(generation)
    broker = Broker(timeout=20)
    scope = unique_scope()
    token = broker.acquire_token_silently(
        accounts_of(broker, fresh_profile)["adele"], fresh_profile, (scope,)
    )
    assert token.granted_scopes == (scope,)


@pytest.mark.parametrize("generation", GENERATIONS)
def test_a_strict_client_reads_accounts_and_tokens(generation: str, bus, control) -> None:  # type: ignore[no-untyped-def]
    control.generation(generation)
    client = "d7b530a4-7680-4c23-a8bf-c52c121d2e87"
    accounts = call(bus, "getAccounts", {"clientId": client, "redirectUri": client})["accounts"]
    assert accounts and all(set(a) >= SSO_MIB_ACCOUNT for a in accounts)
    assert all(isinstance(a["passwordExpiry"], int) for a in accounts)
    adele = next(a for a in accounts if a["username"] == "adele@contoso.example")
    scopes = ["https://graph.microsoft.com/.default", "offline_access"]
    params = {
        "account": adele,
        "authority": "https://login.microsoftonline.com/common",
        "authorizationType": 1,
        "clientId": client,
        "requestedScopes": scopes,
        "redirectUri": "https://login.microsoftonline.com/common/oauth2/nativeclient",
        "username": adele["username"],
    }  # fmt: skip  (sso-mib's prepare_prt_auth_params)
    token = call(bus, "acquireTokenSilently", {"authParameters": params})["brokerTokenResponse"]
    assert set(token) >= SSO_MIB_TOKEN
    assert token["grantedScopes"].split(" ") == scopes  # g_strsplit(granted_scopes, " ")
    assert set(token["account"]) >= SSO_MIB_ACCOUNT


def test_a_2_5_broker_refuses_what_only_2_0_1_served(bus, control) -> None:  # type: ignore[no-untyped-def]
    """A cookie for authParameters with an authority alone (the 2024 Teams for Linux module,
    teams-for-linux PR #1280) and an account beside authParameters: 2.0.1 served both."""
    client = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
    adele = next(
        a
        for a in call(bus, "getAccounts", {"clientId": client})["accounts"]
        if a["username"] == "adele@contoso.example"
    )
    login = "https://login.microsoftonline.com"
    teams_2024 = {"ssoUrl": f"{login}/", "account": adele,
                  "authParameters": {"authority": f"{login}/common/"}}  # fmt: skip
    beside = {"account": adele, "authParameters": {
        "authority": f"{login}/organizations", "clientId": client, "authorizationType": 1,
        "requestedScopes": ["https://storage.azure.com/.default"]}}  # fmt: skip
    refused = call(bus, "acquirePrtSsoCookie", teams_2024)["error"]
    assert refused["status"] == 6 and "authParameters" in refused["context"]  # ApiContractViolation
    silent = call(bus, "acquireTokenSilently", beside)["brokerTokenResponse"]["error"]
    assert "authParameters.account is missing" in silent["context"]
    control.generation("2.0.1")
    assert (
        call(bus, "acquirePrtSsoCookie", teams_2024)["cookieName"] == "x-ms-RefreshTokenCredential"
    )
    assert "accessToken" in call(bus, "acquireTokenSilently", beside)["brokerTokenResponse"]
