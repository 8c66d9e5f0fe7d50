"""The headless modes as a user runs them, in a fresh interpreter each: what they write is
private to the user, a settings path that is not a file is explained and left alone, and a
sandboxed run ended by SIGTERM or Ctrl-C leaves no sandbox behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.configurations.profile import Profile
from app.sandbox.broker.control import SandboxControl
from tests.helpers import ROOT

BROKER_NAME = "com.microsoft.identity.broker1"


def app(*args: str, umask: int = 0o022, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m app ARGS` under the usual umask (a plain write would make files 0644)."""
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True, text=True, timeout=180, cwd=ROOT, env={**os.environ, **env},
        preexec_fn=lambda: os.umask(umask),
    )  # fmt: skip


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def matrix_file(tmp_path: Path, client_id: str) -> Path:
    path = tmp_path / "matrix.toml"
    text = (ROOT / "examples" / "sandbox-matrix.toml").read_text()
    path.write_text(text.replace(Profile().client_id, client_id))
    return path


@pytest.mark.broker_generation("2.0.1")  # the example's expectations need Entra's codes
def test_the_matrix_report_and_the_self_test_report_are_private(control, fresh_profile, tmp_path):
    report = tmp_path / "report.json"
    result = app("--matrix", str(matrix_file(tmp_path, fresh_profile.client_id)),
                 "--out", str(report))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(report.read_text())["cells"] and mode(report) == 0o600
    report.chmod(0o644)  # written before: replaced by a private one
    assert app("--matrix", str(tmp_path / "matrix.toml"), "--out", str(report)).returncode == 0
    assert mode(report) == 0o600 and sorted(os.listdir(tmp_path)) == ["matrix.toml", "report.json"]
    checked = tmp_path / "self-test.txt"
    result = app("--self-test", str(checked), XDG_CONFIG_HOME=str(tmp_path / "config"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in checked.read_text() and mode(checked) == 0o600


@pytest.mark.broker_generation("2.0.1")  # the example's expectations need Entra's codes
def test_a_report_into_a_pipe_is_streamed_not_replaced(control, fresh_profile, tmp_path):
    pipe = tmp_path / "report.pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    result = app("--matrix", str(matrix_file(tmp_path, fresh_profile.client_id)),
                 "--out", str(pipe))  # fmt: skip
    reader.join()
    assert result.returncode == 0, result.stderr
    assert len(json.loads(received[0])["cells"]) == 210
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)


def test_a_report_that_cannot_be_written_says_why(control, fresh_profile, tmp_path):
    missing = tmp_path / "gone" / "report.json"
    result = app("--matrix", str(matrix_file(tmp_path, fresh_profile.client_id)),
                 "--out", str(missing))  # fmt: skip
    assert result.returncode == 7  # app.cli.NOT_WRITTEN
    assert f"error: could not write {missing}: The folder is gone: choose another folder" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["pipe", "folder"])
def test_self_test_explains_a_settings_path_that_is_not_a_file_and_leaves_it(
    control, tmp_path, kind
):
    folder = tmp_path / "broker-account-manager"
    folder.mkdir()
    settings = folder / "settings.json"
    os.mkfifo(settings) if kind == "pipe" else settings.mkdir()
    result = app("--self-test", XDG_CONFIG_HOME=str(tmp_path))  # a read would block for ever
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    (line,) = [line for line in result.stdout.splitlines() if "settings:" in line]
    what = "a named pipe (FIFO)" if kind == "pipe" else "a folder"
    assert line.startswith(f"note settings: {settings} is {what}, not a regular file: the app")
    assert os.listdir(folder) == ["settings.json"]
    assert stat.S_ISFIFO(os.stat(settings).st_mode) if kind == "pipe" else settings.is_dir()
    # The commands that read the settings without a window: the defaults, or what is there.
    listed = app("--list-accounts", XDG_CONFIG_HOME=str(tmp_path))
    assert listed.returncode == 0 and "adele@contoso.example" in listed.stdout, listed.stderr
    token = app("token", "--profile", "Default", XDG_CONFIG_HOME=str(tmp_path))
    assert token.returncode == 2  # app.cli.BAD_INPUT
    assert f"error: --profile: {settings} is {what}, not a regular file (not opened)" in (
        token.stderr
    )
    assert os.listdir(folder) == ["settings.json"]


# ---------------------------------------------------------------------------- signals


def descendants(pid: int) -> dict[int, dict[str, str]]:
    """The processes whose parent is pid, with their environment (Linux /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if parent != pid:
                continue
            raw = (entry / "environ").read_bytes().decode(errors="replace").split("\0")
        except (OSError, IndexError, ValueError):  # gone meanwhile
            continue
        found[int(entry.name)] = dict(item.split("=", 1) for item in raw if "=" in item)
    return found


def wait_for(what: str, found: Callable[[], object], process: subprocess.Popen[str]) -> object:
    """found()'s first true value; fails at once if the process ended first."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        if process.poll() is not None:
            raise AssertionError(f"ended before {what}: {process.communicate()}")
        time.sleep(0.02)
    raise AssertionError(f"no {what} within 120 s")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


MODES = {
    "--list-accounts": (["--list-accounts"], "getAccounts"),
    "--matrix": (["--matrix", "MATRIX"], "getAccounts"),
    "--self-test": (["--self-test"], "getAccounts"),
    "token": (["token", "--account", "adele@contoso.example"], "getAccounts"),
}


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("mode_name", MODES)
def test_a_signal_mid_run_tears_the_sandbox_down(tmp_path, mode_name, number):
    """The run is held inside its first broker call (the sandbox broker delays its answer),
    then gets the signal, as `kill` or Ctrl-C would send it."""
    args, method = MODES[mode_name]
    client = Profile().client_id
    args = [str(matrix_file(tmp_path, client)) if a == "MATRIX" else a for a in args]
    # The run's sandbox folder goes here, where no other run's is: short, as the keyring's
    # socket inside it must fit in a socket address (108 bytes).
    temp = Path(tempfile.mkdtemp(prefix="bam-"))
    env = {**os.environ, "TMPDIR": str(temp), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    # `token` is a command of its own: its --sandbox comes after it.
    command = ["token", "--sandbox", *args[1:]] if args[0] == "token" else ["--sandbox", *args]
    process = subprocess.Popen(
        [sys.executable, "-m", "app", *command], cwd=ROOT, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        ours = os.environ.get("DBUS_SESSION_BUS_ADDRESS")

        def its_bus() -> str | None:
            for environment in descendants(process.pid).values():
                address = environment.get("DBUS_SESSION_BUS_ADDRESS")
                if address and address != ours:
                    return address
            return None

        control = SandboxControl(str(wait_for("its sandbox's bus", its_bus, process)))
        try:
            control.wait_for_name(BROKER_NAME, timeout=120)
            control.delay(method, 300, count=10)  # before the run gets that far (Azurite first)
            wait_for(f"a {method} call", lambda: control.calls(method), process)
        finally:
            control.close()
        (workdir,) = temp.glob("broker-sandbox-*")
        assert (workdir / "sandbox-ca.pem").exists()  # up, with its keys
        children = list(descendants(process.pid))
        process.send_signal(number)
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        left = list(temp.glob("broker-sandbox-*"))
        shutil.rmtree(temp)
    assert process.returncode == 128 + number, err[-2000:]
    assert "Traceback" not in err
    assert left == []
    assert [pid for pid in children if alive(pid)] == []
