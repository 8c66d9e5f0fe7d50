"""Small helpers shared by tests: sandbox ids, JWT claim reading (display only), waiting out
requests the sandbox broker was told to hold."""

from __future__ import annotations

import base64
import json
import time
import uuid
from pathlib import Path
from typing import Any

from app.core.broker.runtime import Broker

ROOT = Path(__file__).resolve().parents[1]  # the repository
CONTOSO = "4c5aa37b-6bdb-5753-8e91-ca41367d74b3"
FABRIKAM = "e5ee36fe-9da9-5ff8-81da-b4d64ed573cc"


def claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))  # type: ignore[no-any-return]


def unique_scope() -> str:
    """A scope no other test asked for, so the native token cache cannot answer it."""
    return f"api://sandbox-{uuid.uuid4().hex[:12]}/.default"


def wait_until_the_broker_is_free(timeout: float = 30.0) -> None:
    """Held requests outlive a test (the runtime queues later ones behind them): let them
    finish so the next test starts clean."""
    deadline = time.monotonic() + timeout
    while Broker.busy_with() is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert Broker.busy_with() is None
