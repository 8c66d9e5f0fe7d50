"""A token as people use it: the Authorization header, and a curl line that sends it. Both
hold the token itself (the inspector copies them only after its warning), never log it."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

# A request each well-known audience answers with the token alone: to try it at once.
TRY_URL = {
    "https://management.azure.com": "https://management.azure.com/subscriptions?api-version=2022-12-01",
    "https://graph.microsoft.com": "https://graph.microsoft.com/v1.0/me",
    "https://storage.azure.com": "https://<account>.blob.core.windows.net/?comp=list",
    "https://vault.azure.net": "https://<vault>.vault.azure.net/secrets?api-version=7.4",
}
EXTRA_HEADERS = {"https://storage.azure.com": ("x-ms-version: 2021-08-06",)}


def authorization_header(token: str, pop: bool) -> str:
    """`Authorization: Bearer …` (a PoP answer: `PoP <signed request>`, as it is sent)."""
    return f"Authorization: {'PoP' if pop else 'Bearer'} {token}"


def curl_command(token: str, pop: bool, claims: Mapping[str, Any]) -> str:
    """curl with the header; a PoP answer to the request it is bound to (m, u, p), else a
    request its audience answers (or a placeholder for another API)."""
    audience = str(claims.get("aud") or "").rstrip("/")
    method, url = "GET", TRY_URL.get(audience, "https://<your API>/")
    if pop and claims.get("u"):
        method, url = str(claims.get("m") or "GET"), f"https://{claims['u']}{claims.get('p', '')}"
    parts = ["curl", "--fail-with-body"]
    if method != "GET":
        parts += ["-X", method]
    parts += ["-H", authorization_header(token, pop)]
    for header in EXTRA_HEADERS.get(audience, ()):
        parts += ["-H", header]
    return " ".join(shlex.quote(p) for p in [*parts, url])
