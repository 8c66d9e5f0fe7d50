"""Waiting for the native runtime's callbacks, with our own deadline.

The runtime sends one request to the broker at a time: a call that needs the broker waits,
inside the runtime, behind any earlier one the broker has not answered, even one whose
deadline we gave up on (measured with 0.20.7: while the broker held a silent call, the next
silent call and discover waited for it; cached tokens and account reads did not). So every
call not answered yet, abandoned or not, is kept in one process-wide register, and a call
whose deadline passes while an earlier one is still unanswered waits for that one (bounded;
the UI can stop waiting) and then gets its own deadline again, instead of failing with a
timeout that a retry cannot fix. Nothing here imports pymsalruntime.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from app.core.broker.errors import BrokerBusy, BrokerTimeout

logger = logging.getLogger(__name__)
T = TypeVar("T")


class _Call:
    """One native call: the first of (answer, deadline) wins; a late answer is dropped."""

    def __init__(self, operation: str, keep: tuple[Any, ...]) -> None:
        self.operation = operation
        # The native objects the call was given stay alive until it is answered, even after
        # we gave up on it: the runtime may still be using them.
        self.keep: tuple[Any, ...] = keep
        self.started = time.monotonic()
        self.done = threading.Event()
        self.abandoned = False
        self.value: Any = None
        self.error: BaseException | None = None


class _Register:
    """The native calls not answered yet, oldest first."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.calls: list[_Call] = []
        self.late_answers_dropped = 0
        self.stops = 0  # stop_waiting() calls so far

    def add(self, call: _Call) -> None:
        with self.changed:
            self.calls.append(call)

    def remove(self, call: _Call) -> None:
        with self.changed:
            if call in self.calls:
                self.calls.remove(call)
            call.keep = ()
            self.changed.notify_all()

    def settle(self, call: _Call, value: Any = None, error: BaseException | None = None) -> None:
        with self.changed:
            self.remove(call)
            if call.abandoned:
                self.late_answers_dropped += 1
                logger.info("dropped a late answer to %s", call.operation)
                return
            call.value, call.error = value, error
            call.done.set()

    def abandon(self, call: _Call) -> tuple[bool, _Call | None]:
        """Whether the deadline won (no answer had arrived), and the oldest earlier call
        still unanswered then."""
        with self.changed:
            if call.done.is_set():
                return False, None
            call.abandoned = True
            return True, self.earlier(call)

    def earlier(self, call: _Call | None = None) -> _Call | None:
        """The oldest unanswered call started before `call` (before now if None)."""
        with self.changed:
            oldest = self.calls[0] if self.calls else None
            return None if oldest is call else oldest

    def wait_behind(self, call: _Call, limit: float) -> bool:
        """Until `call` is answered or every call before it is (True), or `limit` s pass or
        stop_waiting() is called (False)."""

        def free() -> bool:
            return call.done.is_set() or self.earlier(call) is None

        with self.changed:
            stops = self.stops
            self.changed.wait_for(lambda: free() or self.stops != stops, limit)
            return free()


_register = _Register()


def late_answers_dropped() -> int:
    """How many answers arrived after their caller had given up (process-wide)."""
    return _register.late_answers_dropped


def busy_with() -> tuple[str, float] | None:
    """The oldest native call still unanswered, as (operation, seconds since it started): a
    new call that needs the broker will wait behind it. Never blocks (the GUI thread asks)."""
    oldest = _register.earlier()
    return None if oldest is None else (oldest.operation, time.monotonic() - oldest.started)


def stop_waiting() -> None:
    """Calls waiting behind an earlier request give up now (BrokerBusy), which frees their
    threads: the user chose Cancel."""
    with _register.changed:
        _register.stops += 1
        _register.changed.notify_all()


def call_native(
    operation: str,
    start: Callable[[Callable[[Any], None]], Any],
    extract: Callable[[Any], T],
    timeout: float,
    busy_timeout: float,
    keep: tuple[Any, ...] = (),
) -> T:
    """Start a native call with `start(callback)` and return `extract(result)` from its
    callback (run on the runtime's thread). BrokerTimeout when the deadline passes; BrokerBusy
    when an earlier call was still unanswered after `timeout + busy_timeout`."""
    call = _Call(operation, keep)

    def callback(result: Any) -> None:
        try:
            _register.settle(call, value=extract(result))
        except BaseException as exc:  # a raising callback would leave the caller waiting
            # Without the runtime thread's frames: they hold the native result alive.
            _register.settle(call, error=exc.with_traceback(None))

    _register.add(call)
    try:
        handle = start(callback)
    except BaseException:
        _register.remove(call)
        raise
    if not call.done.wait(timeout):
        earlier = _register.earlier(call)
        if earlier is not None:
            logger.info("%s waits for the broker to answer %s", operation, earlier.operation)
            if _register.wait_behind(call, busy_timeout):
                call.done.wait(timeout)
    gave_up, earlier = _register.abandon(call)
    if gave_up:
        try:
            handle.cancel_async_operation()
        except Exception:  # best effort; the native call may not be cancellable
            logger.debug("cancel_async_operation failed for %s", operation, exc_info=True)
        if earlier is not None:
            now = time.monotonic()
            waited, age = now - call.started, now - earlier.started
            raise BrokerBusy(operation, waited, earlier.operation, age)
        raise BrokerTimeout(operation, timeout)
    if call.error is not None:
        raise call.error
    return call.value  # type: ignore[no-any-return]


def correlation_id() -> str:
    """A new id for one native call (the runtime passes it to the broker and Entra ID)."""
    import uuid  # here, not at start-up: it imports `platform` (~2 ms)

    return str(uuid.uuid4())


def require_handle(handle: int) -> int:
    """The parent window's native handle an interactive call needs (HWND on Windows)."""
    if not isinstance(handle, int) or handle <= 0:
        raise ValueError("Interactive broker calls need the parent window's native handle")
    return handle
