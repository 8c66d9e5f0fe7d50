"""What the broker benchmarks share: a sandbox of their own, and the raw pymsalruntime calls
the app is measured against (the same native functions with nothing in between but a wait
for the callback)."""

from __future__ import annotations

import logging
import os
import sys
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.broker import platform
from app.core.configurations.profile import Profile
from app.sandbox.launcher import Sandbox


def start_sandbox() -> Sandbox:
    """A private sandbox, exported before pymsalruntime is imported. Not start(export=True):
    that also unlinks runtime locks, which other processes on this machine may be holding."""
    logging.basicConfig(level=logging.ERROR)  # the runtime's warnings would drown the figures
    sandbox = Sandbox()
    os.environ.update(sandbox.start(export=False))
    return sandbox


def wait(start: Callable[[Callable[[Any], None]], Any], timeout: float = 60.0) -> Any:
    """Start a native call, wait for its callback, raise on its error, return its result."""
    done = threading.Event()
    results: list[Any] = []

    def callback(result: Any) -> None:
        results.append(result)
        done.set()

    start(callback)
    if not done.wait(timeout):
        raise TimeoutError("the runtime did not call back")
    error = results[0].get_error()
    if error:
        raise RuntimeError(f"{error.get_status()}: {error.get_error_code()}")
    return results[0]


def auth_parameters(rt: Any, profile: Profile) -> Any:
    params = rt.MSALRuntimeAuthParameters(profile.client_id, profile.authority)
    params.set_requested_scopes(list(profile.scopes))
    params.set_redirect_uri(platform.current().redirect_uri)
    return params


def cid() -> str:
    return str(uuid.uuid4())


def short(username: str) -> str:
    return username.split("@")[0]
