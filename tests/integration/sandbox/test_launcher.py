"""Starting and stopping a sandbox: a SECOND Sandbox next to the session-wide one.

It gets its own private bus and is started with `export=False`, so this process's
os.environ (and with it the bus pymsalruntime talks to) stays on the session sandbox.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.sandbox import launcher
from app.sandbox.launcher import Sandbox, SandboxError
from app.sandbox.processes import unguarded

KNOWN = [
    "adele@contoso.example",
    "alex@outlook.example",
    "carl@contoso.example",
    "diego@fabrikam.example",
    "lee@fabrikam.example",
    "megan@contoso.example",
    "nestor@contoso.example",
]


def environ() -> dict[str, str]:
    """os.environ without the variable pytest itself rewrites at every phase of a test."""
    return {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # Still in the process table: only acceptable as a zombie (its parent reaps it later).
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"


def group_gone(pgid: int) -> bool:
    """No process of the group runs: each is gone or a zombie (the activated broker's parent
    is init, which reaps it in its own time)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return False
    return True


@pytest.fixture
def second() -> Iterator[Sandbox]:
    environ_before = environ()
    box = Sandbox()
    try:
        env = box.start(export=False)
        assert env is box.env
        assert environ() == environ_before, "start(export=False) changed os.environ"
        yield box
    finally:
        box.stop()
    assert environ() == environ_before


def test_second_sandbox_runs_its_own_bus(second: Sandbox, sandbox: Sandbox) -> None:
    address = second.env["DBUS_SESSION_BUS_ADDRESS"]
    assert address and address != sandbox.env["DBUS_SESSION_BUS_ADDRESS"]
    assert os.environ["DBUS_SESSION_BUS_ADDRESS"] == sandbox.env["DBUS_SESSION_BUS_ADDRESS"]
    assert second.workdir != sandbox.workdir
    assert second.env["XDG_DATA_HOME"].startswith(str(second.workdir))
    assert second.env["XDG_RUNTIME_DIR"].startswith(str(second.workdir))


def test_all_children_alive_after_start(second: Sandbox) -> None:
    assert len(second.procs) == 3
    commands = [unguarded(p.args) for p in second.procs]  # type: ignore[arg-type]
    assert [Path(c[0]).name for c in commands[:2]] == ["dbus-daemon", "gnome-keyring-daemon"]
    assert commands[2][1:3] == ["-m", "app.sandbox.gateway"]
    for proc in second.procs:
        assert proc.poll() is None, f"{proc.args} exited with {proc.returncode}"
        os.kill(proc.pid, 0)  # raises if the pid is gone
        assert not gone(proc.pid)
    # The broker is the bus's child: D-Bus activation started it (activation.py).
    broker = second.broker_pid()
    assert broker is not None and not gone(broker)
    command = Path(f"/proc/{broker}/cmdline").read_bytes().split(b"\0")
    assert command[1:3] == [b"-m", b"app.sandbox.broker.service"]


def test_the_environment_points_programs_at_loopback_only(second: Sandbox) -> None:
    proxy = second.env["HTTPS_PROXY"]
    assert proxy.startswith("http://127.0.0.1:") and second.env["https_proxy"] == proxy
    assert second.env["HTTP_PROXY"] == proxy
    assert set(second.env["NO_PROXY"].split(",")) == {"localhost", "127.0.0.1", "::1"}
    bundle = Path(second.env["REQUESTS_CA_BUNDLE"])
    assert second.env["SSL_CERT_FILE"] == str(bundle) and bundle.is_relative_to(second.workdir)
    sandbox_ca = (second.workdir / "sandbox-ca.pem").read_text()
    assert bundle.read_text().startswith(sandbox_ca)
    assert bundle.read_text().count("BEGIN CERTIFICATE") > 100  # the public CAs stay trusted
    assert "AZURE_STORAGE_ACCOUNT_URL" not in second.env  # no storage asked for


def test_control_channel_answers_state(second: Sandbox) -> None:
    assert second.control is not None
    state = second.control.state()
    assert state["known"] == KNOWN
    assert (state["calls"], state["pending"], state["script"]) == ([], [], [])
    assert state["pick"] is None


def test_second_broker_is_independent_of_the_session_one(
    second: Sandbox,
    control,  # type: ignore[no-untyped-def]  # the session sandbox's control, reset
) -> None:
    assert second.control is not None
    second.control.script_picker("diego@fabrikam.example")
    second.control.call("forget", username="adele@contoso.example")
    assert second.control.state()["script"] == ["diego@fabrikam.example"]
    session_state = control.state()
    assert session_state["script"] == []
    assert "adele@contoso.example" in session_state["known"]


def test_stop_ends_every_child_and_removes_the_workdir(
    sandbox: Sandbox,
    control,  # type: ignore[no-untyped-def]
) -> None:
    box = Sandbox()
    try:
        box.start(export=False)
        pids = [p.pid for p in box.procs]
        broker = box.broker_pid()
        workdir = box.workdir
        assert len(pids) == 3 and broker is not None and workdir.is_dir()
        assert (workdir / "broker.log").exists()
    finally:
        box.stop()

    for pid in pids:
        assert gone(pid), f"child {pid} still running after stop()"
        # start_new_session: each child led its own group; nothing it spawned may survive.
        assert group_gone(pid), f"process group {pid} still has members after stop()"
    assert gone(broker), "the activated broker outlived its bus"
    assert not workdir.exists()
    assert box.procs == [] and box.control is None
    box.stop()  # stopping twice is harmless

    # ... and the session sandbox was not touched.
    assert control.state()["known"] == KNOWN


def test_a_missing_tool_names_the_debian_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A mock: the real machine has gnome-keyring-daemon installed, so pretend it does not.
    real_which = shutil.which

    def which(name: str, *args: object, **kwargs: object) -> str | None:
        return None if name == "gnome-keyring-daemon" else real_which(name)

    monkeypatch.setattr(launcher.shutil, "which", which)
    environ_before = environ()
    box = Sandbox(workdir=tmp_path)
    with pytest.raises(SandboxError) as info:
        box.start(export=False)
    message = str(info.value)
    assert "gnome-keyring-daemon" in message
    assert "Debian package" in message and "gnome-keyring" in message
    assert "dbus-daemon," not in message  # only the missing tool is named as missing
    assert box.procs == [] and box.env == {}  # nothing was started
    assert environ() == environ_before
