"""The sandbox broker: a D-Bus service that stands in for the Microsoft Identity Broker.

libmsalruntime (inside pymsalruntime) finds it on the session bus under the real name and
interface (notes/broker-dbus.md). A second interface, `Control`, lets tests and the app's
sandbox picker script answers, read what the broker was sent, and delay replies.

Run as a process: `python -m app.sandbox.service` with DBUS_SESSION_BUS_ADDRESS set.
Every call is handled on its own thread so a held reply never blocks Ping or Control.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
from collections import deque
from typing import Any

from jeepney import HeaderFields, Message, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

from app.sandbox.directory import (
    ACCOUNT_NOT_FOUND,
    INTERACTION_REQUIRED,
    USER_CANCELED,
    Directory,
    Refusal,
    User,
    error_response,
)

logger = logging.getLogger(__name__)

BUS_NAME = "com.microsoft.identity.broker1"
OBJECT_PATH = "/com/microsoft/identity/broker1"
INTERFACE = "com.microsoft.identity.Broker1"
CONTROL_INTERFACE = "org.brokeraccounts.Sandbox1"
PICKER_WAIT_S = 120.0
CANCEL = "<cancel>"


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
        self.pending: dict[int, dict[str, Any]] = {}
        self.answers: dict[int, str] = {}
        self.delays: dict[str, deque[float]] = {}
        self.calls: list[dict[str, Any]] = []

    # ---- broker methods ------------------------------------------------------------------
    def handle(self, method: str, request_text: str) -> str:
        request = json.loads(request_text or "{}")
        held = self._take_delay(method)
        self._record(method, request, held)
        if held:
            logger.info("holding %s for %.1f s", method, held)
            time.sleep(held)
        if method == "getAccounts":
            users = [u for u in self.directory.users if u.username in self.directory.known]
            return json.dumps({"accounts": [self.directory.account_json(u) for u in users]})
        if method == "getLinuxBrokerVersion":
            return json.dumps({"linuxBrokerVersion": "sandbox-1.0"})
        if method == "removeAccount":
            user = self.directory.user_for_account(request.get("account"))
            if user:
                self.directory.known.discard(user.username)
            return "{}"
        params = request.get("authParameters") or {}
        try:
            if method == "acquireTokenSilently":
                return json.dumps(self._silent(params))
            if method == "acquireTokenInteractively":
                return json.dumps(self._interactive(params))
        except Refusal as refusal:
            return json.dumps(error_response(refusal.status, refusal.code, refusal.context))
        raise LookupError(f"unknown method {method}")

    def _record(self, method: str, request: dict[str, Any], held: float) -> None:
        params = request.get("authParameters") or {}
        extra = params.get("additionalQueryParametersForAuthorization") or {}
        with self.lock:
            self.calls.append(
                {
                    "method": method,
                    "time": time.time(),
                    "authority": params.get("authority"),
                    "clientId": params.get("clientId") or request.get("clientId"),
                    "scopes": params.get("requestedScopes"),
                    "account": (params.get("account") or {}).get("username"),
                    "passthrough": extra.get("msal_request_type") == "consumer_passthrough",
                    "parentWindowHandle": request.get("parentWindowHandle"),
                    "parentWindow": (params.get("parentWindow") or {}).get("handle"),
                    "held": held,  # seconds this reply was delayed (Control.delay)
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
            user = d.user_for_account(params["account"])
            if user is None or user.username not in d.known:
                raise Refusal(ACCOUNT_NOT_FOUND, 0, "The account is not known to the broker")
        else:  # signin_silently: the OS default account
            user = d.user(d.data["os_default_account"])
            if user is None or user.username not in d.known:
                raise Refusal(INTERACTION_REQUIRED, 0, "Default account could not be found")
        return self._issue(user, params, interactive=False)

    def _interactive(self, params: dict[str, Any]) -> dict[str, Any]:
        """The broker's dialog. With an account (or a username hint) it goes straight to that
        account; otherwise the picker lists whom the request admits. Scripted answers win
        either way, so tests can cancel any dialog."""
        d = self.directory
        chosen = d.user_for_account(params.get("account")) or d.user(params.get("username") or "")
        offered = d.offered(params.get("authority", ""), self._passthrough(params))
        answer = self._pick(params, offered, chosen)
        if answer == CANCEL:
            raise Refusal(USER_CANCELED, 0, "User canceled the authentication dialog")
        user = d.user(answer)
        if user is None:
            raise Refusal(
                ACCOUNT_NOT_FOUND,
                50034,
                f"AADSTS50034: The user account {answer} does not exist in the directory.",
            )
        return self._issue(user, params, interactive=True)

    def _issue(self, user: User, params: dict[str, Any], interactive: bool) -> dict[str, Any]:
        client_id = str(params.get("clientId", ""))
        scopes = list(params.get("requestedScopes") or [])
        tenant = self.directory.resolve(
            user, client_id, str(params.get("authority", "")), self._passthrough(params)
        )
        with self.lock:
            if interactive:
                self.directory.complete_interactive(user, client_id, scopes)
            else:
                self.directory.check_silent(user, client_id, scopes)
        return self.directory.token_response(user, tenant, client_id, scopes)

    def _pick(self, params: dict[str, Any], offered: list[User], chosen: User | None) -> str:
        """A scripted answer if one is queued, else the chosen account, else wait for
        Control.answer (the app's sandbox picker)."""
        with self.lock:
            if self.script:
                return self.script.popleft()
            if chosen is not None:
                return chosen.username
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
            return self.answers.pop(request_id) if answered else CANCEL

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
            elif op == "delay":
                self.delays.setdefault(command["method"], deque()).extend(
                    [float(command["seconds"])] * int(command.get("count", 1))
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
                }
            )


