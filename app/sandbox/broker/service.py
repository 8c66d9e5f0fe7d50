"""The sandbox broker: a D-Bus service that stands in for the Microsoft Identity Broker.

libmsalruntime (inside pymsalruntime) finds it on the session bus under the real name and
interface (notes/broker-dbus.md). A second interface, `Control`, lets tests and the app's
sandbox picker script answers, read what the broker was sent, and delay replies.

Run as a process: `python -m app.sandbox.broker.service` with DBUS_SESSION_BUS_ADDRESS set.
Every call is handled on its own thread so a held reply never blocks Ping or Control.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import threading
import time
from collections import deque
from typing import Any
from urllib.parse import urlsplit

from jeepney.io.blocking import open_dbus_connection

from app.sandbox.broker import wire
from app.sandbox.broker.bus import BUS_NAME, CONTROL_INTERFACE, INTERFACE, OBJECT_PATH, DBusServer
from app.sandbox.entra import requests
from app.sandbox.entra.directory import CLOUD_HOSTS, INTERACTION_REQUIRED, Directory, Refusal, User

logger = logging.getLogger(__name__)

__all__ = ["BUS_NAME", "CONTROL_INTERFACE", "INTERFACE", "OBJECT_PATH", "SandboxBroker"]
PICKER_WAIT_S = 120.0
CANCEL = "<cancel>"
BROKER_VERSION = "2.0.1-sandbox"  # the real broker's shape: its version, then what it is
_SECRET_FIELDS = frozenset({"accessTokenToRenew", "password"})
PICK_ENV = "SANDBOX_PICK"  # a standing picker answer (a username or <cancel>) set at start


class SandboxBroker:
    """Request handling, independent of D-Bus: JSON text in, JSON text out."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self._ids = itertools.count(1)
        self.reset()

    def reset(self) -> None:
        """Back to the directory's initial state (the native token cache is not ours to reset)."""
        self.directory = Directory.load()
        self.script: deque[str] = deque()
        self.standing_pick: str | None = os.environ.get(PICK_ENV) or None
        self.pending: dict[int, dict[str, Any]] = {}
        self.answers: dict[int, str] = {}
        self.delays: dict[str, deque[float]] = {}
        self.failures: dict[str, deque[tuple[str, int, str]]] = {}
        self.calls: list[dict[str, Any]] = []

    # ---- broker methods ------------------------------------------------------------------
    def handle(self, method: str, request_text: str, correlation_id: str = "") -> str:
        """One broker method call; every answer is a reply, an invalid request included."""
        handler = self._handlers().get(method)
        if handler is None:
            raise LookupError(f"unknown method {method}")  # the D-Bus layer refuses it first
        try:
            request = wire.parse(method, request_text)
        except wire.Invalid as exc:
            self._record(method, {}, 0.0, correlation_id, invalid=str(exc))
            return json.dumps(wire.error_reply(method, "ApiContractViolation", 0, str(exc)))
        held = self._take_delay(method)
        self._record(method, request, held, correlation_id)
        if held:
            logger.info("holding %s for %.1f s", method, held)
            time.sleep(held)
        with self.lock:
            queued = self.failures.get(method)
            failure = queued.popleft() if queued else None
        try:
            if failure:
                raise Refusal(*failure)
            return json.dumps(handler(request))
        except Refusal as refusal:
            reply = wire.error_reply(method, refusal.status, refusal.code, refusal.context)
            return json.dumps(reply)

    def _handlers(self) -> dict[str, Any]:
        return {
            "getAccounts": self._accounts,
            "getLinuxBrokerVersion": lambda _: {"linuxBrokerVersion": BROKER_VERSION},
            "removeAccount": self._remove,
            "acquireTokenSilently": lambda r: self._silent(self._auth(r)),
            "acquireTokenInteractively": lambda r: self._interactive(self._auth(r)),
            "acquirePrtSsoCookie": self._prt_sso_cookie,
        }

    @staticmethod
    def _auth(request: dict[str, Any]) -> dict[str, Any]:
        """authParameters, with the account newer clients put beside it rather than in it."""
        params = dict(request["authParameters"])
        params["account"] = params.get("account") or request.get("account")
        return params

    def _accounts(self, request: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in self.directory.users if u.username in self.directory.known]
        return {"accounts": [self.directory.account_json(u) for u in users]}

    def _remove(self, request: dict[str, Any]) -> dict[str, Any]:
        user = self.directory.user_for_account(request["account"])
        if user:
            self.directory.known.discard(user.username)
        return {}

    def _known_user(self, account: dict[str, Any] | None) -> User:
        user = self.directory.user_for_account(account)
        if user is None or user.username not in self.directory.known:
            raise Refusal("AccountNotFound", 0, "The account is not known to the broker")
        return user

    def _prt_sso_cookie(self, request: dict[str, Any]) -> dict[str, Any]:
        """The SSO cookie a browser sends to the login page (x-ms-RefreshTokenCredential);
        the shape linux-entra-sso reads. Its content is a signed JWT that proves nothing."""
        sso = urlsplit(request["ssoUrl"])
        if sso.scheme != "https" or sso.hostname not in CLOUD_HOSTS:
            raise Refusal(
                "IncorrectConfiguration", 0, "ssoUrl must be an https URL of a login host"
            )
        user = self._known_user(request["account"])
        if user.blocked_by_conditional_access:
            raise self.directory.blocked()
        cookie = self.directory.minter.sso_cookie(user, time.time())
        return {
            "account": self.directory.account_json(user),
            "cookieName": "x-ms-RefreshTokenCredential",
            "cookieContent": cookie,
        }

    def _record(
        self,
        method: str,
        request: dict[str, Any],
        held: float,
        correlation_id: str = "",
        invalid: str | None = None,
    ) -> None:
        """What was asked, for tests and the picker; fields a method does not validate may
        hold anything, so each is read only if it has the expected shape."""
        params = _object(request.get("authParameters"))
        extra = _object(params.get("additionalQueryParametersForAuthorization"))
        with self.lock:
            self.calls.append(
                {
                    "method": method,
                    "time": time.time(),
                    "invalid": invalid,
                    "authority": params.get("authority"),
                    "clientId": params.get("clientId") or request.get("clientId"),
                    "scopes": params.get("requestedScopes"),
                    "account": _object(params.get("account") or request.get("account")).get(
                        "username"
                    ),
                    "passthrough": extra.get("msal_request_type") == "consumer_passthrough",
                    "parentWindowHandle": request.get("parentWindowHandle"),
                    "parentWindow": _object(params.get("parentWindow")).get("handle"),
                    "held": held,  # seconds this reply was delayed (Control.delay)
                    "pop": params.get("popParams"),
                    "claims": params.get("decodedClaims"),
                    "renew": bool(params.get("accessTokenToRenew")),
                    "loginHint": params.get("username"),
                    "correlationId": correlation_id,
                    # The whole request as sent, but a token or password in it.
                    "authParameters": {
                        k: ("<set>" if k in _SECRET_FIELDS and v else v) for k, v in params.items()
                    },
                }
            )

    def _take_delay(self, method: str) -> float:
        with self.lock:
            queue = self.delays.get(method)
            return queue.popleft() if queue else 0.0

    @staticmethod
    def _passthrough(params: dict[str, Any]) -> bool:
        extra = params.get("additionalQueryParametersForAuthorization") or {}
        return extra.get("msal_request_type") == "consumer_passthrough"

    def _silent(self, params: dict[str, Any]) -> dict[str, Any]:
        d = self.directory
        if params.get("account"):
            user = self._known_user(params["account"])
        else:  # signin_silently: the OS default account
            default = d.user(d.data["os_default_account"])
            if default is None or default.username not in d.known:
                raise Refusal(INTERACTION_REQUIRED, 0, "Default account could not be found")
            user = default
        return self._issue(user, params, interactive=False)

    def _interactive(self, params: dict[str, Any]) -> dict[str, Any]:
        """The broker's dialog. With an account (or a username hint) it goes straight to that
        account; otherwise the picker lists whom the request admits. Scripted answers win
        either way, so tests can cancel any dialog."""
        d = self.directory
        chosen = d.user_for_account(params.get("account")) or d.user(params.get("username") or "")
        offered = d.offered(params["authority"], self._passthrough(params))
        answer = self._pick(params, offered, chosen)
        if answer is None:
            raise Refusal(
                "Unexpected",
                0,
                f"Nobody answered the sandbox broker's account picker within {PICKER_WAIT_S:g} "
                "s. Choose the answer in advance: python -m app.sandbox --pick USER, "
                f"{PICK_ENV}=USER, or the control API's pick (or answer) operation.",
            )
        if answer == CANCEL:
            raise Refusal("UserCanceled", 0, "User canceled the authentication dialog")
        user = d.user(answer)
        if user is None:
            raise Refusal(
                "AccountNotFound",
                50034,
                f"AADSTS50034: The user account {answer} does not exist in the directory.",
            )
        return self._issue(user, params, interactive=True)

    def _issue(self, user: User, params: dict[str, Any], interactive: bool) -> dict[str, Any]:
        client_id = params["clientId"]
        scopes = params["requestedScopes"]
        asked = requests.read(params)
        tenant = self.directory.resolve(
            user, client_id, params["authority"], self._passthrough(params)
        )
        with self.lock:
            if interactive:
                self.directory.complete_interactive(user, client_id, scopes, asked)
            else:
                self.directory.check_silent(user, client_id, scopes, asked)
        return self.directory.token_response(user, tenant, client_id, scopes, asked)

    def _pick(self, params: dict[str, Any], offered: list[User], chosen: User | None) -> str | None:
        """A scripted answer if one is queued, else the chosen account, else the standing
        answer, else wait for Control.answer (the app's sandbox picker); None if nobody did."""
        with self.lock:
            if self.script:
                return self.script.popleft()
            if chosen is not None:
                return chosen.username
            if self.standing_pick:
                return self.standing_pick
            request_id = next(self._ids)
            self.pending[request_id] = {
                "id": request_id,
                "authority": params.get("authority"),
                "clientId": params.get("clientId"),
                "offered": [
                    {"username": u.username, "name": u.name, "personal": u.personal}
                    for u in offered
                ],
                "parentWindow": (params.get("parentWindow") or {}).get("handle"),
            }
            answered = self.lock.wait_for(lambda: request_id in self.answers, PICKER_WAIT_S)
            self.pending.pop(request_id, None)
            return self.answers.pop(request_id) if answered else None

    # ---- control -------------------------------------------------------------------------
    def control(self, command_text: str) -> str:
        command = json.loads(command_text)
        op = command.get("op")
        with self.lock:
            if op == "script":
                self.script.extend(command["answers"])
            elif op == "answer":
                self.answers[int(command["id"])] = command["username"] or CANCEL
                self.lock.notify_all()
            elif op == "pick":
                self.standing_pick = command.get("username") or None
            elif op == "delay":
                self.delays.setdefault(command["method"], deque()).extend(
                    [float(command["seconds"])] * int(command.get("count", 1))
                )
            elif op == "fail":
                if command["status"] not in wire.WIRE_STATUS:
                    raise LookupError(f"unknown status {command['status']!r}")
                context = str(command.get("context", "Failure scripted by the sandbox"))
                failure = (command["status"], int(command.get("code", 0)), context)
                self.failures.setdefault(command["method"], deque()).extend(
                    [failure] * int(command.get("count", 1))
                )
            elif op == "reset":
                self.reset()
            elif op == "forget":
                self.directory.known.discard(command["username"])
            elif op == "age_tokens":
                self.directory.token_age = float(command["seconds"])
            elif op == "register":
                registered = self.directory.register_application(str(command.get("name", "")))
                return json.dumps({"client_id": registered})
            elif op != "state":
                raise LookupError(f"unknown control op {op!r}")
            return json.dumps(
                {
                    "calls": self.calls,
                    "pending": list(self.pending.values()),
                    "known": sorted(self.directory.known),
                    "script": list(self.script),
                    "pick": self.standing_pick,
                }
            )


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="sandbox-broker %(levelname)s %(message)s")
    conn = open_dbus_connection(bus="SESSION")
    DBusServer(SandboxBroker(), conn).serve_forever()


if __name__ == "__main__":
    main()
