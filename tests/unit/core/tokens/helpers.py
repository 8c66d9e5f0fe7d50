"""Unsigned JWTs shaped like Entra ID's, for the token tests."""

from __future__ import annotations

import base64
import json
from typing import Any

SECRET = "SECRETMARKERzq9"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
IAT = 1_700_000_000


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def segment(value: Any) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def make_jwt(claims: dict[str, Any], header: dict[str, Any] | None = None) -> str:
    header = header or {"typ": "JWT", "alg": "RS256", "kid": "k1"}
    return f"{segment(header)}.{segment(claims)}.{b64url(b'fake-signature-bytes')}"


CLAIMS: dict[str, Any] = {
    "aud": "https://storage.azure.com",
    "iss": f"https://sts.windows.net/{TENANT}/",
    "iat": IAT,
    "nbf": IAT + 5,
    "exp": IAT + 3600,
    "tid": TENANT,
    "scp": "user_impersonation Files.Read",
    "preferred_username": "adele@contoso.com",
    "upn": "other@contoso.com",
    "ver": "1.0",
}
