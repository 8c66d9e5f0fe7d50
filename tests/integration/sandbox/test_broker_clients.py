"""The sandbox broker as other broker clients meet it: over D-Bus, with the request shapes of
libmsalruntime, gdbus, siemens/linux-entra-sso and siemens/sso-mib (a strict client), and with
requests that are wrong.

The status numbers are checked through the real native runtime, in each broker generation's
reply shape: each Response_Status the installed pymsalruntime defines is sent back by the
sandbox broker and must arrive as itself.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from jeepney import DBusAddress, MessageType, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection

from app.core.broker.errors import BrokerError
from app.core.guidance.explain import explain
from app.sandbox.broker.service import BUS_NAME, INTERFACE, OBJECT_PATH
from app.sandbox.broker.wire import WIRE_STATUS
from tests.helpers import ROOT, claims

EDGE = "d7b530a4-7680-4c23-a8bf-c52c121d2e87"  # the client id linux-entra-sso sends
SSO_MIB_METHODS = {"acquireTokenInteractively", "acquireTokenSilently", "getAccounts",
                   "removeAccount", "acquirePrtSsoCookie", "generateSignedHttpRequest",
                   "cancelInteractiveFlow", "getLinuxBrokerVersion"}  # fmt: skip
GRAPH = ["https://graph.microsoft.com/.default"]
NATIVE_CLIENT = "https://login.microsoftonline.com/common/oauth2/nativeclient"
BROKER = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=INTERFACE)
# A cookie request both generations accept but for its ssoUrl (%s).
COOKIE = (
    '{"account": {}, "authParameters": {"account": {}, "authorizationType": 8, '
    '"authority": "https://login.microsoftonline.com/common", '
    '"clientId": "d7b530a4-7680-4c23-a8bf-c52c121d2e87"}, "ssoUrl": %s}'
)


@pytest.fixture
def bus(sandbox, control) -> Iterator[DBusConnection]:  # type: ignore[no-untyped-def]
    conn = open_dbus_connection(bus=sandbox.env["DBUS_SESSION_BUS_ADDRESS"])
    yield conn
    conn.close()


def call(conn: DBusConnection, method: str, signature: str, *body: Any) -> Any:
    reply = conn.send_and_get_reply(new_method_call(BROKER, method, signature, body), timeout=20)
    return reply


def request(conn: DBusConnection, method: str, payload: Any) -> dict[str, Any]:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    reply = call(conn, method, "sss", "0.0", str(uuid.uuid4()), text)
    assert reply.header.message_type == MessageType.method_return, reply.body
    return json.loads(reply.body[0])  # type: ignore[no-any-return]


# ---- status numbers through the real runtime ----------------------------------------------
def response_statuses() -> list[str]:
    import pymsalruntime

    return [member.name.removeprefix("Status_") for member in pymsalruntime.Response_Status]


def test_the_wire_table_covers_every_status_the_runtime_defines() -> None:
    import pymsalruntime

    pyi = Path(pymsalruntime.__file__ or "").with_name("PyMsalRuntime.pyi")
    declared = pyi.read_text().split("class Response_Status(Enum):")[1].split("class ")[0]
    names = [line.split(":")[0].strip().removeprefix("Status_") for line in declared.splitlines()]
    assert set(WIRE_STATUS) == {n for n in names if n} == set(response_statuses())
    assert sorted(WIRE_STATUS.values()) == list(range(len(WIRE_STATUS)))


# Scripted failures change the runtime's own state for the account (AccountUnusable,
# UserDataRemovalRequired stay in its cache and keyring), so they run in a process of their own
# against a sandbox of their own: nothing reaches the other tests' runtime.
STATUSES_IN_A_FRESH_RUNTIME = """
import json, os, sys, uuid
from app.sandbox.launcher import Sandbox
box = Sandbox(broker_version=sys.argv[1])
os.environ.update(box.start(export=False))
from app.core.broker.runtime import Broker
from app.core.broker.errors import BrokerError
from app.core.configurations.profile import Profile
import pymsalruntime
broker = Broker(timeout=20)
accounts = {a.username.split("@")[0]: a for a in broker.discover_accounts(Profile())}
def silent(user):
    account = accounts[user]
    try:
        broker.acquire_token_silently(account, Profile(), [f"api://{uuid.uuid4().hex}/.default"])
    except BrokerError as exc:
        return exc.status, exc.error_code
    return "token", 0
try:
    box.control.call("forget", username="lee@fabrikam.example")  # signed out on the device
    unknown = silent("lee")
    arrived = {}
    for member in pymsalruntime.Response_Status:
        name = member.name.removeprefix("Status_")
        box.control.fail("acquireTokenSilently", name, code=4242, context="scripted " + name)
        arrived[name] = silent("adele")
    print(json.dumps({"unknown": unknown, "arrived": arrived}))
finally:
    box.stop()
