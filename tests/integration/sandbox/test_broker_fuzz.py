"""Generated requests to every broker method over D-Bus, as each broker generation answers
them: the service never dies, and every answer is a valid reply in that generation's shape or
a well-formed broker error (never an exception's text).

It runs against a second sandbox of its own (the session's broker keeps its state), with a
standing picker answer so no interactive request waits for a picker. Each example sends a
batch of requests down one connection before reading the replies, which keeps 2,000+ requests
per method to a few seconds.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jeepney import DBusAddress, HeaderFields, MessageType, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection

from app.sandbox.broker.generations import GENERATIONS
from app.sandbox.broker.service import BUS_NAME, INTERFACE, OBJECT_PATH
from app.sandbox.broker.wire import REQUESTS, TOKEN_METHODS, WIRE_STATUS
from app.sandbox.launcher import Sandbox

BATCH, EXAMPLES = 25, 42  # 1,050 requests per method and generation
BROKER = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=INTERFACE)
ADELE = {
    "username": "adele@contoso.example",
    "homeAccountId": "200a129e-8b45-5a42-9504-569a7d9bd498.4c5aa37b-6bdb-5753-8e91-ca41367d74b3",
    "localAccountId": "200a129e-8b45-5a42-9504-569a7d9bd498",
    "realm": "4c5aa37b-6bdb-5753-8e91-ca41367d74b3",
}
AUTH = {
    "authorizationType": 1,  # what the runtime sends for a silent call (2.5 requires it)
    "authority": "https://login.microsoftonline.com/organizations",
    "clientId": "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
    "requestedScopes": ["https://storage.azure.com/.default"],
    "redirectUri": "https://login.microsoftonline.com/common/oauth2/nativeclient",
    "account": ADELE,
    "additionalQueryParametersForAuthorization": {},
}
VALID: dict[str, dict[str, Any]] = {
    "getAccounts": {"clientId": AUTH["clientId"], "redirectUri": AUTH["clientId"]},
    "getLinuxBrokerVersion": {"msalCppVersion": "1.28.0"},
    "removeAccount": {"account": {**ADELE, "username": "nobody@contoso.example"}},
    "acquireTokenSilently": {"authParameters": AUTH},
    "acquireTokenInteractively": {
        "authParameters": {**AUTH, "account": None, "authorizationType": 6}
    },
    "acquirePrtSsoCookie": {
        "account": ADELE,
        "authParameters": {**AUTH, "authorizationType": 8},
        "ssoUrl": "https://login.microsoftonline.com/",
    },
    "generateSignedHttpRequest": {
        "clientId": AUTH["clientId"],
        "popParams": {
            "httpMethod": "GET",
            "uriHost": "example.com",
            "uriPath": "/",
            "nonce": "nonce",
            "homeAccountId": ADELE["homeAccountId"],
        },
    },
    # What libmsalruntime sends when an interactive call is cancelled (measured).
    "cancelInteractiveFlow": {
        "error": {
            "status": 7,
            "context": "The InteractiveRequest was canceled on behalf of the user",
        }
    },
}
REPR = re.compile(r"\b\w+(Error|Exception)\(|Traceback")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


@st.composite
def mutated(draw: st.DrawFn, valid: dict[str, Any]) -> str:
    """A valid request with one field, at any depth, replaced by another value or dropped."""
    request = json.loads(json.dumps(valid))
    node = request
    while True:
        key = draw(st.sampled_from(sorted(node)))
        if isinstance(node[key], dict) and node[key] and draw(st.booleans()):
            node = node[key]
            continue
        if draw(st.booleans()):
            del node[key]
        else:
            node[key] = draw(json_values)
        return json.dumps(request)


def requests_for(method: str) -> st.SearchStrategy[str]:
    return st.one_of(
        mutated(VALID[method]),
        json_values.map(json.dumps),
        st.text(
            st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40
        ),  # D-Bus strings hold no NUL
        st.just(json.dumps(VALID[method])),
    )


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[tuple[Sandbox, DBusConnection]]:
    box = Sandbox()
    box.start(export=False)
    assert box.control is not None
    box.control.pick("adele@contoso.example")
    conn = open_dbus_connection(bus=box.env["DBUS_SESSION_BUS_ADDRESS"])
    yield box, conn
    conn.close()
    box.stop()


def well_formed_error(error: Any) -> bool:
    return (
        isinstance(error, dict)
        and set(error) == {"status", "subStatus", "errorCode", "context", "tag", "diagnostics"}
        and (error["diagnostics"] is None or isinstance(error["diagnostics"], dict))
        and error["status"] in WIRE_STATUS.values()
        and all(type(error[k]) is int for k in ("subStatus", "errorCode", "tag"))
        and isinstance(error["context"], str)
        and bool(error["context"])
        and not REPR.search(error["context"])
    )


# The token shell around an error: 2.0.1's (linux-entra-sso #114), 2.5's (#129).
ERROR_SHELLS = {
    "2.0.1": {"accessTokenType", "error", "expiresOn", "extendedExpiresOn"},
    "2.5": {"error", "subError"},
}


def valid_cookie(generation: str, reply: dict[str, Any]) -> bool:
    if generation == "2.0.1":
        return isinstance(reply.get("cookieContent"), str)
    items = reply.get("cookieItems")
    return set(reply) == {"cookieItems"} and isinstance(items, list) and len(items) == 1 and (
        isinstance(items[0].get("cookieContent"), str)
    )  # fmt: skip


def valid_reply(generation: str, method: str, reply: Any) -> bool:
    if not isinstance(reply, dict):
        return False
    if method in TOKEN_METHODS:
        inner = reply.get("brokerTokenResponse")
        if not isinstance(inner, dict):
            return False
        if "error" in inner:
            return (
                set(reply) == {"brokerTokenResponse", "telemetry"}
                and set(inner) == ERROR_SHELLS[generation]
                and well_formed_error(inner["error"])
            )
        return (
            set(reply) == {"brokerTokenResponse"}
            and isinstance(inner.get("accessToken"), str)
            and isinstance(inner.get("account"), dict)
            and isinstance(inner.get("grantedScopes"), str)
        )
    if "error" in reply:
        return set(reply) == {"error"} and well_formed_error(reply["error"])
    return {
        "getAccounts": lambda: isinstance(reply.get("accounts"), list),
        "getLinuxBrokerVersion": lambda: isinstance(reply.get("linuxBrokerVersion"), str),
        "removeAccount": lambda: reply == {},
        "acquirePrtSsoCookie": lambda: valid_cookie(generation, reply),
        "generateSignedHttpRequest": lambda: isinstance(reply.get("signedHttpRequest"), str),
        "cancelInteractiveFlow": lambda: reply == {},
    }[method]()


def send_batch(conn: DBusConnection, method: str, texts: list[str]) -> list[Any]:
    serials = []
    for text in texts:
        serial = next(conn.outgoing_serial)
        conn.send(new_method_call(BROKER, method, "sss", ("0.0", str(uuid.uuid4()), text)), serial)
        serials.append(serial)
    replies: dict[int, Any] = {}
    while len(replies) < len(serials):
        message = conn.receive(timeout=30)
        reply_to = message.header.fields.get(HeaderFields.reply_serial)
        if reply_to in serials:
            replies[reply_to] = message
    return [replies[s] for s in serials]


@pytest.mark.parametrize("generation", sorted(GENERATIONS))
@pytest.mark.parametrize("method", sorted(REQUESTS))
def test_generated_requests_get_valid_replies(fuzzed, method: str, generation: str) -> None:  # type: ignore[no-untyped-def]
    box, conn = fuzzed
    assert box.control is not None
    box.control.generation(generation)
    broker = box.broker_pid()
    sent = [0]

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
    @given(st.lists(requests_for(method), min_size=BATCH, max_size=BATCH))
    def check(texts: list[str]) -> None:
        for text, message in zip(texts, send_batch(conn, method, texts), strict=True):
            assert message.header.message_type == MessageType.method_return, (text, message.body)
            reply = json.loads(message.body[0])
            assert valid_reply(generation, method, reply), (text, reply)
        sent[0] += len(texts)

    check()
    assert sent[0] >= 1000
    assert box.broker_pid() == broker, "the sandbox broker died (and was started again)"
    box.control.reset()  # keep the state list short for the next method
    box.control.pick("adele@contoso.example")
