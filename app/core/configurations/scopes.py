"""Scopes a profile asks for: read from user input and checked in the user's words (one API
per list, no reserved scopes, /.default alone). Plain Python."""

from __future__ import annotations

import re
import unicodedata

DEFAULT_SCOPES = ("https://management.azure.com/.default",)
MAX_SCOPE = 512
_SEPARATORS = re.compile(r"[\s,]+")
_RESERVED = ("openid", "profile", "offline_access")


class ScopeError(ValueError):
    """What is wrong with a scope list; the message is what the user sees."""


def has_control(text: str) -> bool:
    # Cc: C0/C1 controls; Cs: lone surrogates (not encodable); Zl/Zp: line/paragraph breaks.
    return any(unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") for ch in text)


def parse_scopes(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        items: list[str] = _SEPARATORS.split(value)
    elif isinstance(value, (list, tuple)):
        if not all(isinstance(item, str) for item in value):
            raise ScopeError("Scopes must be a list of text values")
        items = [item.strip() for item in value]
    else:
        raise ScopeError(f"Scopes must be text or a list of text, not {type(value).__name__}")
    scopes = tuple(dict.fromkeys(item for item in items if item))
    if not scopes:
        raise ScopeError(f"Scopes must name at least one scope, e.g. {DEFAULT_SCOPES[0]}")
    for scope in scopes:
        if len(scope) > MAX_SCOPE:
            raise ScopeError(f"Each scope must be at most {MAX_SCOPE} characters")
        if has_control(scope) or any(ch.isspace() or ch == "," for ch in scope):
            raise ScopeError(
                f"Scope {scope[:40]!r} must not contain spaces, commas or control characters"
            )
    reserved = [s for s in scopes if s.lower() in _RESERVED]
    if reserved:
        raise ScopeError(
            f"Remove {', '.join(reserved)}: every sign-in asks for openid, profile and "
            "offline_access by itself, so a profile must not list them (they are reserved)"
        )
    if len(scopes) > 1 and any(s.lower().endswith("/.default") for s in scopes):
        raise ScopeError(
            "A /.default scope must be the only scope: Entra ID rejects it combined with "
            "other scopes (AADSTS70011)"
        )
    resources = dict.fromkeys(_resource(s) for s in scopes)
    if len(resources) > 1:
        first, second = list(resources)[:2]
        raise ScopeError(
            f"Scopes must all be for one API, but {first} and {second} are two: a token is for "
            "one API at a time and Entra ID refuses a mix (AADSTS28000). Make a profile for "
            "each API"
        )
    return scopes


_GRAPH = "Microsoft Graph"
_GRAPH_RESOURCES = frozenset(
    {
        "00000003-0000-0000-c000-000000000000",  # Microsoft Graph's app id
        "https://graph.microsoft.com",
        "https://graph.microsoft.us",
        "https://dod-graph.microsoft.us",
        "https://microsoftgraph.chinacloudapi.cn",
    }
)


def _resource(scope: str) -> str:
    """The API a scope is for: what precedes its last "/" ("User.Read" alone is Graph's)."""
    resource, slash, _ = scope.rpartition("/")
    resource = resource.rstrip("/").lower()
    if not slash or resource in _GRAPH_RESOURCES:
        return _GRAPH
    return resource
