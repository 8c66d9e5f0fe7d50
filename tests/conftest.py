"""Test set-up shared by every test.

The sandbox (private D-Bus bus, Secret Service, sandbox broker) starts in pytest_configure,
before any test module can import pymsalruntime: the native runtime decides at import, once
per process, whether a broker answers.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

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


@pytest.fixture
def control(sandbox: Sandbox):  # type: ignore[no-untyped-def]
    """The sandbox broker's control channel, reset to the directory's initial state."""
    assert sandbox.control is not None
    sandbox.control.reset()
    return sandbox.control
