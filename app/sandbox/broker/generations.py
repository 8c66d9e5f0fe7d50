"""The two generations of the Linux broker the sandbox answers as: what each requires of a
request and how each words its replies.

2.0.1 is the last broker of the first design (Java, with D-Bus introspection); 2.0.2 was a
rewrite (teams-for-linux ADR 012, linux-entra-sso PR #116) that current installs run as 2.5.x.
Every difference here is on record (app/sandbox/BEHAVIOUR.md lists the sources):

- error replies: 2.0.1's as linux-entra-sso issue #114 pasted it (Entra's full text with its
  trace and correlation ids, `diagnostics`, `errorCode` 0, `tag` 0, a token shell around the
  error and top-level `telemetry`); 2.5.2's as linux-entra-sso issue #129 pasted it (Entra's
  description redacted to `(pii)`, `diagnostics` null, a real tag, `subError`);
- introspection: 2.0.1 describes its interface (the description sso-mib generates code from);
  later brokers describe none (teams-for-linux #2047: busctl lists nothing);
- PRT SSO cookies: flat in 2.0.1, in `cookieItems` later (sso-mib, linux-entra-sso #108);
- requests: later brokers read the account only inside `authParameters` and need an explicit
  `authorizationType` (teams-for-linux ADR 012); 2.0.1 served a cookie for an
  `authParameters` with only an authority (teams-for-linux PR #1280).
"""

from __future__ import annotations

import copy
import datetime
import platform
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from app.sandbox.broker import wire
from app.sandbox.entra.directory import Refusal

TAG_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
# libmsalruntime 0.20.7 logs the tag 595719680 of linux-entra-sso #129's reply as "965ya": five
# characters of six bits each, a-z then 0-9 (measured). Entra's refusals relayed by 2.5.2 carry
# that one; the broker's own refusals get tags of the sandbox's own, "sb" and three letters.
AAD_TAG = "965ya"
LOCAL_TAGS = {
    "AccountNotFound": "sbanf",
    "AccountUnusable": "sbauu",
    "ApiContractViolation": "sbacv",
    "ApplicationCanceled": "sbapc",
    "AuthorityUntrusted": "sbaut",
    "IncorrectConfiguration": "sbicf",
    "InteractionRequired": "sbirq",
    "UserCanceled": "sbucx",
}
PII = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")  # user names in the broker's own messages
# (authorizationType values sso-mib copies from MSAL runtime's internal interface; the runtime
# sends 1 for every silent call and 6 for every interactive one: measured with 0.20.7.)
AUTHORIZATION_TYPES = {
    "acquireTokenSilently": 1,  # cached refresh token (the PRT)
    "acquireTokenInteractively": 6,  # interactive
    "acquirePrtSsoCookie": 8,  # PRT SSO cookie
}
UI_REQUIRED = "com.microsoft.identity.common.exception.UiRequiredException"
SERVICE_ERROR = "com.microsoft.identity.common.exception.ServiceException"


def tag(code: str) -> int:
    """The number a five-character tag travels as."""
    number = 0
    for char in code:
        number = number * 64 + TAG_ALPHABET.index(char)
    return number


def tag_name(number: int) -> str:
    return "".join(TAG_ALPHABET[(number >> (6 * i)) & 63] for i in range(4, -1, -1))


