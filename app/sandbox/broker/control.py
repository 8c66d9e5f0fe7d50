"""Client for the sandbox broker's Control interface: script or preset the picker, read what the
broker was sent, delay its replies or make them fail. Used by tests, `python -m app.sandbox`
and the app's sandbox picker dialog."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from typing import Any

from jeepney import DBusAddress, HeaderFields, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

BROKER = DBusAddress(
    "/com/microsoft/identity/broker1",
    bus_name="com.microsoft.identity.broker1",
    interface="org.brokeraccounts.Sandbox1",
)


class SandboxControl:
    def __init__(self, bus_address: str) -> None:
        self.bus_address = bus_address
        self._conn: DBusConnection | None = None
        self._lock = threading.Lock()

    def _connection(self) -> DBusConnection:
        if self._conn is None:
            self._conn = open_dbus_connection(bus=self.bus_address)
        return self._conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def wait_for_name(
        self, name: str, proc: subprocess.Popen[bytes] | None = None, timeout: float = 15.0
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                reply = self._connection().send_and_get_reply(
                    message_bus.NameHasOwner(name), timeout=5
                )
            if reply.body[0]:
                return
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"{proc.args!r} exited with {proc.returncode} before {name}")
            time.sleep(0.05)
        raise TimeoutError(f"{name} did not appear on the sandbox bus within {timeout:g} s")

    def start_service(self, name: str) -> int:
        """org.freedesktop.DBus.StartServiceByName: 1 started, 2 already running."""
        with self._lock:
            reply = self._connection().send_and_get_reply(
                message_bus.StartServiceByName(name), timeout=30
            )
        if reply.header.message_type.name == "error":
            error = reply.header.fields.get(HeaderFields.error_name)
            raise RuntimeError(f"StartServiceByName({name}) failed: {error}: {reply.body[0]}")
        return int(reply.body[0])

    def owner_pid(self, name: str) -> int | None:
        """The process id of the connection owning `name`, None if nobody owns it."""
        with self._lock:
            reply = self._connection().send_and_get_reply(
                message_bus.GetConnectionUnixProcessID(name), timeout=5
            )
        return None if reply.header.message_type.name == "error" else int(reply.body[0])

    def call(self, op: str, **args: Any) -> dict[str, Any]:
        message = new_method_call(BROKER, "Control", "s", (json.dumps({"op": op, **args}),))
        with self._lock:
            reply = self._connection().send_and_get_reply(message, timeout=10)
        if reply.header.message_type.name == "error":
            raise RuntimeError(f"sandbox control {op} failed: {reply.body}")
        return json.loads(reply.body[0])  # type: ignore[no-any-return]

    # Convenience wrappers with names that read well in tests.
    def state(self) -> dict[str, Any]:
        return self.call("state")

    def script_picker(self, *answers: str | dict[str, Any]) -> None:
        """Queue picker answers: a username or account id (homeAccountId), "<cancel>", or
        {"username", "mfa": True/False}; a username two accounts share is refused."""
        self.call("script", answers=list(answers))

    def answer(self, request_id: int, username: str | None, mfa: bool | None = None) -> None:
        """Answer a waiting picker. `mfa`: the user also did multi-factor authentication
        (True), gave up at the MFA prompt (False), or did it where a policy asked (None)."""
        self.call("answer", id=request_id, username=username or "", mfa=mfa)

    def pick(self, username: str | None, mfa: bool | None = None) -> None:
        """Answer every later picker with this username or account id ("<cancel>" cancels;
        None: ask)."""
        self.call("pick", username=username, mfa=mfa)

    def generation(self, name: str) -> None:
        """Answer as this broker generation ("2.0.1" or "2.5") until the next reset."""
        self.call("generation", name=name)

    def fail(
        self, method: str, status: str, code: int = 0, context: str = "", count: int = 1
    ) -> None:
        """The next `count` calls of `method` fail with this Response_Status name."""
        self.call("fail", method=method, status=status, code=code, context=context, count=count)

    def delay(self, method: str, seconds: float, count: int = 1) -> None:
        self.call("delay", method=method, seconds=seconds, count=count)

    def register_application(self, name: str = "") -> str:
        """Register a new app in the directory; its client id is returned."""
        return str(self.call("register", name=name)["client_id"])

    def age_tokens(self, seconds: float) -> None:
        """Mint the next tokens as if `seconds` ago (a token the runtime cached earlier)."""
        self.call("age_tokens", seconds=seconds)

    def reset(self) -> None:
        self.call("reset")

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        return [c for c in self.state()["calls"] if method is None or c["method"] == method]
