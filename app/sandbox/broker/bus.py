"""The sandbox broker on D-Bus: its names, and the server that hands each method call to the
broker on a thread of its own (a held reply never blocks Ping or Control), checks argument
signatures, and answers introspection the way the real service does."""

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
        member = str(fields.get(HeaderFields.member))
        interface = fields.get(HeaderFields.interface)
        signature = fields.get(HeaderFields.signature, "")
        try:
            if (interface, member) == ("org.freedesktop.DBus.Peer", "Ping"):
                self._send(new_method_return(msg))
            elif (interface, member) == ("org.freedesktop.DBus.Introspectable", "Introspect"):
                self._send(new_method_return(msg, "s", (INTROSPECTION,)))
            elif interface == CONTROL_INTERFACE and member == "Control":
                if self._signature_ok(msg, signature, "s"):
                    self._send(new_method_return(msg, "s", (self.broker.control(msg.body[0]),)))
            elif interface in (INTERFACE, None) and member in wire.REQUESTS:
                if self._signature_ok(msg, signature, "sss"):
                    _protocol, correlation, request = msg.body
                    answer = self.broker.handle(member, request, correlation)
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


def _introspection() -> str:
    def method(name: str, args: str) -> str:
        ins = "".join(f'<arg name="{a}" type="s" direction="in"/>' for a in args.split())
        return (
            f'<method name="{name}">{ins}<arg name="response" type="s" direction="out"/></method>'
        )

    broker = "".join(method(m, "protocolVersion correlationId request") for m in wire.REQUESTS)
    return (
        '<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN" '
        '"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">'
        f'<node><interface name="{INTERFACE}">{broker}</interface>'
        f'<interface name="{CONTROL_INTERFACE}">{method("Control", "command")}</interface>'
        '<interface name="org.freedesktop.DBus.Peer"><method name="Ping"/></interface>'
        '<interface name="org.freedesktop.DBus.Introspectable">'
        '<method name="Introspect"><arg name="xml" type="s" direction="out"/></method>'
        "</interface></node>"
    )


INTROSPECTION = _introspection()
