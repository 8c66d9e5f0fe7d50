"""The sandbox the integration tests share: a private D-Bus bus, a Secret Service, the sandbox
broker and Azurite. It starts when this folder's tests are collected (a run of tests/unit
alone never starts it) and stops at the end of the run.

The native runtime decides at import, once per process, whether a broker answers, so the
sandbox is up before any test runs, and so before anything imports pymsalruntime; a unit test
never loads the runtime (if something had loaded it already, the start fails loudly).

Every integration test starts from the sandbox directory's initial state (no test sees
another's scripted picker answers, delays, consents or forgotten accounts), in any order
(pytest-randomly). What no reset can undo is the native runtime's own cache: it keeps tokens,
and sign-outs, per client id for the whole process. A test that needs the broker to be asked,
or that signs an account out, uses `fresh_profile` (a client id registered for that test
alone) or a scope no other test asks for (`tests.helpers.unique_scope`).

The sandbox answers as the broker generation current installs run (2.5: Entra ID's
description redacted to "(pii)"). A test that relies on what only broker 2.0.1 sends (Entra's
full text, AADSTS number included; D-Bus introspection; flat SSO cookies) says so with
`@pytest.mark.broker_generation("2.0.1")`, and gets that generation for its duration.
"""

from __future__ import annotations

import sys

import pytest

from app.core.configurations.profile import Profile
from app.sandbox.launcher import Sandbox

_sandbox: Sandbox | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _sandbox
    config.addinivalue_line(
        "markers",
        "broker_generation(name): the sandbox broker answers as this generation (2.0.1, 2.5)",
    )
    if "pymsalruntime" in sys.modules:
        raise pytest.UsageError(
            "pymsalruntime was imported before the sandbox started: the runtime has decided "
            "there is no broker for this whole process (nothing but tests/integration may load it)"
        )
    _sandbox = Sandbox(storage=True)
    _sandbox.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _sandbox is not None:
        _sandbox.stop()


@pytest.fixture(scope="session")
def sandbox_session() -> Sandbox:
    assert _sandbox is not None and _sandbox.control is not None
    return _sandbox


@pytest.fixture(autouse=True)
def _initial_directory(sandbox_session: Sandbox, request: pytest.FixtureRequest) -> None:
    """Every integration test starts with the sandbox broker in the directory's initial
    state, answering as the generation the test names (the default one otherwise)."""
    assert sandbox_session.control is not None
    sandbox_session.control.reset()
    marker = request.node.get_closest_marker("broker_generation")
    if marker is not None:
        sandbox_session.control.generation(marker.args[0])


@pytest.fixture
def sandbox(sandbox_session: Sandbox) -> Sandbox:
    return sandbox_session


@pytest.fixture(scope="session")
def storage(sandbox_session: Sandbox):  # type: ignore[no-untyped-def]
    """The session's Azurite (HTTPS, behind the storage endpoint: `account_url`) and its CA."""
    assert sandbox_session.storage is not None
    return sandbox_session.storage


@pytest.fixture
def control(sandbox: Sandbox):  # type: ignore[no-untyped-def]
    """The sandbox broker's control channel (reset before every test)."""
    return sandbox.control


@pytest.fixture
def fresh_profile(control) -> Profile:  # type: ignore[no-untyped-def]
    """The default profile with a client id registered for this test alone: the native
    runtime has no token and no sign-out for it yet, whatever ran before."""
    return Profile(client_id=control.register_application("test"))
