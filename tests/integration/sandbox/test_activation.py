"""D-Bus activation of the sandbox broker, as a real install has it (its .service file):
StartServiceByName starts it, and a broker that died is started again by the next call to its
name, raw D-Bus clients and the real runtime alike; what the device knew survives (the state
file). Against second sandboxes: the session's broker is not killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import pytest
from jeepney import DBusAddress, MessageType, new_method_call
from jeepney.io.blocking import open_dbus_connection

from app.sandbox.broker.bus import BUS_NAME, INTERFACE, OBJECT_PATH
from app.sandbox.launcher import Sandbox
from tests.helpers import ROOT

BROKER = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=INTERFACE)
ALREADY_RUNNING, STARTED = 2, 1  # StartServiceByName's replies


@pytest.fixture
def box() -> Iterator[Sandbox]:
    sandbox = Sandbox()
    sandbox.start(export=False)
    yield sandbox
    sandbox.stop()


def killed(sandbox: Sandbox) -> int:
    assert sandbox.control is not None
    pid = sandbox.broker_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    while sandbox.control.owner_pid(BUS_NAME) is not None:
        time.sleep(0.01)
    return pid


def test_start_service_by_name_starts_the_broker(box: Sandbox) -> None:
    assert box.control is not None
    assert box.control.start_service(BUS_NAME) == ALREADY_RUNNING  # the launcher started it so
    before = killed(box)
    assert box.control.start_service(BUS_NAME) == STARTED
    assert box.broker_pid() not in (None, before)
    assert (
        "Activating service name='com.microsoft.identity.broker1'"
        in (box.workdir / "bus.log").read_text()
    )


def test_a_call_to_a_dead_broker_starts_it_again_with_what_the_device_knew(box: Sandbox) -> None:
    assert box.control is not None
    box.control.call("forget", username="diego@fabrikam.example")
    box.control.pick("lee@fabrikam.example")
    before = killed(box)
    conn = open_dbus_connection(bus=box.env["DBUS_SESSION_BUS_ADDRESS"])
    try:
        request = json.dumps({"clientId": "04b07795-8ddb-461a-bbee-02f9e1bf7b46"})
        message = new_method_call(BROKER, "getAccounts", "sss", ("0.0", str(uuid.uuid4()), request))
        reply = conn.send_and_get_reply(message, timeout=30)  # auto-start: no flag forbids it
    finally:
        conn.close()
    assert reply.header.message_type == MessageType.method_return
    usernames = {a["username"] for a in json.loads(reply.body[0])["accounts"]}
    assert "adele@contoso.example" in usernames and "diego@fabrikam.example" not in usernames
    assert box.broker_pid() not in (None, before)
    assert box.control.state()["pick"] == "lee@fabrikam.example"


def test_the_runtime_gets_its_answers_from_a_broker_that_was_started_again(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = subprocess.run(
        [sys.executable, "-m", "tests.integration.sandbox.restarted_broker"],
        capture_output=True, text=True, timeout=180, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["first"] == [7, None]
    # The listing after the kill reached a new broker (the runtime reports no cache-only list).
    assert outcome["listing"][:2] == [7, None]
    assert outcome["token"][:2] == ["adele@contoso.example", False]  # from the broker itself
    first, second, after_listing, now = outcome["pids"]
    assert len({first, second, now}) == 3 and after_listing == second
    assert outcome["restarts"] == 3


def test_without_an_activation_file_a_dead_broker_stays_dead() -> None:
    sandbox = Sandbox(activation=False)
    sandbox.start(export=False)
    try:
        assert sandbox.control is not None
        killed(sandbox)
        with pytest.raises(RuntimeError, match="ServiceUnknown"):
            sandbox.control.start_service(BUS_NAME)
    finally:
        sandbox.stop()
