"""Request options a configuration can carry besides tenant and scopes, as the MSAL team's WAM
test app offers them: proof-of-possession (PoP), force refresh, a claims challenge, client
capabilities (cp1: continuous access evaluation), and a login hint for interactive calls.

Each is read from user input (a field, a settings file, a matrix file) and checked here, with
a message in the user's words. A claims challenge is accepted as a whole `WWW-Authenticate`
header, its base64 `claims` value, or the decoded JSON, and kept as the decoded JSON (compact)
— never as base64, which would look like a token to the settings file's guard.

Plain Python: no Qt, no pymsalruntime.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

POP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
KNOWN_CAPABILITIES = ("cp1",)
MAX_CLAIMS = 8192
_CLAIMS_PARAM = re.compile(r'claims\s*=\s*"([^"]*)"', re.IGNORECASE)
_HINT = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class OptionError(ValueError):
    """What is wrong with a request option, in the user's words; `field` names the profile
    field to show it at, where one option spans several."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Pop:
    """The HTTP request a proof-of-possession token is bound to."""

    method: str
    url: str  # https://host/path
    nonce: str = ""

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"


def _text(value: object, what: str, field: str = "") -> str:
    if not isinstance(value, str):
        raise OptionError(f"{what} must be text, not {type(value).__name__}", field)
    return value.strip()


def parse_pop(method: object, url: object, nonce: object = "") -> Pop | None:
    """None when no PoP is asked (method and URL empty); OptionError, on the field that was
    filled in, when only part of it is."""
    method_text = _text(method, "PoP method", "pop_method").upper()
    url_text = _text(url, "PoP URL", "pop_url")
    nonce_text = _text(nonce, "PoP nonce", "pop_nonce")
    if not method_text and not url_text:
        if nonce_text:
            message = "A PoP nonce needs the PoP method and URL it is bound to"
            raise OptionError(message, "pop_nonce")
        return None
    if not url_text:
        raise OptionError("A PoP method needs the PoP URL of the request it signs", "pop_method")
    if not method_text:
        raise OptionError("A PoP URL needs the HTTP method of the request (PoP method)", "pop_url")
    if method_text not in POP_METHODS:
        raise OptionError(f"PoP method must be one of {', '.join(POP_METHODS)}", "pop_method")
    try:
        parts = urlsplit(url_text)
        host = parts.hostname
    except ValueError:
        parts, host = urlsplit(""), None
    if parts.scheme != "https" or not host:
        message = "PoP URL must be the https URL of the request the token is for"
        raise OptionError(message, "pop_url")
    if any(ch.isspace() for ch in nonce_text) or len(nonce_text) > 256:
        raise OptionError("PoP nonce must be one word of at most 256 characters", "pop_nonce")
    return Pop(method_text, url_text, nonce_text)


def parse_claims(text: object) -> str:
    """The decoded claims JSON (compact) from a WWW-Authenticate header, its base64 `claims`
    value or the JSON itself; "" for nothing."""
    raw = _text(text, "Claims")
    if not raw:
        return ""
    if len(raw) > MAX_CLAIMS:
        raise OptionError(f"A claims challenge is at most {MAX_CLAIMS} characters")
    found = _CLAIMS_PARAM.search(raw)
    if found:
        raw = found.group(1)
    elif raw.lower().startswith("bearer"):
        raise OptionError(
            'This WWW-Authenticate header has no claims="…" parameter: it is not a claims challenge'
        )
    if not raw.startswith("{"):
        try:
            raw = base64.b64decode(raw + "=" * (-len(raw) % 4), altchars=b"-_").decode("utf-8")
        except (binascii.Error, ValueError):
            raise OptionError(
                "Claims must be a WWW-Authenticate header, its base64 claims value, or JSON "
                'such as {"access_token": {"acrs": {"essential": true, "value": "c1"}}}'
            ) from None
    try:
        claims = json.loads(raw)
    except ValueError:
        raise OptionError("The claims are not valid JSON") from None
    if not isinstance(claims, dict) or not all(isinstance(v, dict) for v in claims.values()):
        raise OptionError(
            'Claims must be a JSON object of token types, e.g. {"access_token": {...}}'
        )
    return json.dumps(claims, separators=(",", ":"), sort_keys=True)


def parse_capabilities(value: object) -> tuple[str, ...]:
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
        what = type(value).__name__
        raise OptionError(f"Client capabilities must be text such as cp1, not {what}")
    caps = tuple(dict.fromkeys(i.strip() for i in items if i.strip()))
    unknown = [c for c in caps if c not in KNOWN_CAPABILITIES]
    if unknown:
        raise OptionError(
            f"Unknown client capability {unknown[0]!r}: Entra ID knows cp1 (the app handles "
            "claims challenges, for continuous access evaluation)"
        )
    return caps


def parse_login_hint(value: object) -> str:
    hint = _text(value, "Login hint")
    if hint and not _HINT.fullmatch(hint):
        raise OptionError("Login hint must be a user name such as adele@contoso.com")
    return hint


def merged_claims(claims: str, capabilities: tuple[str, ...]) -> str:
    """The claims a request sends: the challenge's, with the client capabilities added as
    msal adds them ({"access_token": {"xms_cc": {"values": [...]}}})."""
    if not capabilities:
        return claims
    merged: dict[str, Any] = json.loads(claims) if claims else {}
    access = merged.setdefault("access_token", {})
    access["xms_cc"] = {"values": list(capabilities)}
    return json.dumps(merged, separators=(",", ":"), sort_keys=True)
