"""What travels over the broker's D-Bus methods: request validation and the status numbers.

Every request is checked before the directory sees it, so a client that sends the wrong thing
gets the answer the real broker gives a bad request (an error object with a status and a
message), never a Python exception's text. What each generation of the broker requires beyond
these shapes, and how it words its replies, is in generations.py. Status numbers are the ones
libmsalruntime reads off the wire; they are not Response_Status's own integers (measured with
pymsalruntime 0.20.7, each number sent back by the sandbox and read through the real runtime;
checked by tests/integration/sandbox/test_broker_clients.py).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

# Response_Status name → the number the broker sends for it. From 15 on the two numberings
# differ: 16 on the wire is AccountSwitch, Response_Status's 16 (AccountNotFound) is 19 here.
WIRE_STATUS = {
    "Unexpected": 0,
    "Reserved": 1,
    "InteractionRequired": 2,
    "NoNetwork": 3,
    "NetworkTemporarilyUnavailable": 4,
    "ServerTemporarilyUnavailable": 5,
    "ApiContractViolation": 6,
    "UserCanceled": 7,
    "ApplicationCanceled": 8,
    "IncorrectConfiguration": 9,
    "InsufficientBuffer": 10,
    "AuthorityUntrusted": 11,
    "UserSwitch": 12,
    "AccountUnusable": 13,
    "UserDataRemovalRequired": 14,
    "TransientError": 15,
    "AccountSwitch": 16,
    "DeviceNotRegistered": 17,
    "KeyNotFound": 18,
    "AccountNotFound": 19,
    "RequiredBrokerMissing": 20,
    "FallbackToNativeMsal": 21,
}
MAX_REQUEST_CHARS = 1 << 20  # real requests are a few kB
MAX_DEPTH = 32  # real requests nest 4 levels deep
# Methods whose reply libmsalruntime reads as {"brokerTokenResponse": ...}; the others answer
# an error at the top level ({"error": ...}), as linux-entra-sso expects.
TOKEN_METHODS = ("acquireTokenSilently", "acquireTokenInteractively")


class Invalid(Exception):
    """A request the broker refuses as malformed (ApiContractViolation)."""


# ---- validation -----------------------------------------------------------------------------
# A spec maps a field to (kind, required). Kinds: a Python type, "url" (a str urlsplit can
# read), "strings" (list of str), "string map" (object of str), or a nested spec (an object);
# ("?" after a kind in a tuple allows null).
Spec = dict[str, tuple[Any, bool]]

_ACCOUNT_FIELDS = (
    "homeAccountId localAccountId username realm environment name givenName familyName "
    "middleName clientInfo alternativeAccountId homeEnvironment passwordChangeUrl"
)
ACCOUNT: Spec = {name: (str, False) for name in _ACCOUNT_FIELDS.split()}
AUTH_PARAMETERS: Spec = {
    "clientId": (str, True),
    "authority": ("url", True),
    "requestedScopes": ("strings", True),
    "account": ((ACCOUNT, "?"), False),
    "redirectUri": (str, False),
    "username": (str, False),
    "authorizationType": (int, False),
    "additionalQueryParametersForAuthorization": ("string map", False),
    "decodedClaims": (str, False),
    "accessTokenToRenew": (str, False),
    "isSignIn": (bool, False),
    "parentWindow": ({"handle": ((object, "?"), False)}, False),
    "uxContextHandle": (int, False),
    "ssoUrl": ("url", False),
}
# What a PRT SSO cookie request may carry in authParameters: the same fields, none required
# (broker 2.0.1 served a cookie for authParameters {"authority"} alone: the 2024 Teams for
# Linux module, teams-for-linux PR #1280). generations.py says what later brokers require.
COOKIE_AUTH_PARAMETERS: Spec = {name: (kind, False) for name, (kind, _) in AUTH_PARAMETERS.items()}
POP_PARAMETERS: Spec = {  # sso-mib's mib_pop_params_to_json, the homeAccountId beside them
    "httpMethod": (str, True),
    "uriHost": (str, True),
    "uriPath": (str, False),
    "nonce": (str, False),
    "clientClaims": (str, False),
    "kid": (str, False),
    "authenticationScheme": (str, False),
    "homeAccountId": (str, False),
}
REQUESTS: dict[str, Spec] = {
    "getAccounts": {"clientId": (str, True), "redirectUri": (str, False)},
    "getLinuxBrokerVersion": {"msalCppVersion": (str, False)},
    "removeAccount": {"account": (ACCOUNT, True), "clientId": (str, False)},
    "acquireTokenSilently": {
        "authParameters": (AUTH_PARAMETERS, True),
        "account": (ACCOUNT, False),
    },
    "acquireTokenInteractively": {
        "authParameters": (AUTH_PARAMETERS, True),
        "account": (ACCOUNT, False),
        "parentWindowHandle": ((object, "?"), False),
    },
    "acquirePrtSsoCookie": {
        "account": (ACCOUNT, True),
        "authParameters": (COOKIE_AUTH_PARAMETERS, False),
        "ssoUrl": ("url", True),
        "mamEnrollment": (bool, False),
    },
    # Both in the broker 2.0.1 interface description (sso-mib dbus/spec/
    # com.microsoft.identity.broker1.xml), and so in himmelblau's identity_dbus_broker.
    "generateSignedHttpRequest": {
        "clientId": (str, False),
        "popParams": (POP_PARAMETERS, True),
        "account": (ACCOUNT, False),
    },
    "cancelInteractiveFlow": {},
}
_JSON_NAMES = {str: "a string", int: "an integer", bool: "true or false", dict: "an object",
               list: "an array", float: "a number", type(None): "null"}  # fmt: skip
_STRUCTURE = re.compile(r'[\[\]{}"\\]')


def parse(method: str, text: str, specs: dict[str, Spec] = REQUESTS) -> dict[str, Any]:
    """The request as a dict, or Invalid with what is wrong in the client's terms."""
    if len(text) > MAX_REQUEST_CHARS:
        raise Invalid(f"The {method} request is larger than {MAX_REQUEST_CHARS} characters.")
    if nested_deeper_than(text, MAX_DEPTH):
        raise Invalid(f"The {method} request nests JSON deeper than {MAX_DEPTH} levels.")
    try:
        request = json.loads(text)
    except ValueError as exc:  # JSONDecodeError; its message names the position, not the text
        raise Invalid(f"The {method} request is not valid JSON: {exc}.") from None
    if not isinstance(request, dict):
        raise Invalid(f"The {method} request must be a JSON object, not {_kind(request)}.")
    _check(request, specs[method], method)
    return request