class DBusServer:
    """Serves a SandboxBroker on the session bus until `stop()` or the bus goes away."""

    def __init__(self, broker: SandboxBroker, conn: DBusConnection) -> None:
        self.broker = broker
        self.conn = conn
        self._send_lock = threading.Lock()

    def _send(self, message: Message) -> None:
        with self._send_lock:
            self.conn.send(message)

    def serve_forever(self) -> None:
        reply = self.conn.send_and_get_reply(message_bus.RequestName(BUS_NAME, 4))
        if reply.body[0] != 1:
            raise RuntimeError(f"could not own {BUS_NAME}: reply {reply.body}")
        logger.info("sandbox broker serving %s", BUS_NAME)
        while True:
            msg = self.conn.receive()
            if msg.header.message_type != MessageType.method_call:
                continue
            threading.Thread(target=self._dispatch, args=(msg,), daemon=True).start()

    def _dispatch(self, msg: Message) -> None:
        fields = msg.header.fields
        member = fields.get(HeaderFields.member)
        interface = fields.get(HeaderFields.interface)
        try:
            if interface == "org.freedesktop.DBus.Peer" and member == "Ping":
                self._send(new_method_return(msg))
            elif interface == CONTROL_INTERFACE:
                self._send(new_method_return(msg, "s", (self.broker.control(msg.body[0]),)))
            elif interface in (INTERFACE, None):
                _protocol, _correlation, request = msg.body
                answer = self.broker.handle(str(member), request)
                self._send(new_method_return(msg, "s", (answer,)))
            else:
                self._send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))
        except Exception as exc:  # a bug here must reach the caller as a D-Bus error, not hang it
            logger.exception("sandbox broker failed on %s", member)
            self._send(new_error(msg, "org.freedesktop.DBus.Error.Failed", "s", (repr(exc),)))


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="sandbox-broker %(levelname)s %(message)s")
    conn = open_dbus_connection(bus="SESSION")
    DBusServer(SandboxBroker(), conn).serve_forever()


if __name__ == "__main__":
    main()
