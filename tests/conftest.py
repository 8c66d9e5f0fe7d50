"""Test set-up shared by every test.

The sandbox (private D-Bus bus, Secret Service, sandbox broker) starts in pytest_configure,
before any test module can import pymsalruntime: the native runtime decides at import, once
per process, whether a broker answers.

Every test starts from the sandbox directory's initial state (no test sees another's scripted
picker answers, delays, consents or forgotten accounts), in any order (pytest-randomly). What
no reset can undo is the native runtime's own cache: it keeps tokens, and sign-outs, per
client id for the whole process. A test that needs the broker to be asked, or that signs an
account out, uses `fresh_profile` (a client id registered for that test alone) or a scope no
other test asks for (`tests.helpers.unique_scope`).
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.core.configurations.profile import Profile
from app.sandbox.launcher import Sandbox

_sandbox: Sandbox | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _sandbox
    _sandbox = Sandbox(storage=True)
    _sandbox.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _sandbox is not None:
        _sandbox.stop()


@pytest.fixture(scope="session")
def sandbox() -> Sandbox:
    assert _sandbox is not None and _sandbox.control is not None
    return _sandbox


@pytest.fixture(scope="session")
def storage(sandbox: Sandbox):  # type: ignore[no-untyped-def]
    """The session's Azurite (HTTPS, OAuth) and its CA."""
    assert sandbox.storage is not None
    return sandbox.storage


@pytest.fixture(autouse=True)
def _initial_directory() -> None:
    """Every test starts with the sandbox broker in the directory's initial state."""
    assert _sandbox is not None and _sandbox.control is not None
    _sandbox.control.reset()


@pytest.fixture
def control(sandbox: Sandbox):  # type: ignore[no-untyped-def]
    """The sandbox broker's control channel (reset before every test)."""
    return sandbox.control


@pytest.fixture
def fresh_profile(control) -> Profile:  # type: ignore[no-untyped-def]
    """The default profile with a client id registered for this test alone: the native
    runtime has no token and no sign-out for it yet, whatever ran before."""
    return Profile(client_id=control.register_application("test"))
