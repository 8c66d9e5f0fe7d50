"""The Control operations and the broker methods that need no D-Bus to be checked: picker
answers with or without MFA, the state a restarted broker finds, cancelInteractiveFlow with
the request libmsalruntime sends, generateSignedHttpRequest as sso-mib asks for it."""

from __future__ import annotations

import base64
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from app.sandbox.broker import service
from app.sandbox.broker.operations import pick
from app.sandbox.broker.service import SandboxBroker
from tests.unit.sandbox.entra.test_directory import account, control, error, interactive, params

# What libmsalruntime 0.20.7 sends when an interactive call is cancelled (measured).
RUNTIME_CANCEL = {
    "error": {
        "context": "The InteractiveRequest was canceled on behalf of the user",
        "diagnostics": None,
        "errorCode": 0,
        "status": 7,
        "subStatus": 0,
        "tag": 579379414,
    }
}


@pytest.fixture(autouse=True)
def short_picker_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "PICKER_WAIT_S", 5.0)


def test_picker_answers() -> None:
    assert pick("adele@contoso.example") == ("adele@contoso.example", None)
    assert pick({"username": "megan@contoso.example", "mfa": True}) == (
        "megan@contoso.example",
        True,
    )
    assert pick("") == ("<cancel>", None) and pick(None) == ("<cancel>", None)
    with pytest.raises(LookupError):
        pick("megan@contoso.example", "yes")


def test_a_restarted_broker_finds_what_the_device_knew(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = SandboxBroker("2.0.1", state)
    control(first, "forget", username="diego@fabrikam.example")
    control(first, "pick", username="lee@fabrikam.example")
    registered = control(first, "register", name="mine")["client_id"]
    interactive(first, "megan@contoso.example", scopes=("https://vault.azure.net/.default",))
    control(first, "generation", name="2.5")
    again = SandboxBroker("2.0.1", state)  # the process that D-Bus activation starts next
    known = control(again, "state")
    assert "diego@fabrikam.example" not in known["known"]
    assert known["pick"] == "lee@fabrikam.example" and known["generation"] == "2.5"
    assert "megan@contoso.example" in known["mfa"]
    assert registered in {a["client_id"] for a in again.directory.data["applications"]}
    assert not list(tmp_path.glob("*.part"))  # written whole, then moved into place
    control(again, "reset")
    assert SandboxBroker("2.0.1", state).generation.name == "2.0.1"  # reset is kept too


def test_cancel_interactive_flow_closes_the_picker_with_the_runtimes_error() -> None:
    b = SandboxBroker("2.0.1")
    result: list[dict[str, Any]] = []
    thread = threading.Thread(target=lambda: result.append(interactive(b, None)))
    thread.start()
    for _ in range(500):
        if control(b, "state")["pending"]:
            break
        thread.join(0.01)
    assert b.handle("cancelInteractiveFlow", json.dumps(RUNTIME_CANCEL)) == "{}"
    thread.join(5)
    refused = error(result[0], 7, 0)
    assert refused["context"] == "The InteractiveRequest was canceled on behalf of the user"
    assert control(b, "state")["pending"] == []
    assert b.handle("cancelInteractiveFlow", "{}") == "{}"  # nothing open: nothing to close


def test_generate_signed_http_request_signs_with_the_device_key() -> None:
    b = SandboxBroker("2.5")
    adele = account(b, "adele@contoso.example")
    pop = {"authenticationScheme": "PoP", "uriHost": "contoso.example", "httpMethod": "GET",
           "nonce": "n0nce", "homeAccountId": adele["homeAccountId"]}  # fmt: skip
    reply = json.loads(
        b.handle("generateSignedHttpRequest", json.dumps({"clientId": "c", "popParams": pop}))
    )
    header, payload, signature = reply["signedHttpRequest"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert "at" not in claims  # a signed request without a token
    assert (claims["m"], claims["u"], claims["nonce"]) == ("GET", "contoso.example", "n0nce")
    jwk = claims["cnf"]["jwk"]
    number = lambda v: int.from_bytes(base64.urlsafe_b64decode(v + "=" * (-len(v) % 4)), "big")  # noqa: E731
    key = rsa.RSAPublicNumbers(number(jwk["e"]), number(jwk["n"])).public_key()
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    key.verify(raw, f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
    unknown = {**pop, "homeAccountId": "00000000-0000-0000-0000-000000000000.x"}
    refused = json.loads(b.handle("generateSignedHttpRequest", json.dumps({"popParams": unknown})))
    assert refused["error"]["status"] == 19  # AccountNotFound on the wire
    nobody = {k: v for k, v in pop.items() if k != "homeAccountId"}
    refused = json.loads(b.handle("generateSignedHttpRequest", json.dumps({"popParams": nobody})))
    assert "homeAccountId" in refused["error"]["context"]


def test_calls_record_the_authorization_type_and_correlation_id() -> None:
    b = SandboxBroker("2.5")
    request = {
        "authParameters": {**params("adele@contoso.example", broker=b), "authorizationType": 1}
    }
    b.handle("acquireTokenSilently", json.dumps(request), "corr-1")
    (recorded,) = control(b, "state")["calls"]
    assert (recorded["authorizationType"], recorded["correlationId"]) == (1, "corr-1")
