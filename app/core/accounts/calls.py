"""One broker call at a time, app-wide: what the accounts session runs its calls through.

A call asked for while another runs is either queued (a follow-up: a listing, the restored
account's silent token; the newest of a kind wins) or refused with the reason told to the
listener; it is never dropped without a word, nor is a call that fails with nothing to keep.
Cancel stops waiting for the running call (the runner drops its late answer) and for a call
the runtime queued behind an earlier request; queued follow-ups still run. Plain Python: no
Qt.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from app.core.broker.errors import BrokerError, BrokerUnavailable, BrokerUnavailableError
from app.core.broker.records import Account, AccountListing
from app.core.configurations.configuration import Configuration
from app.core.configurations.profile import Profile
from app.core.guidance.advice import Guidance
from app.core.guidance.explain import explain
from app.core.outcomes.outcome import Outcome

logger = logging.getLogger(__name__)


class Running(Protocol):
    def cancel(self) -> None: ...


class Runner(Protocol):
    """Runs fn off the caller's thread; on_success or on_failure back on the caller's thread,
    neither once cancelled (app.ui.common.tasks.TaskRunner)."""

    def run(
        self,
        label: str,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> Running: ...


class Listener:
    """What the session tells whoever shows it. Every method does nothing here: a listener
    overrides what it shows."""

    def busy(self, label: str) -> None:
        """A call started (its label), or the session is idle again ("")."""

    def accounts_changed(self) -> None:
        """The listing, its state, or the active account's place in it changed."""

    def outcomes_changed(self) -> None:
        """What the accounts show under the current configuration may have changed."""

    def outcome_recorded(self, account: Account, config: Configuration, outcome: Outcome) -> None:
        """One answer, kept under the configuration it was asked under."""

    def active_changed(self, account: Account | None) -> None:
        """Whose credential the app uses now (None: nobody's)."""

    def failed(self, advice: Guidance, account: Account | None, config: Configuration) -> None:
        """A call failed without an outcome to keep (a listing, a cancelled sign-in)."""

    def refused(self, text: str) -> None:
        """A call was asked for while another runs and was not started: why."""

    def unavailable(self, reason: BrokerUnavailable) -> None:
        """The broker cannot be used on this machine."""

    def listed(self, listing: AccountListing) -> None:
        """A listing arrived: whether the broker itself answered it."""

    def notice(self, title: str, text: str) -> None:
        """News about what a call did (a sign-out, and what it cannot do)."""

    def interactive_started(self, handle: int) -> None:
        """A call that may show the broker's window over the window with this handle."""


def is_user_cancel(error: BaseException) -> bool:
    """The user closed the broker's window: nothing about the account was decided (a call
    that shows no window was not cancelled by anyone: BrokerError.user_canceled)."""
    return isinstance(error, BrokerError) and error.user_canceled


@dataclass(frozen=True)
class Call:
    """A broker call as it was asked for: the profile and configuration it was asked under
    (captured then, not read when it finishes) and the account it is about, if any."""

    label: str
    profile: Profile
    config: Configuration
    account: Account | None = None
    queued: bool = False  # a follow-up the session queues behind a running call
    keeps_account: bool = True  # a token answer remembers the account (a matrix cell's: no)


@dataclass
class _Pending:
    call: Call
    fn: Callable[[], Any]
    done: Callable[[Any], None]
    failed: Callable[[BaseException], None]


class Broker(Protocol):
    """What the queue needs of the broker (app.core.broker.runtime.Broker)."""

    @property
    def known_unavailable(self) -> BrokerUnavailable | None: ...

    def stop_waiting(self) -> None: ...


class OneAtATime:
    def __init__(self, broker: Broker, runner: Runner, listener: Listener) -> None:
        self.broker = broker
        self.runner = runner
        self.listener = listener
        self.current: Call | None = None
        self._running: Running | None = None
        self._queue: deque[_Pending] = deque()

    def start(
        self,
        call: Call,
        fn: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> bool:
        """Run fn for call unless another call runs: queued if call.queued, else refused."""
        # The runtime loads on the first call, off the GUI thread; once it has failed to load,
        # say why instead of starting calls that cannot work.
        known = self.broker.known_unavailable
        if known is not None:
            self.listener.unavailable(known)
            return False
        pending = _Pending(call, fn, done, failed)
        if self.current is not None:
            if call.queued:
                kept = [p for p in self._queue if p.call.label != call.label]
                self._queue = deque([*kept, pending])  # the newest request of a kind wins
                logger.info("%s waits for %s", call.label, self.current.label)
                return True
            self.listener.refused(
                f"{call.label} was not started: the broker is busy with “{self.current.label}”. "
                "Wait for it to finish, or Cancel it."
            )
            return False
        self._run(pending)
        return True

    def _run(self, pending: _Pending) -> None:
        call = pending.call

        def finish(handler: Callable[[Any], None]) -> Callable[[Any], None]:
            def handle(value: Any) -> None:
                if self.current is not call:  # cancelled meanwhile: the runner dropped it
                    return
                self.current, self._running = None, None
                try:
                    handler(value)
                finally:
                    self._idle()

            return handle

        self.current = call
        self._running = self.runner.run(
            call.label, pending.fn, finish(pending.done), finish(pending.failed)
        )
        self.listener.busy(call.label)

    def _idle(self) -> None:
        if self.current is not None:
            return
        if self._queue:
            self._run(self._queue.popleft())
        else:
            self.listener.busy("")

    def failed(self, error: BaseException, call: Call) -> None:
        """A call that failed with nothing to keep (a listing, a cancelled sign-in), told to
        the listener: why, or that the broker cannot be used on this machine."""
        if isinstance(error, BrokerUnavailableError):
            self.listener.unavailable(error.unavailable)
            return
        advice = explain(error)
        logger.info("%s failed: %s", call.label, advice.code)
        self.listener.failed(advice, call.account, call.config)

    def cancel(self) -> None:
        """Stop waiting for the running call (its late answer is dropped) and for a call the
        runtime queued behind an earlier request; queued follow-ups still run."""
        running, call = self._running, self.current
        if running is None or call is None:
            return
        self.current, self._running = None, None
        running.cancel()
        self.broker.stop_waiting()
        logger.info("cancelled %s", call.label)
        self._idle()

    def close(self) -> None:
        """The app is closing: nothing more is started."""
        self._queue.clear()
        self.cancel()
