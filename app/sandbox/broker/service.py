"""The sandbox broker: a D-Bus service that stands in for the Microsoft Identity Broker.

libmsalruntime (inside pymsalruntime) finds it on the session bus under the real name and
interface (app/sandbox/BEHAVIOUR.md). It answers as one generation of the real broker
(generations.py: 2.0.1 or 2.5) and keeps what the device's users did in a state file, so a
broker that died and was started again by D-Bus activation still knows them. A second
interface, `Control` (operations.py), lets tests and the app's sandbox picker script answers,
read what the broker was sent, and delay replies.

Run as a process: `python -m app.sandbox.broker.service [CONFIG]` with DBUS_SESSION_BUS_ADDRESS
set (CONFIG: JSON with generation, pick, state and log; activation.py writes it). Every call
is handled on its own thread so a held reply never blocks Ping or Control.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.sandbox.broker import operations
from app.sandbox.broker.bus import BUS_NAME, CONTROL_INTERFACE, INTERFACE, OBJECT_PATH, DBusServer
from app.sandbox.broker.generations import DEFAULT, GENERATIONS, Generation
from app.sandbox.broker.operations import CANCEL, Pick
from app.sandbox.broker.wire import WIRE_STATUS, Invalid
from app.sandbox.entra import requests
from app.sandbox.entra.directory import CLOUD_HOSTS, INTERACTION_REQUIRED, Directory, Refusal, User
from app.sandbox.entra.users import Ambiguous, named

logger = logging.getLogger(__name__)

__all__ = ["BUS_NAME", "CONTROL_INTERFACE", "INTERFACE", "OBJECT_PATH", "SandboxBroker"]
PICKER_WAIT_S = 120.0
_SECRET_FIELDS = frozenset({"accessTokenToRenew", "password"})
PICK_ENV = "SANDBOX_PICK"  # a standing picker answer (account id, username, <cancel>) at start
STATUS_NAMES = {number: name for name, number in WIRE_STATUS.items()}


class SandboxBroker:
    """Request handling, independent of D-Bus: JSON text in, JSON text out."""

    def __init__(self, generation: str | None = None, state_path: Path | None = None) -> None:
        self.lock = threading.Condition()
        self._ids = itertools.count(1)
        self.launch_generation = generation or DEFAULT  # what reset() returns to
        self.state_path = state_path
        self._saved = ""
        self.reset()
        if state_path is not None and state_path.exists():
            self._restore(json.loads(state_path.read_text()))

    def reset(self) -> None:
        """Back to the directory's initial state (the native token cache is not ours to reset)."""
        self.generation: Generation = GENERATIONS[self.launch_generation]
        self.directory = Directory.load()
        self.script: deque[Pick] = deque()
        standing = os.environ.get(PICK_ENV)
        self.standing_pick: Pick | None = (standing, None) if standing else None
        self.pending: dict[int, dict[str, Any]] = {}
        self.answers: dict[int, Pick | Refusal] = {}
        self.delays: dict[str, deque[float]] = {}
        self.failures: dict[str, deque[tuple[str, int, str]]] = {}
        self.calls: list[dict[str, Any]] = []

    # ---- what outlives the process -----------------------------------------------------------
    def _restore(self, state: dict[str, Any]) -> None:
        self.generation = GENERATIONS[state["generation"]]
        self.standing_pick = tuple(state["pick"]) if state["pick"] else None
        self.directory.restore(state["directory"])

    def save(self) -> None:
        """The device's state, written when it changed (atomically: a killed broker leaves the
        previous state, never half of one)."""
        if self.state_path is None:
            return
        with self.lock:
            text = json.dumps(
                {
                    "generation": self.generation.name,
                    "pick": list(self.standing_pick) if self.standing_pick else None,
                    "directory": self.directory.state(),
                }
            )
            if text == self._saved:
                return
            part = self.state_path.with_name(self.state_path.name + ".part")
            part.write_text(text)
            os.replace(part, self.state_path)
            self._saved = text

    # ---- broker methods ------------------------------------------------------------------
    def handle(self, method: str, request_text: str, correlation_id: str = "") -> str:
        """One broker method call; every answer is a reply, an invalid request included."""
        handler = self._handlers().get(method)
        if handler is None:
            raise LookupError(f"unknown method {method}")  # the D-Bus layer refuses it first
        generation = self.generation
        try:
            request = generation.parse(method, request_text)
        except Invalid as exc:
            self._record(method, {}, 0.0, correlation_id, invalid=str(exc))
            refusal = Refusal("ApiContractViolation", 0, str(exc))
            return json.dumps(generation.error_reply(method, refusal, correlation_id))
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
                raise Refusal(*failure, scripted=True)
            return json.dumps(handler(request))
        except Refusal as refusal:
            client_id = str(_object(request.get("authParameters")).get("clientId") or "")
            return json.dumps(generation.error_reply(method, refusal, correlation_id, client_id))
        finally:
            self.save()

    def _handlers(self) -> dict[str, Any]:
        return {
            "getAccounts": self._accounts,
            "getLinuxBrokerVersion": lambda _: {"linuxBrokerVersion": self.generation.version},
            "removeAccount": self._remove,
            "acquireTokenSilently": lambda r: self._silent(self.generation.auth(r)),
            "acquireTokenInteractively": lambda r: self._interactive(self.generation.auth(r)),
            "acquirePrtSsoCookie": self._prt_sso_cookie,
            "generateSignedHttpRequest": self._signed_request,
            "cancelInteractiveFlow": self._cancel_interactive,
        }

    def _accounts(self, request: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in self.directory.users if u.id in self.directory.known]
        return {"accounts": [self.directory.account_json(u) for u in users]}

    def _remove(self, request: dict[str, Any]) -> dict[str, Any]:
        user = self.directory.user_for_account(request["account"])
        if user:
            self.directory.known.discard(user.id)
        return {}

    def _known_user(self, account: dict[str, Any] | None) -> User:
        user = self.directory.user_for_account(account)
        if user is None or user.id not in self.directory.known:
            raise Refusal("AccountNotFound", 0, "The account is not known to the broker")
        return user

    def _prt_sso_cookie(self, request: dict[str, Any]) -> dict[str, Any]:
        """The SSO cookie a browser sends to the login page (x-ms-RefreshTokenCredential), in
        this generation's shape. Its content is a signed JWT that proves nothing. Only a work
        account has a PRT: Entra ID issues one to a user of a registered device."""
        sso = urlsplit(request["ssoUrl"])
        if sso.scheme != "https" or sso.hostname not in CLOUD_HOSTS:
            raise Refusal(
                "IncorrectConfiguration", 0, "ssoUrl must be an https URL of a login host"
            )
        params = _object(request.get("authParameters"))
        user = self._known_user(params["account"] if self.generation.strict else request["account"])
        if user.personal:
            raise Refusal(
                "AccountUnusable",
                0,
                f"{user.username} is a personal Microsoft account: it has no primary refresh "
                "token, so there is no PRT SSO cookie for it",
            )
        if user.blocked_by_conditional_access:
            raise self.directory.blocked()
        cookie = self.directory.minter.sso_cookie(user, time.time())
        account = self.directory.account_json(user)
        return self.generation.cookie_reply(account, "x-ms-RefreshTokenCredential", cookie)

    def _signed_request(self, request: dict[str, Any]) -> dict[str, Any]:
        """A request signed with the device's PoP key, no token inside (sso-mib's
        mib_client_app_generate_signed_http_request reads signedHttpRequest)."""
        pop = request["popParams"]
        account = request.get("account") or (
            {"homeAccountId": pop["homeAccountId"]} if pop.get("homeAccountId") else None
        )
        if not account:
            raise Refusal(
                "ApiContractViolation",
                0,
                "generateSignedHttpRequest needs popParams.homeAccountId: the account whose "
                "device key signs the request",
            )
        self._known_user(account)
        signed = self.directory.pop.shr(None, {k: str(v) for k, v in pop.items()})
        return {"signedHttpRequest": signed}

    def _cancel_interactive(self, request: dict[str, Any]) -> dict[str, Any]:
        """The broker's dialog closes; the interactive call it belonged to answers with the
        error the request carries. libmsalruntime 0.20.7 sends this when an interactive call
        is cancelled (cancel_async_operation), with {"error": {"status": 7, "context": "The
        InteractiveRequest was canceled on behalf of the user", ...}} (measured)."""
        error = _object(request.get("error"))
        number = error.get("status")
        status = STATUS_NAMES.get(number, "UserCanceled") if type(number) is int else "UserCanceled"
        context = error.get("context")
        if not isinstance(context, str) or not context:
            context = "The sign-in was cancelled"
        refusal = Refusal(status, 0, context)
        with self.lock:
            for request_id in self.pending:
                self.answers[request_id] = refusal
            self.lock.notify_all()
        return {}

    def _record(
        self,
        method: str,
        request: dict[str, Any],
        held: float,
        correlation_id: str,
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
                    "correlationId": correlation_id,
                    "authority": params.get("authority"),
                    "authorizationType": params.get("authorizationType"),
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
        else:  # no account: the OS default account
            default = d.user(d.data["os_default_account"])
            if default is None or default.id not in d.known:
                raise Refusal(INTERACTION_REQUIRED, 0, "Default account could not be found")
            user = default
        return self._issue(user, params, interactive=False)

    def _interactive(self, params: dict[str, Any]) -> dict[str, Any]:
        """The broker's dialog. With an account (or a username hint) it goes straight to that
        account; otherwise the picker lists whom the request admits. Scripted answers win
        either way, so tests can cancel any dialog."""
        d = self.directory
        offered = d.offered(params["authority"], self._passthrough(params))
        chosen = d.user_for_account(params.get("account"))
        hinted = named(d.users, params.get("username") or "")
        if chosen is None and len(hinted) == 1:
            chosen = hinted[0]
        elif chosen is None and hinted:  # one sign-in name, two accounts: the user picks one
            offered = [u for u in offered if u in hinted] or hinted
            chosen = offered[0] if len(offered) == 1 else None  # the request admits one
        answer = self._pick(params, offered, chosen)
        if answer is None:
            raise Refusal(
                "Unexpected",
                0,
                f"Nobody answered the sandbox broker's account picker within {PICKER_WAIT_S:g} "
                "s. Choose the answer in advance: python -m app.sandbox --pick USER, "
                f"{PICK_ENV}=USER, or the control API's pick (or answer) operation.",
            )
        if isinstance(answer, Refusal):
            raise answer
        username, mfa = answer
        if username == CANCEL:
            raise Refusal("UserCanceled", 0, "User canceled the authentication dialog")
        try:
            user = d.user(username)
        except Ambiguous as exc:  # a scripted answer; the picker's own answers are ids
            why = f"The sandbox picker's answer is ambiguous: {exc}"
            raise Refusal("Unexpected", 0, why) from None
        if user is None:
            raise Refusal(
                "AccountNotFound",
                50034,
                f"AADSTS50034: The user account {username} does not exist in the directory.",
            )
        return self._issue(user, params, interactive=True, mfa=mfa)

    def _issue(
        self, user: User, params: dict[str, Any], interactive: bool, mfa: bool | None = None
    ) -> dict[str, Any]:
        client_id = params["clientId"]
        scopes = params["requestedScopes"]
        asked = requests.read(params)
        tenant = self.directory.resolve(
            user, client_id, params["authority"], self._passthrough(params)
        )
        with self.lock:
            if interactive:
                self.directory.complete_interactive(user, client_id, scopes, asked, mfa)
            else:
                self.directory.check_silent(user, client_id, scopes, asked)
        return self.directory.token_response(user, tenant, client_id, scopes, asked)

    def _pick(
        self, params: dict[str, Any], offered: list[User], chosen: User | None
    ) -> Pick | Refusal | None:
        """A scripted answer if one is queued, else the chosen account, else the standing
        answer, else wait for Control.answer (the app's sandbox picker); None if nobody did."""
        with self.lock:
            if self.script:
                return self.script.popleft()
            if chosen is not None:
                return chosen.id, None
            if self.standing_pick:
                return self.standing_pick
            request_id = next(self._ids)
            scopes = params.get("requestedScopes") or []
            self.pending[request_id] = {
                "id": request_id,
                "authority": params.get("authority"),
                "clientId": params.get("clientId"),
                "offered": [self.directory.picker_entry(u, scopes) for u in offered],
                "parentWindow": (params.get("parentWindow") or {}).get("handle"),
            }
            answered = self.lock.wait_for(lambda: request_id in self.answers, PICKER_WAIT_S)
            self.pending.pop(request_id, None)
            return self.answers.pop(request_id) if answered else None

    # ---- control -------------------------------------------------------------------------
    def control(self, command_text: str) -> str:
        try:
            return operations.run(self, json.loads(command_text))
        finally:
            self.save()


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def main(argv: list[str] | None = None) -> None:
    """Serve until the bus goes away. CONFIG (activation.py writes it) names the generation,
    the standing picker answer, the state, log and signing key files (the storage endpoint
    verifies tokens with that key) and Sandbox(directory=...)'s own users."""
    from jeepney.io.blocking import open_dbus_connection

    from app.sandbox.entra.directory import DIRECTORY_ENV
    from app.sandbox.entra.tokens import SIGNING_KEY_ENV

    args = sys.argv[1:] if argv is None else argv
    config = json.loads(Path(args[0]).read_text()) if args else {}
    if config.get("log"):  # an activated service's output would go to the bus's own log
        log = os.open(config["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(log, 1)
        os.dup2(log, 2)
    logging.basicConfig(level=logging.INFO, format="sandbox-broker %(levelname)s %(message)s")
    named = {"pick": PICK_ENV, "directory": DIRECTORY_ENV, "signing_key": SIGNING_KEY_ENV}
    os.environ.update({named[k]: value for k, value in config.items() if k in named and value})
    state = Path(config["state"]) if config.get("state") else None
    broker = SandboxBroker(config.get("generation"), state)
    logger.info("sandbox broker %s (pid %d)", broker.generation.version, os.getpid())
    conn = open_dbus_connection(bus="SESSION")
    DBusServer(broker, conn).serve_forever()


if __name__ == "__main__":
    main()
