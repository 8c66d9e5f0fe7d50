"""Bearer tokens checked as Azure Storage checks Entra ID's, before any role is looked at.

Azure Storage accepts a token only when its signature verifies against the issuing tenant's
signing keys, it is within its lifetime, its audience is storage's, and the storage account's
tenant issued it (Authorize with Microsoft Entra ID, Azure Storage REST documentation). Each
failure is a 401 `InvalidAuthenticationInfo` with the bearer challenge; the
`AuthenticationErrorDetail` says which check failed (app/sandbox/BEHAVIOUR.md has the
recorded replies). The checks run in the order Microsoft.IdentityModel runs them (signature,
lifetime, audience, issuer), with its default five minutes of clock skew. The sandbox's
signing keys are its own run's (entra/tokens.py): a token no sandbox broker minted, an
unsigned one included, never verifies.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

CLOCK_SKEW_S = 300  # Microsoft.IdentityModel's TokenValidationParameters.DefaultClockSkew
STORAGE_AUDIENCES = ("https://storage.azure.com", "https://storage.azure.com/",
                     "e406a681-f3d4-42a8-90b6-c2b029497af1")  # fmt: skip
# The recorded AuthenticationErrorDetail texts (BEHAVIOUR.md); SIGNATURE and MALFORMED are
# the sandbox's own words in the same pattern: no reply of Azure's to them is on record.
SIGNATURE = "Signature validation failed. The token's signature did not verify."
MALFORMED = "Signature validation failed. The token is not a signed JWT."
EXPIRED = "Lifetime validation failed. The token is expired."
NOT_YET_VALID = "Lifetime validation failed. The token is not yet valid."
AUDIENCE = "Audience validation failed. Audience did not match."
ISSUER = "Issuer validation failed. Issuer did not match."


class Unauthenticated(Exception):
    """The token failed a check; `detail` is Azure's AuthenticationErrorDetail for it."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


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


def authenticate(
    token: str,
    account: str,
    tenant: str,
    keys: Mapping[str, rsa.RSAPublicKey],
    now: float | None = None,
) -> dict[str, Any]:
    """The token's claims once every check passed; Unauthenticated for the first that fails."""
    parts = token.split(".")
    if len(parts) != 3:
        raise Unauthenticated(MALFORMED)
    try:
        header, claims = (json.loads(_b64(part)) for part in parts[:2])
        signature = _b64(parts[2])
    except (ValueError, binascii.Error) as exc:
        raise Unauthenticated(MALFORMED) from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise Unauthenticated(MALFORMED)
    key = keys.get(str(header.get("kid")))
    if header.get("alg") != "RS256" or key is None or not signature:
        raise Unauthenticated(SIGNATURE)
    try:
        signed = f"{parts[0]}.{parts[1]}".encode("ascii")
        key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, UnicodeEncodeError) as exc:
        raise Unauthenticated(SIGNATURE) from exc
    now = time.time() if now is None else now
    expires, not_before = claims.get("exp"), claims.get("nbf", 0)
    if not isinstance(expires, (int, float)) or expires + CLOCK_SKEW_S < now:
        raise Unauthenticated(EXPIRED)
    if not isinstance(not_before, (int, float)) or not_before - CLOCK_SKEW_S > now:
        raise Unauthenticated(NOT_YET_VALID)
    if claims.get("aud") not in (*STORAGE_AUDIENCES, f"https://{account}.blob.core.windows.net"):
        raise Unauthenticated(AUDIENCE)
    if claims.get("iss") != f"https://sts.windows.net/{tenant}/":
        raise Unauthenticated(ISSUER)
    return claims


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
