"""The sandbox broker answers request options as the real broker does: client capabilities
become xms_cc, a claims challenge for an authentication context needs an interactive step-up,
a PoP request gets a signed HTTP request bound to one key; and the storage endpoint issues
the claims challenge a CAE-enabled resource does. (Through the real runtime:
tests/integration/broker/test_request_options.py.)"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from app.core.configurations.request_options import parse_claims
from app.sandbox.broker.service import SandboxBroker
from app.sandbox.entra.directory import DATA
from app.sandbox.entra.tokens import TokenMinter, jwks
from app.sandbox.entra.verification import public_keys
from app.sandbox.storage.roles import Roles
from tests.helpers import claims
from tests.unit.sandbox.entra.test_directory import error, interactive, ok, silent

CP1 = json.dumps({"access_token": {"xms_cc": {"values": ["cp1"]}}})
STEP_UP = json.dumps({"access_token": {"acrs": {"essential": True, "value": "c1"}}})
POP = {"httpMethod": "GET", "uriHost": "contoso.blob.core.windows.net", "uriPath": "/c/b",
       "nonce": "n0nce", "clientClaims": "", "homeAccountId": ""}  # fmt: skip
ACCOUNT = "devstoreaccount1"


@pytest.fixture
def broker() -> SandboxBroker:
    return SandboxBroker("2.0.1")  # Entra's text whole (the rules, not the reply shapes)


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_client_capabilities_become_xms_cc(broker: SandboxBroker) -> None:
    assert ok(silent(broker, "adele@contoso.example", decodedClaims=CP1))["xms_cc"] == ["cp1"]
    assert "xms_cc" not in ok(silent(broker, "adele@contoso.example"))


def test_an_authentication_context_needs_an_interactive_step_up(broker: SandboxBroker) -> None:
    refused = silent(broker, "adele@contoso.example", decodedClaims=STEP_UP)
    error(refused, 2, 50076)
    assert "authentication context c1 (Sensitive data)" in refused["error"]["context"]
    assert ok(interactive(broker, "adele@contoso.example", decodedClaims=STEP_UP))["acrs"] == ["c1"]
    assert ok(silent(broker, "adele@contoso.example", decodedClaims=STEP_UP))["acrs"] == ["c1"]
    error(silent(broker, "megan@contoso.example", decodedClaims=STEP_UP), 2, 50076)  # per user


def test_a_pop_request_gets_a_signed_http_request(broker: SandboxBroker) -> None:
    response = silent(broker, "adele@contoso.example", popParams=POP)
    assert response["accessTokenType"] == 1
    head, payload, signature = response["accessToken"].split(".")
    header = json.loads(b64url_decode(head))
    shr = json.loads(b64url_decode(payload))
    assert header["typ"] == "pop" and header["alg"] == "RS256"
    assert (shr["m"], shr["u"], shr["p"], shr["nonce"]) == (
        "GET",
        "contoso.blob.core.windows.net",
        "/c/b",
        "n0nce",
    )
    jwk = shr["cnf"]["jwk"]
    assert claims(shr["at"])["cnf"] == {"kid": jwk["kid"]} == {"kid": header["kid"]}
    key = rsa.RSAPublicNumbers(
        int.from_bytes(b64url_decode(jwk["e"]), "big"),
        int.from_bytes(b64url_decode(jwk["n"]), "big"),
    ).public_key()
    key.verify(
        b64url_decode(signature), f"{head}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    assert silent(broker, "adele@contoso.example")["accessTokenType"] == 0


MINTER = TokenMinter()


def token(extra: dict[str, Any]) -> str:
    tenant = "4c5aa37b-6bdb-5753-8e91-ca41367d74b3"
    now = int(time.time())
    body = {"aud": "https://storage.azure.com", "oid": "200a129e-8b45-5a42-9504-569a7d9bd498",
            "tid": tenant, "iss": f"https://sts.windows.net/{tenant}/", "iat": now, "nbf": now,
            "exp": now + 3600, **extra}  # fmt: skip
    return "Bearer " + MINTER.sign(body)


def test_the_storage_endpoint_challenges_a_token_without_the_context() -> None:
    roles = Roles.load(DATA, public_keys(jwks(MINTER.public_key())))
    denial = roles.denial("GET", f"/{ACCOUNT}/sensitive?restype=container", token({}))
    assert (
        denial is not None and denial.status == 401 and denial.code == "InvalidAuthenticationInfo"
    )
    assert denial.challenge is not None and 'error="insufficient_claims"' in denial.challenge
    # What a user pastes into a profile's claims: the whole header reads as the step-up.
    assert json.loads(parse_claims(denial.challenge)) == json.loads(STEP_UP)
    assert roles.denial("GET", f"/{ACCOUNT}/sensitive", token({"acrs": ["c1"]})) is None
    assert roles.denial("GET", f"/{ACCOUNT}/other", token({})) is None  # only that container
