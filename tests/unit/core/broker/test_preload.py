"""The gate that holds the runtime's import while the window's sandbox starts (preload.py).
Threads only: nothing here loads the runtime."""

from __future__ import annotations

import threading

import pytest

from app.core.broker import preload
from app.core.broker.errors import BrokerUnavailable


@pytest.fixture(autouse=True)
def _released():  # type: ignore[no-untyped-def]
    yield
    preload.release()


def waiter() -> tuple[threading.Thread, list[BrokerUnavailable | None]]:
    got: list[BrokerUnavailable | None] = []
    thread = threading.Thread(target=lambda: got.append(preload.wait()), daemon=True)
    thread.start()
    return thread, got


def test_wait_returns_at_once_when_nothing_holds_it():
    assert not preload.held()
    assert preload.wait() is None


def test_a_held_import_waits_until_released():
    preload.hold()
    thread, got = waiter()
    thread.join(0.2)
    assert thread.is_alive() and got == [] and preload.held()
    preload.release()
    thread.join(5)
    assert got == [None] and not preload.held()


def test_a_sandbox_that_did_not_start_is_the_answer_and_a_new_hold_forgets_it():
    refusal = BrokerUnavailable("sandbox", "The sandbox's services did not start: x", "Fix x")
    preload.hold()
    thread, got = waiter()
    preload.release(refusal)
    thread.join(5)
    assert got == [refusal]
    assert preload.wait() is refusal  # until the sandbox is started again
    preload.hold()
    preload.release()
    assert preload.wait() is None
