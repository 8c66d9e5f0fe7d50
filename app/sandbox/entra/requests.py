"""What a token request asks beyond scopes, as the sandbox broker reads it: the claims a client
sends (client capabilities such as cp1, an authentication context a claims challenge demands)
and proof-of-possession parameters; and the PoP token the broker answers with.

Entra ID's shapes: claims are `{"access_token": {"xms_cc": {"values": ["cp1"]}, "acrs":
{"essential": true, "value": "c1"}}}`; a PoP answer is a signed HTTP request (SHR): a JWT
whose `at` is the access token (with `cnf` naming the key) and whose `m`, `u`, `p`, `nonce`
and `ts` bind it to one request, signed by the key `cnf.jwk` carries.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from app.sandbox.entra.tokens import b64url

POP_TOKEN_TYPE = 1  # accessTokenType of a PoP answer (libmsalruntime refuses PoP without it)


@dataclass(frozen=True)
class Asked:
    capabilities: tuple[str, ...] = ()  # xms_cc values, e.g. ("cp1",)
    contexts: tuple[str, ...] = ()  # authentication contexts (acrs) the claims demand
    pop: dict[str, str] = field(default_factory=dict)  # httpMethod, uriHost, uriPath, nonce


NOTHING = Asked()


def read(params: dict[str, Any]) -> Asked:
    """The extras of an authParameters object; malformed claims ask for nothing."""
    try:
        claims = json.loads(params.get("decodedClaims") or "{}")
    except ValueError:
        claims = {}
    access = claims.get("access_token") if isinstance(claims, dict) else None
    access = access if isinstance(access, dict) else {}
    caps = _values(access.get("xms_cc"))
    contexts = _values(access.get("acrs"))
    pop = params.get("popParams")
    pop = {k: str(v) for k, v in pop.items()} if isinstance(pop, dict) else {}
    return Asked(caps, contexts, pop if pop.get("httpMethod") else {})


def _values(claim: object) -> tuple[str, ...]:
    if not isinstance(claim, dict):
        return ()
    values = claim.get("values", [claim.get("value")] if "value" in claim else [])
    return tuple(str(v) for v in values if isinstance(v, str)) if isinstance(values, list) else ()


class PopSigner:
    """The device-bound key a broker signs PoP requests with (one per sandbox run)."""

    def __init__(self) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        numbers = self._key.public_key().public_numbers()
        self.jwk = {
            "kty": "RSA",
            "e": b64url(numbers.e.to_bytes(3, "big")),
            "n": b64url(numbers.n.to_bytes(256, "big")),
        }
        canonical = json.dumps({k: self.jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"))
        self.kid = b64url(hashlib.sha256(canonical.encode()).digest())  # RFC 7638 thumbprint
        self.jwk["kid"] = self.kid

    def shr(self, access_token: str | None, pop: dict[str, str]) -> str:
        """A signed HTTP request; without an access token it is what generateSignedHttpRequest
        answers (MSAL's "SHR without a token": the request signed by the device's key)."""
        header = {"typ": "pop", "alg": "RS256", "kid": self.kid}
        payload: dict[str, Any] = {"at": access_token} if access_token else {}
        payload.update(
            {
                "ts": int(time.time()),
                "m": pop["httpMethod"],
                "u": pop.get("uriHost", ""),
                "p": pop.get("uriPath", ""),
                "nonce": pop.get("nonce", ""),
                "cnf": {"jwk": self.jwk},
            }
        )
        if pop.get("clientClaims"):
            payload["client_claims"] = pop["clientClaims"]
        signing_input = ".".join(
            b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, payload)
        )
        signature = self._key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{b64url(signature)}"


def challenge(contexts: tuple[str, ...]) -> str:
    """The claims value of a WWW-Authenticate challenge demanding these contexts (base64)."""
    claims = {"access_token": {"acrs": {"essential": True, "value": contexts[0]}}}
    return base64.b64encode(json.dumps(claims, separators=(",", ":")).encode()).decode()
