"""Run by tests/integration/sandbox/test_activation.py in a fresh interpreter: `python -m
tests.integration.sandbox.restarted_broker`. Its own sandbox (the broker is killed here), the
real runtime against it: the broker is killed with SIGKILL twice, and what the runtime then
answered is printed as JSON."""

from __future__ import annotations

import json
import os
import signal
import time
from typing import Any

from app.sandbox.broker.bus import BUS_NAME
from app.sandbox.launcher import Sandbox
from tests.helpers import unique_scope


def kill(sandbox: Sandbox) -> int:
    assert sandbox.control is not None
    pid = sandbox.broker_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    while sandbox.control.owner_pid(BUS_NAME) is not None:  # the bus saw it go
        time.sleep(0.01)
    return pid


def scenario(sandbox: Sandbox) -> dict[str, Any]:
    from app.core.broker.runtime import Broker
    from app.core.configurations.profile import Profile

    broker, profile = Broker(timeout=30), Profile()
    first = broker.list_accounts(profile)
    adele = next(a for a in first.accounts if a.username.startswith("adele@"))
    killed = [kill(sandbox)]
    started = time.monotonic()
    listing = broker.list_accounts(profile)
    listed_in = time.monotonic() - started
    after_listing = sandbox.broker_pid()
    killed.append(kill(sandbox))
    started = time.monotonic()
    token = broker.acquire_token_silently(adele, profile, (unique_scope(),))
    token_in = time.monotonic() - started
    return {
        "first": [len(first.accounts), first.unreachable],
        "listing": [len(listing.accounts), listing.unreachable, round(listed_in, 3)],
        "token": [token.account.username, token.from_cache, round(token_in, 3)],
        "pids": [*killed, after_listing, sandbox.broker_pid()],
        "restarts": sandbox.broker_log().count("sandbox broker serving"),
    }


def main() -> None:
    sandbox = Sandbox()
    os.environ.update(sandbox.start(export=False))  # before pymsalruntime is imported
    try:
        outcome = scenario(sandbox)
    finally:
        sandbox.stop()
    print(json.dumps(outcome))


if __name__ == "__main__":
    main()
