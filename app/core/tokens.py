"""Look inside tokens for display, count down to their expiry, and scrub secrets from text.

People debugging sign-in need to see who a token is for, which tenant, which scopes and
when it runs out, so the app decodes the JWTs the broker hands out. It never trusts them:
nothing here verifies a signature, so a decoded claim is a hint for a human, never proof
of anything, and must not drive an authorisation decision.

Tokens are secrets. Error messages here never quote the token text, and `redact` scrubs
JWTs, bearer tokens and secret-looking key/value pairs from anything headed for a log file
or a "Save diagnostics" bundle.

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

REDACTED = "<redacted>"

_BASE64 = re.compile(r"[A-Za-z0-9_+/-]*")
_USERNAME_CLAIMS = ("preferred_username", "upn", "unique_name", "email")
_JSON_KINDS = {list: "a list", str: "a string", bool: "true or false", type(None): "null"}

# A JWT (or JWE) is base64url segments joined by dots; its header is a JSON object, so the
# first segment always starts with "eyJ" (base64 of '{"'), and so does the payload: a token
# cut short at the front still starts with "eyJ". No boundary before it: a token glued to
# other text must still be caught. A run is a stretch of the characters a token is made of.
_RUN = re.compile(r"[A-Za-z0-9_=.-]*")
_MIN_FRAGMENT = 10  # "eyJhIjoxfQ" is {"a":1}: a shorter first segment is not a JSON object
# A secret value written without quotes runs until whitespace or a delimiter. '<' and '>'
# are delimiters so that an already redacted value is never matched again (idempotence);
# a value may still contain <redacted> markers, which it then absorbs.
_NOT_BARE = r"\s\"'&,;<>(){}\[\]"
_BARE_VALUE = re.compile(rf"[^{_NOT_BARE}]*(?:{REDACTED}[^{_NOT_BARE}]*)*")
# Searched for in the lower-cased text (one pass in C, then plain literals: five times faster
# than a case-insensitive pattern on log text).
_TRIGGER = re.compile(
    r"\b(?P<bearer>bearer)[ \t]+|(?:refresh|access|id)[_-]?token|client[_-]?secret|password"
)
# What follows "Bearer " when it is not a token: a WWW-Authenticate challenge's parameters
# (Bearer realm="", error=...) or a doubled "Bearer Bearer x" (x is the token).
_CHALLENGE = re.compile(r"[\w-]+[ \t]*=[ \t]*[^\s=,;]|bearer\b", re.IGNORECASE)
# key=value, key = 'value', "key": "value", 'key': 'value' (JSON, query strings, repr).
_SEPARATOR = re.compile(r"[\"'][ \t]*:[ \t]*|[\"']?[ \t]*=[ \t]*")
# The inside of a quoted value up to its closing quote: backslash escapes, one line.
_QUOTED = {q: re.compile(rf"[^{q}\\\n]*(?:\\[^\n][^{q}\\\n]*)*") for q in "\"'"}


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


def looks_like_jwt(text: str) -> bool:
    """Whether text is or contains something shaped like a JWT (or what is left of one after
    its header was cut off): the guard against storing one."""
    return (text.startswith("eyJ") and text.count(".") >= 2) or _find_jwt(text, 0) is not None


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


# Redaction scans the text once, left to right, and each step either moves past the text it
# read or reads a bounded stretch that no other step reads again; so it takes time linear in
# the text whatever the text is (no pattern here can backtrack over more than one run of
# spaces or one word). It runs on every log record, under the log handler's lock.


def _end(pattern: re.Pattern[str], text: str, start: int) -> int:
    """Where a pattern that can match nothing stops matching from start."""
    match = pattern.match(text, start)
    return start if match is None else match.end()


def _find_jwt(text: str, start: int) -> tuple[int, int] | None:
    """(start, end) of the first token from start on: from the first "eyJ" of a run to the
    end of the run, when the rest of the run has two dots (header.payload.signature) or is a
    long enough segment, a dot and more (payload.signature: a token whose header was cut)."""
    while (begin := text.find("eyJ", start)) >= 0:
        end = _end(_RUN, text, begin)
        dots = text.count(".", begin, end)
        if dots >= 2:
            return begin, end
        if dots == 1:
            dot = text.index(".", begin, end)
            if dot - begin >= _MIN_FRAGMENT and dot + 1 < end:
                return begin, end
        start = end  # a later "eyJ" in this run has even less after it
    return None


def _redact_jwts(text: str) -> str:
    pieces: list[str] = []
    kept = 0
    while (found := _find_jwt(text, kept)) is not None:
        begin, end = found
        pieces += (text[kept:begin], REDACTED)
        kept = end
    return "".join((*pieces, text[kept:])) if pieces else text


def _secret_span(text: str, trigger: re.Match[str]) -> tuple[int, int, int] | None:
    """For a trigger ("Bearer ", or a secret key's name): (start, end, resume) of the secret
    value to replace and where to scan on; None if there is no secret value here."""
    if trigger["bearer"] is not None:
        start = trigger.end()
        if text.startswith("=", start) or _CHALLENGE.match(text, start):
            return None
        end = _end(_BARE_VALUE, text, start)
        return (start, end, end) if end > start else None
    separator = _SEPARATOR.match(text, trigger.end())
    if separator is None:
        return None
    start = separator.end()
    quote = text[start : start + 1]
    if quote not in ("'", '"'):
        end = _end(_BARE_VALUE, text, start)
        return (start, end, end) if end > start else None
    start += 1
    end = _end(_QUOTED[quote], text, start)
    if text.startswith(quote, end):
        return (start, end, end + 1) if end > start else None  # "" holds no secret
    # No closing quote on this line: the value runs to the end of the line.
    end = len(text) if (newline := text.find("\n", start)) < 0 else newline
    return (start, end, end) if end > start else None


def redact(text: str) -> str:
    """Replace JWTs, bearer tokens and secret values with <redacted>, keeping the rest.

    Secret values are those of refresh_token, access_token, id_token, client_secret and
    password (also spelled with - or in camelCase) in key=value and quoted "key": "value"
    forms; a quoted value with no closing quote runs to the end of its line. Idempotent:
    redacting twice gives the same text as once. Linear in the length of the text.
    """
    # Tokens first, in a pass of their own: replaced inside a word, one could otherwise turn a
    # "Bearer x=…" challenge into "Bearer x<redacted>", which a second call would redact.
    text = _redact_jwts(text)
    # Lower-casing keeps every position except for U+0130, whose simple lower case is "i".
    folded = text.replace("\u0130", "i").lower()
    pieces: list[str] = []
    kept = scan = 0
    while (trigger := _TRIGGER.search(folded, scan)) is not None:
        span = _secret_span(text, trigger)
        if span is None:
            scan = trigger.start() + 1
            continue
        start, end, scan = span
        pieces += (text[kept:start], REDACTED)
        kept = end
    return "".join((*pieces, text[kept:])) if pieces else text