def nested_deeper_than(text: str, limit: int) -> bool:
    """True if brackets outside strings nest deeper than `limit`: one linear pass, so a
    60,000-level document is refused before the recursive JSON parser sees it."""
    depth, in_string, skip = 0, False, -1
    for match in _STRUCTURE.finditer(text):
        char, at = match.group(), match.start()
        if at == skip:
            continue
        if in_string:
            if char == "\\":
                skip = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _kind(value: Any) -> str:
    return _JSON_NAMES.get(type(value), "a value")


def _check(obj: dict[str, Any], spec: Spec, where: str) -> None:
    for name, (kind, required) in spec.items():
        path = f"{where}.{name}"
        if name not in obj:
            if required:
                raise Invalid(f"{path} is missing.")
            continue
        value = obj[name]
        nullable = isinstance(kind, tuple)
        kind = kind[0] if nullable else kind
        if value is None:
            if nullable or not required:
                continue
            raise Invalid(f"{path} must not be null.")
        _check_value(value, kind, path)


def _check_value(value: Any, kind: Any, path: str) -> None:
    if isinstance(kind, dict):
        if not isinstance(value, dict):
            raise Invalid(f"{path} must be an object, not {_kind(value)}.")
        _check(value, kind, path)
    elif kind == "url":
        if not isinstance(value, str):
            raise Invalid(f"{path} must be a string, not {_kind(value)}.")
        try:
            _ = urlsplit(value).hostname  # raises on a malformed host ("https://[")
        except ValueError:
            raise Invalid(f"{path} is not a URL.") from None
    elif kind == "strings":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Invalid(f"{path} must be an array of strings.")
    elif kind == "string map":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise Invalid(f"{path} must be an object whose values are strings.")
    elif kind is int:
        if type(value) is not int:
            raise Invalid(f"{path} must be an integer, not {_kind(value)}.")
    elif kind is not object and type(value) is not kind:
        raise Invalid(f"{path} must be {_JSON_NAMES[kind]}, not {_kind(value)}.")