@dataclass(frozen=True)
class Generation:
    name: str  # as given to --broker-version
    version: str  # what getLinuxBrokerVersion answers
    introspectable: bool
    cookie_items: bool
    strict: bool  # authorizationType required; the account read only inside authParameters
    redacted: bool  # Entra's description replaced by (pii)
    specs: dict[str, wire.Spec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        specs = copy.deepcopy(wire.REQUESTS)
        if self.strict:
            required_type = {**wire.AUTH_PARAMETERS, "authorizationType": (int, True)}
            for method in wire.TOKEN_METHODS:
                specs[method]["authParameters"] = (required_type, True)
            cookie = {
                **wire.COOKIE_AUTH_PARAMETERS,
                "clientId": (str, True),
                "authority": ("url", True),
                "authorizationType": (int, True),
                "account": (wire.ACCOUNT, True),
            }
            specs["acquirePrtSsoCookie"]["authParameters"] = (cookie, True)
        object.__setattr__(self, "specs", specs)

    # ---- requests ------------------------------------------------------------------------
    def parse(self, method: str, text: str) -> dict[str, Any]:
        request = wire.parse(method, text, self.specs)
        if self.strict and method in AUTHORIZATION_TYPES:
            params = request["authParameters"]
            expected = AUTHORIZATION_TYPES[method]
            if params["authorizationType"] != expected:
                raise wire.Invalid(
                    f"{method}.authParameters.authorizationType must be {expected} for "
                    f"{method}, not {params['authorizationType']}."
                )
            beside = method in wire.TOKEN_METHODS and request.get("account")
            if beside and not params.get("account"):
                raise wire.Invalid(
                    f"{method}.authParameters.account is missing: this broker reads the account "
                    "only inside authParameters, not beside it."
                )
        return request

    def auth(self, request: dict[str, Any]) -> dict[str, Any]:
        """authParameters with the account this generation reads: 2.0.1 also takes the account
        beside it (himmelblau: "account can be at root (Firefox, Chrome) or in authParameters")."""
        params = dict(request["authParameters"])
        if not self.strict:
            params["account"] = params.get("account") or request.get("account")
        return params

    # ---- replies -------------------------------------------------------------------------
    def cookie_reply(self, account: dict[str, Any], name: str, content: str) -> dict[str, Any]:
        cookie = {"cookieName": name, "cookieContent": content}
        return {"cookieItems": [cookie]} if self.cookie_items else {"account": account, **cookie}

    def error_reply(
        self, method: str, refusal: Refusal, correlation_id: str, client_id: str = ""
    ) -> dict[str, Any]:
        error = self._error(refusal, correlation_id)
        if method not in wire.TOKEN_METHODS:
            return {"error": error}
        if self.redacted:
            body: dict[str, Any] = {"error": error, "subError": ""}
        else:
            body = {"accessTokenType": 0, "error": error, "expiresOn": 0, "extendedExpiresOn": 0}
        telemetry = self._telemetry(method, refusal, error, correlation_id, client_id)
        return {"brokerTokenResponse": body, "telemetry": telemetry}

    def _error(self, refusal: Refusal, correlation_id: str) -> dict[str, Any]:
        from_entra = refusal.code > 0 and not refusal.scripted
        if self.redacted:
            if from_entra:
                context = (
                    f"Recieved an error from AAD. Code: '{refusal.error}' description: '(pii)' "
                    f"correlation id: '{correlation_id}' suberror: '{refusal.suberror}'"
                )  # sic: "Recieved", as 2.5.2 spells it
            else:
                context = PII.sub("(pii)", refusal.context)
            code = AAD_TAG if from_entra else LOCAL_TAGS.get(refusal.status, "sbunx")
            diagnostics: dict[str, str] | None = None
            number = tag(code)
        else:
            context, diagnostics, number = refusal.context, None, 0
            if from_entra:
                now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
                context = (
                    f"{refusal.context} Trace ID: {uuid.uuid4()} Correlation ID: "
                    f"{correlation_id} Timestamp: {now}"
                )
                diagnostics = {
                    "raw_error_code": refusal.error,
                    "exception_type": UI_REQUIRED
                    if refusal.status == "InteractionRequired"
                    else SERVICE_ERROR,
                }
                if refusal.suberror:
                    diagnostics["oauth2_sub_error_code"] = refusal.suberror
        return {
            "context": context,
            "diagnostics": diagnostics,
            "errorCode": refusal.code if refusal.scripted else 0,
            "status": wire.WIRE_STATUS[refusal.status],
            "subStatus": 0,
            "tag": number,
        }

    def _telemetry(
        self,
        method: str,
        refusal: Refusal,
        error: dict[str, Any],
        correlation_id: str,
        client_id: str,
    ) -> dict[str, str]:
        version = self.version.split("-")[0]
        if not self.redacted:  # the keys linux-entra-sso #114 shows
            return {
                "ui_visible": "false",
                "os_version": _os_version(),
                "broker_version": version,
                "http_event_count": "1" if refusal.code else "0",
            }
        name = tag_name(error["tag"])
        telemetry = {  # the keys linux-entra-sso #129 shows
            "all_error_tags": name,
            "api_error_code": "0",
            "api_error_context": error["context"],
            "api_error_tag": name,
            "api_name": method,
            "api_status_code": f"StatusInternal::{refusal.status}",
            "broker_app_used": "false",
            "broker_version": version,
            "correlation_id": correlation_id,
            "client_id": client_id,
        }
        if refusal.code:
            telemetry.update(auth_flow="PRT", auth_flow_last_error=refusal.error)
        return telemetry


def _os_version() -> str:
    try:
        return platform.freedesktop_os_release().get("PRETTY_NAME", "Linux")
    except OSError:
        return "Linux"


GENERATIONS = {
    "2.0.1": Generation(
        "2.0.1", "2.0.1-sandbox", introspectable=True, cookie_items=False, strict=False,
        redacted=False,
    ),
    "2.5": Generation(
        "2.5", "2.5.2-sandbox", introspectable=False, cookie_items=True, strict=True,
        redacted=True,
    ),
}  # fmt: skip
# What current installs run: Microsoft's packages have been 2.0.2 and later since the rewrite;
# the newest reply on record is 2.5.2's (linux-entra-sso #129, March 2026).
DEFAULT = "2.5"
