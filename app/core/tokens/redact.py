"""Scrub secrets from text: JWTs, bearer tokens and secret-looking key/value pairs, from
anything headed for a log file or a "Save diagnostics" bundle; and tell whether a value looks
like a token (the guard against storing one).

This module is plain Python: no Qt and no pymsalruntime.
"""

from __future__ import annotations

import re

REDACTED = "<redacted>"


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


def looks_like_jwt(text: str) -> bool:
    """Whether text is or contains something shaped like a JWT (or what is left of one after
    its header was cut off): the guard against storing one."""
    return (text.startswith("eyJ") and text.count(".") >= 2) or _find_jwt(text, 0) is not None


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
    return value_span(text, trigger.end())


def value_span(text: str, key_end: int) -> tuple[int, int, int] | None:
    """For a key's name ending at key_end: (start, end, resume) of its value in key=value,
    key = 'value', "key": "value" or 'key': 'value' form, and where to scan on; None if no
    value follows. A quoted value with no closing quote runs to the end of its line. Reads
    only a bounded stretch after the key (one value), which no later step reads again
    (app.core.tokens.pii finds its own keys' values with it)."""
    separator = _SEPARATOR.match(text, key_end)
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