"""


@pytest.fixture(scope="module", params=["2.0.1", "2.5"])
def fresh_runtime(request: pytest.FixtureRequest) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", STATUSES_IN_A_FRESH_RUNTIME, request.param],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def test_every_status_the_sandbox_sends_arrives_as_itself(fresh_runtime) -> None:  # type: ignore[no-untyped-def]
    arrived = fresh_runtime["arrived"]
    assert set(arrived) == set(response_statuses())
    assert arrived == {name: [name, 4242] for name in arrived}


def test_a_silent_call_for_an_account_the_broker_does_not_know(fresh_runtime) -> None:  # type: ignore[no-untyped-def]
    status, _code = fresh_runtime["unknown"]
    assert status == "AccountNotFound"
    assert explain(BrokerError(status)).code == "AccountNotFound"


# ---- any client over D-Bus ------------------------------------------------------------------
def test_an_unknown_method_is_unknown_method(bus) -> None:  # type: ignore[no-untyped-def]
    reply = call(bus, "acquireTokenTelepathically", "sss", "0.0", "c", "{}")
    assert reply.header.message_type == MessageType.error
    assert reply.header.fields[4] == "org.freedesktop.DBus.Error.UnknownMethod"  # error name
    assert "acquireTokenTelepathically" in reply.body[0]


@pytest.mark.parametrize(
    ("signature", "body"), [("s", ("{}",)), ("ssi", ("0.0", "c", 5)), ("", ())]
)
def test_a_wrong_signature_is_refused_by_signature(
    bus, signature: str, body: tuple[Any, ...]
) -> None:  # type: ignore[no-untyped-def]
    reply = call(bus, "getAccounts", signature, *body)
    assert reply.header.message_type == MessageType.error
    assert reply.header.fields[4] == "org.freedesktop.DBus.Error.InvalidArgs"
    assert "signature sss" in reply.body[0]


@pytest.mark.parametrize(
    ("method", "payload", "says"),
    [
        ("getAccounts", "[1, 2]", "must be a JSON object, not an array"),
        ("getAccounts", '{"clientId": 5}', "getAccounts.clientId must be a string, not an integer"),
        ("getAccounts", "{", "not valid JSON"),
        ("getAccounts", "{}", "getAccounts.clientId is missing"),
        ("acquireTokenSilently", '{"authParameters": []}', "authParameters must be an object"),
        ("acquirePrtSsoCookie", COOKIE % "7", "ssoUrl must be a string"),
        ("acquirePrtSsoCookie", COOKIE % '"https://["', "ssoUrl is not a URL"),
        ("getLinuxBrokerVersion", "[" * 60_000 + "]" * 60_000, "deeper than 32 levels"),
    ],
)
def test_a_malformed_request_gets_a_broker_style_error(
    bus, method: str, payload: str, says: str
) -> None:  # type: ignore[no-untyped-def]
    reply = request(bus, method, payload)
    error = (
        reply["brokerTokenResponse"]["error"] if "brokerTokenResponse" in reply else reply["error"]
    )
    assert error["status"] == WIRE_STATUS["ApiContractViolation"]
    assert says in error["context"]
    assert "Error(" not in error["context"] and "Traceback" not in error["context"]
    assert request(bus, "getAccounts", {"clientId": EDGE})["accounts"]  # still serving


def introspect(bus: DBusConnection) -> str:
    message = new_method_call(
        DBusAddress(OBJECT_PATH, BUS_NAME, "org.freedesktop.DBus.Introspectable"), "Introspect"
    )
    return str(bus.send_and_get_reply(message, timeout=10).body[0])


@pytest.mark.broker_generation("2.0.1")
def test_broker_2_0_1_describes_its_interface_as_sso_mib_has_it(bus) -> None:  # type: ignore[no-untyped-def]
    """sso-mib generates its client from dbus/spec/com.microsoft.identity.broker1.xml: eight
    methods, each three strings in and one out."""
    root = ElementTree.fromstring(introspect(bus))
    (broker,) = [i for i in root.iter("interface") if i.get("name") == INTERFACE]
    methods = {m.get("name"): [(a.get("type"), a.get("direction")) for a in m] for m in broker}
    assert methods == {name: [("s", "in")] * 3 + [("s", "out")] for name in SSO_MIB_METHODS}


def test_later_brokers_describe_no_interface(bus) -> None:  # type: ignore[no-untyped-def]
    """teams-for-linux #2047: busctl introspect lists nothing for broker 2.0.2 and later, and
    clients that introspect first fail ("No such interface found"); calls still work."""
    root = ElementTree.fromstring(introspect(bus))
    assert list(root.iter("interface")) == []
    assert request(bus, "getAccounts", {"clientId": EDGE})["accounts"]


# ---- linux-entra-sso's requests, sent by gdbus ----------------------------------------------
def gvariant_string(text: str) -> str:
    """gdbus reads each argument as GVariant text, typed by the interface description when
    the service has one: without it (brokers after 2.0.1) "0.0" would be a double and the
    JSON a dictionary. Quoted, each is a string either way."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def gdbus(sandbox, method: str, payload: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    gdbus_path = shutil.which("gdbus")
    assert gdbus_path, "gdbus is in Debian's libglib2.0-bin (scripts/setup.sh installs it)"
    result = subprocess.run(
        [gdbus_path, "call", "--session", "--dest", BUS_NAME, "--object-path", OBJECT_PATH,
         "--method", f"{INTERFACE}.{method}",
         *(gvariant_string(v) for v in ("0.0", str(uuid.uuid4()), json.dumps(payload)))],
        capture_output=True, text=True, timeout=30,
        env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": sandbox.env["DBUS_SESSION_BUS_ADDRESS"]},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (text,) = ast.literal_eval(result.stdout.strip())  # GVariant text: ('<json>',)
    return json.loads(text)  # type: ignore[no-any-return]


def entra_sso_auth_parameters(
    account: dict[str, Any], sso_url: str | None = None
) -> dict[str, Any]:
    """linux-entra-sso's _get_auth_parameters."""
    params = {
        "account": account,
        "additionalQueryParametersForAuthorization": {},
        "authority": "https://login.microsoftonline.com/common",
        "authorizationType": 8 if sso_url else 1,
        "clientId": EDGE,
        "redirectUri": NATIVE_CLIENT,
        "requestedScopes": GRAPH,
        "username": account["username"],
        "uxContextHandle": -1,
    }
    if sso_url:
        params["ssoUrl"] = sso_url
    return params


@pytest.mark.parametrize("generation", ["2.0.1", "2.5"])
def test_linux_entra_sso_requests_through_gdbus(sandbox, control, generation: str) -> None:  # type: ignore[no-untyped-def]
    control.generation(generation)
    accounts = gdbus(sandbox, "getAccounts", {"clientId": EDGE, "redirectUri": str(uuid.uuid4())})
    adele = next(a for a in accounts["accounts"] if a["username"] == "adele@contoso.example")
    assert adele["realm"] == "4c5aa37b-6bdb-5753-8e91-ca41367d74b3"

    version = gdbus(sandbox, "getLinuxBrokerVersion", {"msalCppVersion": "1.4.0"})
    assert version == {
        "linuxBrokerVersion": {"2.0.1": "2.0.1-sandbox", "2.5": "2.5.2-sandbox"}[generation]
    }

    token = gdbus(
        sandbox, "acquireTokenSilently", {"authParameters": entra_sso_auth_parameters(adele)}
    )
    response = token["brokerTokenResponse"]
    assert claims(response["accessToken"])["appid"] == EDGE
    assert claims(response["accessToken"])["aud"] == "https://graph.microsoft.com"
    assert response["account"]["username"] == "adele@contoso.example"

    sso_url = "https://login.microsoftonline.com/"
    cookie = gdbus(sandbox, "acquirePrtSsoCookie", {
        "account": adele,
        "authParameters": entra_sso_auth_parameters(adele, sso_url),
        "mamEnrollment": False,
        "ssoUrl": sso_url,
    })  # fmt: skip
    if generation == "2.0.1":
        assert cookie["account"]["username"] == "adele@contoso.example"
    else:  # linux-entra-sso's broker.js: "microsoft-identity-broker > 2.0.1"
        (cookie,) = cookie["cookieItems"]
    assert cookie["cookieName"] == "x-ms-RefreshTokenCredential"
    assert claims(cookie["cookieContent"])["is_primary"] == "true"

    evil = "https://evil.example/"
    refused = gdbus(sandbox, "acquirePrtSsoCookie", {
        "account": adele, "authParameters": entra_sso_auth_parameters(adele, evil), "ssoUrl": evil,
    })  # fmt: skip
    assert refused["error"]["status"] == WIRE_STATUS["IncorrectConfiguration"]
    assert [c["clientId"] for c in control.calls()] == [EDGE, None, EDGE, EDGE, EDGE]


@pytest.mark.parametrize(
    "client_id",
    [
        "04b07795-8ddb-461a-bbee-02f9e1bf7b46",  # Azure CLI (azure-identity's default)
        EDGE,
        "1950a258-227b-4e31-a9cf-717495945fc2",  # Azure PowerShell
        "872cd9fa-d31f-45e0-9eab-6e460a02d1f1",  # Visual Studio (legacy)
        "04f0c124-f2bc-4f59-8241-bf6df9866bbd",  # Visual Studio: the id msal's broker tests use
        "88200948-af45-4a7e-8bcc-0b4c8b5ac7f1",  # Microsoft Teams
    ],
)
def test_well_known_first_party_clients_get_tokens(bus, client_id: str) -> None:  # type: ignore[no-untyped-def]
    accounts = request(bus, "getAccounts", {"clientId": client_id})["accounts"]
    adele = next(a for a in accounts if a["username"] == "adele@contoso.example")
    params = {**entra_sso_auth_parameters(adele), "clientId": client_id}
    reply = request(bus, "acquireTokenSilently", {"authParameters": params})
    assert claims(reply["brokerTokenResponse"]["accessToken"])["appid"] == client_id
