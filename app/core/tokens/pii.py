"""Scrub personal data from log text while "Include personal data (PII) in logs" is off: the
diagnostics dock shows and saves only what this leaves.

The native runtime masks what it knows to be personal when told to (`(pii)`), but it quotes
Entra ID's error text as it came: "AADSTS50020: User account 'adele@contoso.example' from
identity provider …" reaches its error and telemetry lines whatever the switch says, and msal,
the Azure SDK and the app log what they log. So every line is scrubbed here, whatever logger
it came from, after the secrets (app.core.tokens.redact):

- e-mail addresses and user principal names (also guest UPNs, `…#EXT#@…`, and `%40` for @
  in URLs) become <username>;
- the values of keys that name a person or an account (username, upn, preferred_username,
  login_hint, email, given/family/display name, oid, uid, home/local account id,
  client_info) become <username>, <name> or <object id>;
- an account's object id becomes <object id>: every GUID in front of `.<tenant id>` (a home
  account id), and every GUID the caller knows to be an account's (the accounts listed);
- the user's home folder becomes ~ (it names the person signed in to the computer).

Tenant ids, client ids and correlation ids stay: they say which configuration was tried and
which request to look up, and are not personal. One pass per kind, each linear in the text
(possessive quantifiers and fixed-length patterns: nothing rescans what it read), like
redact. Plain Python: no Qt and no pymsalruntime.
"""

from __future__ import annotations

import re
from collections.abc import Set

from app.core.tokens.redact import value_span

USERNAME = "<username>"
NAME = "<name>"
OBJECT_ID = "<object id>"

# Keys whose values are personal, searched for in the lower-cased text (camelCase folds to
# the same words): who, by name; and which account, by id.
_KEYS = re.compile(
    r"\b(?:(?P<user>(?:preferred_?)?user_?name|upn|unique_?name|login_?hint|e_?mail)"
    r"|(?P<name>(?:given|family|display)_?name)"
    r"|(?P<id>oid|uid|(?:home|local)_?account_?id|client_?info))\b"
)
# local@domain. The local part starts a run of its characters (an apostrophe only inside
# it, as in o'brien@…, so the quotes around 'adele@…' stay); the domain has a dot. Possessive
# quantifiers: a run without an @ is read once, never again from each of its characters.
_LOCAL = r"[\w.+#-]"
_EMAIL = re.compile(
    rf"(?<!{_LOCAL})(?<!{_LOCAL}')(?:{_LOCAL}++(?:'{_LOCAL}++)*+)(?:@|%40)[\w-]++(?:\.[\w-]++)++",
)
_HEX = "[0-9A-Fa-f]"
_GUID = rf"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"
# oid.tid (a home account id, whose first half is the object id), or a GUID alone, wherever
# it is: the runtime glues its cache keys together ("HAID::<oid>.<tid>ENV::…"). A GUID right
# after a dot is never read as the start of an oid.tid, so what one scrub left as a tenant
# id the next reads the same way (idempotence).
_GUIDS = re.compile(rf"(?<!\.)(?P<oid>{_GUID})\.(?P<tid>{_GUID})|(?P<guid>{_GUID})")


def scrub_pii(text: str, object_ids: Set[str] = frozenset(), home: str = "") -> str:
    """text without the personal data listed above. object_ids: the accounts' object ids the
    caller knows, lower case; home: the user's home folder ("" or "/" to keep paths).
    Idempotent, and linear in the length of the text."""
    # Ids first: one replaced can put a key at a word's start ("<object id>username=…"),
    # which a later scrub would then find; nothing the later passes put in makes a GUID.
    text = _GUIDS.sub(lambda m: _object_id(m, object_ids), text)
    text = _scrub_keys(text)
    if "@" in text or "%40" in text:  # most lines have neither: skip the pattern
        text = _EMAIL.sub(USERNAME, text)
    home = home.rstrip("/\\")
    if home:  # the folder itself or a path in it, not /home/adele2
        text = re.sub(re.escape(home) + r"(?![\w.-])", "~", text)
    return text


def _object_id(match: re.Match[str], known: Set[str]) -> str:
    if match["oid"] is not None:
        tid = match["tid"]
        return f"{OBJECT_ID}.{OBJECT_ID if tid.lower() in known else tid}"
    guid = match["guid"]
    return OBJECT_ID if guid.lower() in known else guid


def _scrub_keys(text: str) -> str:
    # Lower-casing keeps every position except for U+0130, whose simple lower case is "i".
    folded = text.replace("\u0130", "i").lower()
    pieces: list[str] = []
    kept = scan = 0
    while (key := _KEYS.search(folded, scan)) is not None:
        span = value_span(text, key.end())
        if span is None:
            scan = key.end()
            continue
        start, end, scan = span
        marker = USERNAME if key["user"] else NAME if key["name"] else OBJECT_ID
        pieces += (text[kept:start], marker)
        kept = end
    return "".join((*pieces, text[kept:])) if pieces else text
