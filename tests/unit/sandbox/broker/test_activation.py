"""The files D-Bus activation of the sandbox broker needs: the bus configuration (the session
bus's, with the sandbox's service directory instead of the host's), the .service file and the
script it runs. Started for real: tests/integration/sandbox/test_activation.py."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from app.sandbox.broker import activation


def test_the_bus_looks_for_services_only_in_the_sandbox(tmp_path: Path) -> None:
    config = activation.write_broker_config(tmp_path, {"generation": "2.5"})
    bus = activation.write_bus_config(tmp_path, config).read_text()
    assert f"<servicedir>{tmp_path / 'dbus-services'}</servicedir>" in bus
    assert "standard_session_servicedirs" not in bus and "<include" not in bus
    assert "<type>session</type>" in bus and '<allow own="*"/>' in bus


def test_the_service_file_starts_the_sandbox_broker(tmp_path: Path) -> None:
    config = activation.write_broker_config(tmp_path, {"generation": "2.0.1"})
    activation.write_bus_config(tmp_path, config)
    service = (tmp_path / "dbus-services" / "com.microsoft.identity.broker1.service").read_text()
    assert service.splitlines()[:2] == ["[D-BUS Service]", "Name=com.microsoft.identity.broker1"]
    script = Path(shlex.split(service.splitlines()[2].removeprefix("Exec="))[0])
    assert script.stat().st_mode & 0o111  # executable
    lines = script.read_text().splitlines()
    assert lines[0] == "#!/bin/sh" and lines[1].startswith(f"cd {activation.ROOT}")
    assert shlex.split(lines[2]) == [
        "exec",
        sys.executable,
        "-m",
        "app.sandbox.broker.service",
        str(config),
    ]
