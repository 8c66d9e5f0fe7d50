"""D-Bus activation of the sandbox broker, as a real install has it: the private bus is given a
service directory with a `com.microsoft.identity.broker1.service` file whose Exec starts the
sandbox broker, so `StartServiceByName` starts it and a broker that died is started again by
the next call to its name. The Microsoft package installs
/usr/share/dbus-1/services/com.microsoft.identity.broker1.service, himmelblau ships one
(src/broker/platform/com.microsoft.identity.broker1.service), and linux-entra-sso starts the
broker with StartServiceByName.

The bus configuration is the Debian session bus's (/usr/share/dbus-1/session.conf) with its
standard service directories replaced by the sandbox's one alone: the host's services (a real
broker, a keyring) are never started on the sandbox's bus.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from app.sandbox.broker.bus import BUS_NAME

ROOT = Path(__file__).resolve().parents[3]  # the repository (cwd of `python -m`)
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{services}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
  <limit name="max_incoming_bytes">1000000000</limit>
  <limit name="max_outgoing_bytes">1000000000</limit>
  <limit name="max_message_size">1000000000</limit>
  <limit name="service_start_timeout">120000</limit>
  <limit name="auth_timeout">240000</limit>
  <limit name="max_completed_connections">100000</limit>
  <limit name="max_incomplete_connections">10000</limit>
  <limit name="max_connections_per_user">100000</limit>
  <limit name="max_pending_service_starts">10000</limit>
  <limit name="max_names_per_connection">50000</limit>
  <limit name="max_match_rules_per_connection">50000</limit>
  <limit name="max_replies_per_connection">50000</limit>
</busconfig>
"""


def broker_command(config: Path) -> list[str]:
    """How the broker process starts: a frozen app has no `-m` and runs the service itself
    (app/__main__.py --sandbox-broker)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--sandbox-broker", str(config)]
    return [sys.executable, "-m", "app.sandbox.broker.service", str(config)]


def write_broker_config(workdir: Path, settings: dict[str, Any]) -> Path:
    """The broker's configuration: generation, standing picker answer, state and log files."""
    path = workdir / "broker.json"
    path.write_text(json.dumps(settings))
    return path


def write_bus_config(workdir: Path, config: Path) -> Path:
    """The bus configuration and the activation file (with the script it runs); returns the
    configuration's path for `dbus-daemon --config-file`."""
    services = workdir / "dbus-services"
    services.mkdir(exist_ok=True)
    script = workdir / "broker-service"
    command = shlex.join(broker_command(config))
    script.write_text(f"#!/bin/sh\ncd {shlex.quote(str(ROOT))} || exit 1\nexec {command}\n")
    script.chmod(0o755)
    (services / f"{BUS_NAME}.service").write_text(
        f"[D-BUS Service]\nName={BUS_NAME}\nExec={shlex.quote(str(script))}\n"
    )
    bus_config = workdir / "session.conf"
    bus_config.write_text(BUS_CONFIG.format(services=escape(str(services))))
    return bus_config
