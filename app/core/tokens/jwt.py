"""Look inside tokens for display and count down to their expiry.

People debugging sign-in need to see who a token is for, which tenant, which scopes and
when it runs out, so the app decodes the JWTs the broker hands out. It never trusts them:
nothing here verifies a signature, so a decoded claim is a hint for a human, never proof
of anything, and must not drive an authorisation decision.

Tokens are secrets: error messages here never quote the token text (app.core.tokens.redact
scrubs tokens from logs).

This module is plain Python: no Qt and no pymsalruntime.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_BASE64 = re.compile(r"[A-Za-z0-9_+/-]*")
_USERNAME_CLAIMS = ("preferred_username", "upn", "unique_name", "email")
_JSON_KINDS = {list: "a list", str: "a string", bool: "true or false", type(None): "null"}


class TokenDecodeError(ValueError):
    """The text is not a decodable JWT. The message says why and never quotes the text."""


def _utc(value: object) -> datetime | None:
    """A NumericDate claim as an aware UTC datetime; None when absent or not a usable number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _strings(value: object) -> tuple[str, ...]:
    """Space-separated text or a list of text as a tuple; anything else as ()."""
    if isinstance(value, str):
        return tuple(value.split())
    if isinstance(value, list):
        return tuple(item for item in value if isinstance(item, str))
    return ()


@dataclass(frozen=True)
class DecodedToken:
    """A JWT's header and claims, decoded WITHOUT verifying the signature: for display only.

    The properties read the claims Entra ID puts in access and id tokens, and return None
    (or an empty tuple) rather than raising when a claim is missing or oddly typed, because
    the UI shows whatever token it is given.
    """

    header: dict[str, Any]
    claims: dict[str, Any]

    @property
    def issued_at(self) -> datetime | None:
        return _utc(self.claims.get("iat"))

    @property
    def not_before(self) -> datetime | None:
        return _utc(self.claims.get("nbf"))

    @property
    def expires_at(self) -> datetime | None:
        return _utc(self.claims.get("exp"))

    @property
    def scopes(self) -> tuple[str, ...]:
        """Delegated scopes ("scp"), or the app roles ("roles") of an app-only token."""
        return _strings(self.claims.get("scp")) or _strings(self.claims.get("roles"))

    @property
    def tenant(self) -> str | None:
        tid = self.claims.get("tid")
        return tid if isinstance(tid, str) else None

    @property
    def audience(self) -> str | None:
        """The audience; a list audience (allowed by RFC 7519) gives its first entry."""
        aud = self.claims.get("aud")
        if isinstance(aud, list):
            aud = next((item for item in aud if isinstance(item, str)), None)
        return aud if isinstance(aud, str) else None

    @property
    def username(self) -> str | None:
        """The sign-in name; v2 tokens say preferred_username, v1 tokens upn or unique_name."""
        for key in _USERNAME_CLAIMS:
            value = self.claims.get(key)
            if isinstance(value, str) and value:
                return value
        return None

    @property
    def version(self) -> str | None:
        ver = self.claims.get("ver")
        return ver if isinstance(ver, str) else None


def _decode_part(part: str, what: str) -> dict[str, Any]:
    """One base64url segment to a JSON object. Tolerates padding and the +/ alphabet."""
    part = part.rstrip("=")
    if not part:
        raise TokenDecodeError(f"The {what} part of the token is empty")
    if not _BASE64.fullmatch(part):
        raise TokenDecodeError(
            f"The {what} part of the token is not base64url text (letters, digits, - and _)"
        )
    if len(part) % 4 == 1:
        raise TokenDecodeError(
            f"The {what} part of the token has an impossible length: it is truncated "
            "or has extra characters"
        )
    try:
        raw = base64.urlsafe_b64decode(
            part.replace("+", "-").replace("/", "_") + "=" * (-len(part) % 4)
        )
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        raise TokenDecodeError(f"The {what} part of the token is not UTF-8 text") from None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise TokenDecodeError(f"The {what} part of the token is not JSON") from None
    if not isinstance(value, dict):
        kind = _JSON_KINDS.get(type(value), "a number")
        raise TokenDecodeError(f"The {what} part of the token is JSON but {kind}, not an object")
    return value


def decode_jwt(token: str) -> DecodedToken:
    """Decode a compact JWT's header and claims for display. NO signature verification.

    Surrounding whitespace is ignored. Raises TokenDecodeError, whose message names the
    problem but never contains the token, for anything that is not a decodable JWT
    (including non-text input and encrypted JWE tokens).
    """
    if not isinstance(token, str):
        raise TokenDecodeError(f"A token must be text, not {type(token).__name__}")
    text = token.strip()
    if not text:
        raise TokenDecodeError("The token is empty")
    parts = text.split(".")
    if len(parts) == 5:
        raise TokenDecodeError("This is an encrypted token (JWE); its contents cannot be shown")
    if len(parts) != 3:
        raise TokenDecodeError(
            f"A JWT has three parts separated by dots; this text has {len(parts)}"
        )
    header = _decode_part(parts[0], "header")
    claims = _decode_part(parts[1], "payload")
    if not _BASE64.fullmatch(parts[2].rstrip("=")):
        raise TokenDecodeError("The signature part of the token is not base64url text")
    return DecodedToken(header=header, claims=claims)


def split_pop(shr: str) -> tuple[DecodedToken, str]:
    """A PoP answer, a signed HTTP request (SHR): its header and claims without the access
    token it wraps (`at`), and that access token. TokenDecodeError if it is not one."""
    decoded = decode_jwt(shr)
    inner = decoded.claims.get("at")
    if not isinstance(inner, str):
        raise TokenDecodeError("This proof-of-possession answer carries no access token (at)")
    request = {k: v for k, v in decoded.claims.items() if k != "at"}
    return DecodedToken(decoded.header, request), inner


def _epoch(moment: datetime | float) -> float:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:  # a naive time here is always a UTC claim value
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    return float(moment)


def seconds_left(expires_at: datetime | float, now: datetime | float | None = None) -> int:
    """Whole seconds until expires_at (a datetime or epoch seconds); negative once past.

    Rounds down, so a countdown never shows time the token does not have.
    """
    start = time.time() if now is None else _epoch(now)
    return math.floor(_epoch(expires_at) - start)


def format_countdown(seconds: int) -> str:
    """Time left as "59:58" or "1:02:03"; once expired, how long ago ("expired 3 min ago")."""
    if seconds > 0:
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    ago = -seconds
    if ago == 0:
        return "expired just now"
    if ago < 60:
        return f"expired {ago} s ago"
    if ago < 3600:
        return f"expired {ago // 60} min ago"
    if ago < 86400:
        hours, minutes = divmod(ago // 60, 60)
        return f"expired {hours} h {minutes} min ago" if minutes else f"expired {hours} h ago"
    days = ago // 86400
    return f"expired {days} day{'' if days == 1 else 's'} ago"
