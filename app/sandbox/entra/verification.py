"""Entra ID access tokens verified as Azure's resource servers verify them, whoever answers.

A resource server (Azure Storage, Azure Resource Manager) accepts a bearer JWT only when its
signature verifies against the issuing tenant's signing keys (published at the tenant's
`jwks_uri`), it is within its lifetime, its audience is the server's and a tenant it trusts
issued it. The checks run in the order Microsoft.IdentityModel runs them (signature, lifetime,
audience, issuer), with its default five minutes of clock skew; the first that fails is raised
as `Rejected`, naming the check. Each server words its own reply (storage/authentication.py,
arm.py). The sandbox's signing keys are its own run's (tokens.py): a token no sandbox broker
minted, an unsigned one included, never verifies.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Collection, Mapping
from typing import Any, TypeGuard

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

CLOCK_SKEW_S = 300  # Microsoft.IdentityModel's TokenValidationParameters.DefaultClockSkew
# The checks, in the order they run; `Rejected.check` is one of them.
MALFORMED, SIGNATURE, EXPIRED, NOT_YET_VALID, AUDIENCE, ISSUER = (
    "malformed", "signature", "expired", "not yet valid", "audience", "issuer")  # fmt: skip


class Rejected(Exception):
    """The token failed `check`. `claims` are the token's once its signature verified (a
    server may quote them, as ARM quotes the audience), else empty."""

    def __init__(self, check: str, claims: Mapping[str, Any] | None = None) -> None:
        super().__init__(check)
        self.check = check
        self.claims: dict[str, Any] = dict(claims or {})


def public_keys(document: Mapping[str, Any]) -> dict[str, rsa.RSAPublicKey]:
    """kid → key, from a JWKS document (what Entra ID serves at jwks_uri)."""
    keys: dict[str, rsa.RSAPublicKey] = {}
    for entry in document.get("keys", []):
        if entry.get("kty") == "RSA":
            n, e = (int.from_bytes(_b64(entry[name]), "big") for name in ("n", "e"))
            keys[entry["kid"]] = rsa.RSAPublicNumbers(e, n).public_key()
    return keys


def bearer_token(authorization: str | None) -> str | None:
    """The token of a `Bearer` Authorization header, or None for any other scheme."""
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def verify(
    token: str,
    keys: Mapping[str, rsa.RSAPublicKey],
    audiences: Collection[str],
    issuers: Collection[str],
    now: float | None = None,
) -> dict[str, Any]:
    """The token's claims once every check passed; Rejected for the first that fails."""
    parts = token.split(".")
    if len(parts) != 3:
        raise Rejected(MALFORMED)
    try:
        header, claims = (json.loads(_b64(part)) for part in parts[:2])
        signature = _b64(parts[2])
    except (ValueError, binascii.Error) as exc:
        raise Rejected(MALFORMED) from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise Rejected(MALFORMED)
    key = keys.get(str(header.get("kid")))
    if header.get("alg") != "RS256" or key is None or not signature:
        raise Rejected(SIGNATURE)
    try:
        signed = f"{parts[0]}.{parts[1]}".encode("ascii")
        key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, UnicodeEncodeError) as exc:
        raise Rejected(SIGNATURE) from exc
    now = time.time() if now is None else now
    expires, not_before = claims.get("exp"), claims.get("nbf", 0)
    if not _number(expires) or expires + CLOCK_SKEW_S < now:
        raise Rejected(EXPIRED, claims)
    if not _number(not_before) or not_before - CLOCK_SKEW_S > now:
        raise Rejected(NOT_YET_VALID, claims)
    if not _one_of(claims.get("aud"), audiences):
        raise Rejected(AUDIENCE, claims)
    if not _one_of(claims.get("iss"), issuers):
        raise Rejected(ISSUER, claims)
    return claims


def _number(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _one_of(value: Any, allowed: Collection[str]) -> bool:
    return isinstance(value, str) and value in allowed


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
