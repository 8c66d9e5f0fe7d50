"""The transfer list's order and states: one runs at a time, the others wait in order; a
waiting one cancelled never runs; Retry puts a cancelled or failed one last in line; Clear
finished keeps what is still to run; and what each state says."""

from __future__ import annotations

from app.core.guidance.advice import Guidance
from app.core.storage.transfers import State, TransferQueue, details, state_text

GONE = Guidance("NotFound", "The file is gone", "/tmp/a.txt does not exist (any more).",
                "Choose another folder, then try again.", local=True)  # fmt: skip


def three() -> tuple[TransferQueue, list]:  # type: ignore[type-arg]
    queue = TransferQueue()
    return queue, [queue.add(f"Uploading {n} to box/", job=n) for n in "abc"]


def test_one_runs_at_a_time_in_the_order_asked() -> None:
    queue, (a, b, c) = three()
    assert queue.next() is a and a.state is State.RUNNING and a.attempts == 1
    assert queue.next() is None  # a runs: b and c wait
    assert [e.state for e in (b, c)] == [State.WAITING, State.WAITING]
    assert (queue.ahead_of(b), queue.ahead_of(c)) == (1, 2)
    queue.done(a, "3.0 MB")
    assert queue.next() is b
    queue.failed(b, GONE)
    assert queue.next() is c and queue.running is c


def test_a_waiting_transfer_cancelled_never_runs_and_the_running_one_is_the_callers_to_stop() -> (
    None
):
    queue, (a, b, c) = three()
    queue.next()
    assert queue.cancel(b, "never started") is False  # nothing to stop: it is simply out
    assert b.state is State.CANCELLED and b.outcome == "never started"
    assert queue.cancel(a, "ignored") is True and a.state is State.RUNNING  # until it stops
    queue.cancelled(a, "nothing was written")
    assert queue.next() is c and queue.next() is None
    assert queue.cancel(queue.entries[0], "x") is False  # a finished one: nothing happens
    assert queue.entries[0].outcome == "nothing was written"


def test_retry_puts_a_failed_or_cancelled_transfer_last_in_line_and_only_those() -> None:
    queue, (a, b, c) = three()
    queue.next()
    queue.failed(a, GONE)
    assert queue.retry(b) is False  # waiting: nothing to retry
    assert queue.retry(a) is True
    assert queue.entries == [b, c, a] and a.state is State.WAITING and a.advice is None
    assert queue.next() is b
    queue.done(b, "1 B")
    assert queue.retry(b) is False  # done
    queue.next()
    queue.done(c, "1 B")
    assert queue.next() is a and a.attempts == 2


def test_clear_finished_keeps_what_waits_or_runs() -> None:
    queue, (a, b, c) = three()
    queue.next()
    queue.done(a, "1 B")
    queue.next()
    assert queue.clear_finished() == [a]
    assert queue.entries == [b, c]
    queue.cancel(c, "never started")
    queue.failed(b, GONE)
    assert queue.clear_finished() == [b, c] and queue.entries == []


def test_what_each_state_says() -> None:
    queue, (a, b, c) = three()
    assert state_text(a) == "Waiting"
    assert state_text(b, ahead=2) == "Waiting (2 ahead)"
    queue.next()
    assert state_text(a) == "Starting…"
    assert state_text(a, 3 * 2**19, 3 * 2**20) == "50% · 1.5 MB of 3.0 MB"
    queue.done(a, "3.0 MB")
    assert state_text(a) == "Done — 3.0 MB"
    queue.cancel(b, "never started: nothing was sent")
    assert state_text(b) == "Cancelled — never started: nothing was sent"
    queue.next()
    queue.failed(c, GONE)
    assert state_text(c) == "Failed — The file is gone"
    assert details(c).splitlines() == [
        "Uploading c to box/", "Failed — The file is gone",
        "/tmp/a.txt does not exist (any more).",
        "What to do: Choose another folder, then try again.",
    ]  # fmt: skip
