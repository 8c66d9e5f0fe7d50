"""The sandbox broker on D-Bus: its names, and the server that hands each method call to the
broker on a thread of its own (a held reply never blocks Ping or Control), checks argument
signatures, and answers introspection the way the broker generation does: 2.0.1 describes its
interface (as sso-mib's copy of it, dbus/spec/com.microsoft.identity.broker1.xml), later
brokers describe nothing (teams-for-linux #2047: `busctl introspect` lists no interface)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from jeepney import HeaderFields, Message, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection

from app.sandbox.broker import wire

logger = logging.getLogger("app.sandbox.broker.service")

BUS_NAME = "com.microsoft.identity.broker1"
OBJECT_PATH = "/com/microsoft/identity/broker1"
INTERFACE = "com.microsoft.identity.Broker1"
CONTROL_INTERFACE = "org.brokeraccounts.Sandbox1"


class DBusServer:
    """Serves a SandboxBroker on the session bus until `stop()` or the bus goes away."""

    def __init__(self, broker: Any, conn: DBusConnection) -> None:
        self.broker = broker
        self.conn = conn
        self._send_lock = threading.Lock()

    def _send(self, message: Message) -> None:
        with self._send_lock:
            self.conn.send(message)

    def _send_serial(self, message: Message, serial: int) -> None:
        with self._send_lock:
            self.conn.send(message, serial)

    def serve_forever(self) -> None:
        """Until the bus goes away (the sandbox stopped): then return, and the process ends."""
        # Not send_and_get_reply: it drops what arrives before the reply, and an activated
        # service is sent the call that started it as soon as it owns the name.
        serial = next(self.conn.outgoing_serial)
        self._send_serial(message_bus.RequestName(BUS_NAME, 4), serial)
        while True:
            try:
                msg = self.conn.receive()
            except (ConnectionError, OSError):
                logger.info("the bus went away: the sandbox broker stops")
                return
            if msg.header.fields.get(HeaderFields.reply_serial) == serial:
                if msg.header.message_type != MessageType.method_return or msg.body[0] != 1:
                    raise RuntimeError(f"could not own {BUS_NAME}: reply {msg.body}")
                logger.info("sandbox broker serving %s", BUS_NAME)
            elif msg.header.message_type == MessageType.method_call:
                threading.Thread(target=self._dispatch, args=(msg,), daemon=True).start()

    def _dispatch(self, msg: Message) -> None:
        fields = msg.header.fields
        member = str(fields.get(HeaderFields.member))
        interface = fields.get(HeaderFields.interface)
        signature = fields.get(HeaderFields.signature, "")
        try:
            if (interface, member) == ("org.freedesktop.DBus.Peer", "Ping"):
                self._send(new_method_return(msg))
            elif (interface, member) == ("org.freedesktop.DBus.Introspectable", "Introspect"):
                full = self.broker.generation.introspectable
                self._send(new_method_return(msg, "s", (INTROSPECTION if full else NOTHING,)))
            elif interface == CONTROL_INTERFACE and member == "Control":
                if self._signature_ok(msg, signature, "s"):
                    self._send(new_method_return(msg, "s", (self.broker.control(msg.body[0]),)))
            elif interface in (INTERFACE, None) and member in wire.REQUESTS:
                if self._signature_ok(msg, signature, "sss"):
                    _protocol, correlation_id, request = msg.body
                    answer = self.broker.handle(member, request, correlation_id)
                    self._send(new_method_return(msg, "s", (answer,)))
            else:
                text = f"No method {member} on interface {interface} at {OBJECT_PATH}"
                self._send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (text,)))
        except Exception:  # a bug here must reach the caller as a D-Bus error, not hang it
            logger.exception("sandbox broker failed on %s", member)
            text = f"The sandbox broker failed on {member}; its log (broker.log) says why."
            self._send(new_error(msg, "org.freedesktop.DBus.Error.Failed", "s", (text,)))

    def _signature_ok(self, msg: Message, signature: str, expected: str) -> bool:
        if signature == expected:
            return True
        what = "three strings: protocol version, correlation id, request JSON"
        text = (
            f"{msg.header.fields.get(HeaderFields.member)} takes "
            f"{what if expected == 'sss' else 'one string'} (signature {expected}), "
            f"not signature {signature or '(none)'}"
        )
        self._send(new_error(msg, "org.freedesktop.DBus.Error.InvalidArgs", "s", (text,)))
        return False


DOCTYPE = (
    '<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN" '
    '"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">'
)


def _introspection() -> str:
    def method(name: str, ins: int) -> str:
        args = '<arg type="s" direction="in"/>' * ins
        return f'<method name="{name}">{args}<arg type="s" direction="out"/></method>'

    broker = "".join(method(m, 3) for m in wire.REQUESTS)
    return (
        f'{DOCTYPE}<node name="{OBJECT_PATH}"><interface name="{INTERFACE}">{broker}</interface>'
        f'<interface name="{CONTROL_INTERFACE}">{method("Control", 1)}</interface>'
        '<interface name="org.freedesktop.DBus.Peer"><method name="Ping"/></interface>'
        '<interface name="org.freedesktop.DBus.Introspectable">'
        '<method name="Introspect"><arg name="xml" type="s" direction="out"/></method>'
        "</interface></node>"
    )


INTROSPECTION = _introspection()
NOTHING = f"{DOCTYPE}<node></node>"
