"""One broker call at a time (app.core.accounts.calls): queued follow-ups, refusals with a
reason, Cancel, nothing started once the broker is known to be unavailable, and a failed call
told with the reason."""

from __future__ import annotations

from typing import Any

from app.core.accounts.calls import Call, Listener, OneAtATime
from app.core.broker.errors import BrokerError, BrokerUnavailable, BrokerUnavailableError
from app.core.configurations.configuration import Configuration
from app.core.configurations.profile import Profile
from app.core.guidance.advice import Guidance
from tests.stubs import FakeBroker, ManualRunner, account


class Heard(Listener):
    def __init__(self) -> None:
        self.busy_labels: list[str] = []
        self.refusals: list[str] = []
        self.unavailable_reasons: list[BrokerUnavailable] = []
        self.failures: list[tuple[Guidance, Any, Configuration]] = []

    def busy(self, label: str) -> None:
        self.busy_labels.append(label)

    def refused(self, text: str) -> None:
        self.refusals.append(text)

    def unavailable(self, reason: BrokerUnavailable) -> None:
        self.unavailable_reasons.append(reason)

    def failed(self, advice: Guidance, account: Any, config: Configuration) -> None:
        self.failures.append((advice, account, config))


def call(label: str, queued: bool = False) -> Call:
    return Call(label, Profile(), Configuration(), queued=queued)


def setup() -> tuple[OneAtATime, ManualRunner, FakeBroker, Heard, list[Any]]:
    broker, runner, heard = FakeBroker(), ManualRunner(), Heard()
    done: list[Any] = []
    return OneAtATime(broker, runner, heard), runner, broker, heard, done


def start(calls: OneAtATime, done: list[Any], c: Call, value: Any = None) -> bool:
    return calls.start(c, lambda: value or c.label, done.append, done.append)


def test_a_second_call_is_refused_with_the_running_ones_name():
    calls, runner, _, heard, done = setup()
    assert start(calls, done, call("Signing in"))
    assert not start(calls, done, call("Getting a token"))
    assert runner.waiting == ["Signing in"]
    assert heard.refusals == [
        "Getting a token was not started: the broker is busy with “Signing in”. "
        "Wait for it to finish, or Cancel it."
    ]


def test_follow_ups_wait_and_the_newest_of_a_kind_wins():
    calls, runner, _, heard, done = setup()
    start(calls, done, call("Signing in"))
    start(calls, done, call("Listing accounts", queued=True), "first")
    start(calls, done, call("Listing accounts", queued=True), "second")
    runner.finish_all()
    assert done == ["Signing in", "second"]
    assert heard.busy_labels == ["Signing in", "Listing accounts", ""]


def test_cancel_drops_the_late_answer_stops_the_runtimes_wait_and_runs_what_waits():
    calls, runner, broker, _, done = setup()
    start(calls, done, call("Signing in"))
    start(calls, done, call("Listing accounts", queued=True))
    calls.cancel()
    assert broker.stopped == 1 and calls.current is not None
    assert calls.current.label == "Listing accounts"
    runner.finish_all()
    assert done == ["Listing accounts"] and calls.current is None


def test_close_starts_nothing_more():
    calls, runner, _, _, done = setup()
    start(calls, done, call("Signing in"))
    start(calls, done, call("Listing accounts", queued=True))
    calls.close()
    runner.finish_all()
    assert done == [] and calls.current is None


def test_nothing_starts_once_the_broker_is_known_unavailable():
    calls, runner, broker, heard, done = setup()
    broker.known_unavailable = BrokerUnavailable("no-broker", "none", "install one")
    assert not start(calls, done, call("Listing accounts", queued=True))
    assert runner.waiting == [] and heard.unavailable_reasons == [broker.known_unavailable]


def test_a_failed_call_is_told_with_its_reason_and_an_unusable_broker_as_such():
    calls, runner, _, heard, done = setup()
    adele = account("adele")
    asked = Call("Signing in again", Profile(), Configuration(tenant="organizations"), adele)

    def refused() -> None:
        raise BrokerError("InteractionRequired", 6)

    assert calls.start(asked, refused, done.append, lambda e: calls.failed(e, asked))
    runner.finish()
    ((advice, who, config),) = heard.failures
    assert advice.code == "InteractionRequired" and advice.title == "Sign-in required"
    assert who is adele and config is asked.config
    reason = BrokerUnavailable("no-broker", "none here", "install one")
    calls.failed(BrokerUnavailableError(reason), asked)
    assert heard.unavailable_reasons == [reason] and len(heard.failures) == 1
    assert done == [] and heard.busy_labels == ["Signing in again", ""]
