"""The blob pane's transfer list: every download and upload asked for, in the order asked,
one running at a time, the others waiting; what each became (done, cancelled, failed and
why), a Retry for those that did not complete, and "Clear finished".

Plain Python: what a transfer does is the caller's (`job`, opaque here); this is only the
order and the states, and what each state says in the list.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Protocol

from app.core.storage.details import human_size


class Told(Protocol):
    """Why it failed and what to do (app.core.guidance's Guidance: storage imports no
    guidance, the caller explains the error)."""

    @property
    def title(self) -> str: ...
    @property
    def explanation(self) -> str: ...
    @property
    def fix(self) -> str: ...


class State(enum.Enum):
    WAITING = "Waiting"
    RUNNING = "Running"
    DONE = "Done"
    CANCELLED = "Cancelled"
    FAILED = "Failed"


FINISHED = frozenset({State.DONE, State.CANCELLED, State.FAILED})
RETRYABLE = frozenset({State.CANCELLED, State.FAILED})


@dataclass(eq=False)
class Entry:
    """One transfer in the list. `outcome`: what it left (Done: the size; Cancelled: that
    nothing partial was left); `advice`: why it failed and what to do, as the banner says it."""

    label: str  # "Downloading big.bin to /home/megan/big.bin"
    job: Any = None
    account_url: str = ""  # where it goes to or comes from: Retry needs the pane there
    state: State = State.WAITING
    outcome: str = ""
    advice: Told | None = None
    attempts: int = 0


class TransferQueue:
    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def add(self, label: str, job: Any = None, account_url: str = "") -> Entry:
        entry = Entry(label, job, account_url)
        self.entries.append(entry)
        return entry

    @property
    def running(self) -> Entry | None:
        return next((e for e in self.entries if e.state is State.RUNNING), None)

    def waiting(self) -> list[Entry]:
        return [e for e in self.entries if e.state is State.WAITING]

    def next(self) -> Entry | None:
        """The first waiting transfer, now running; None while one runs or none waits."""
        if self.running is not None:
            return None
        entry = next(iter(self.waiting()), None)
        if entry is not None:
            entry.state, entry.outcome, entry.advice = State.RUNNING, "", None
            entry.attempts += 1
        return entry

    def done(self, entry: Entry, outcome: str) -> None:
        entry.state, entry.outcome = State.DONE, outcome

    def cancelled(self, entry: Entry, outcome: str) -> None:
        entry.state, entry.outcome = State.CANCELLED, outcome

    def failed(self, entry: Entry, advice: Told) -> None:
        entry.state, entry.advice = State.FAILED, advice

    def cancel(self, entry: Entry, outcome: str) -> bool:
        """A waiting transfer is cancelled here and never runs (False); a running one must be
        stopped by the caller (True): it is Cancelled once its worker has stopped."""
        if entry.state is State.WAITING:
            self.cancelled(entry, outcome)
            return False
        return entry.state is State.RUNNING

    def retry(self, entry: Entry) -> bool:
        """A cancelled or failed transfer waits again, last in line (it is asked for now)."""
        if entry.state not in RETRYABLE:
            return False
        self.entries.remove(entry)
        self.entries.append(entry)
        entry.state, entry.outcome, entry.advice = State.WAITING, "", None
        return True

    def clear_finished(self) -> list[Entry]:
        """Done, cancelled and failed transfers leave the list; the ones removed."""
        gone = [e for e in self.entries if e.state in FINISHED]
        self.entries = [e for e in self.entries if e.state not in FINISHED]
        return gone

    def ahead_of(self, entry: Entry) -> int:
        """How many transfers run or wait before this waiting one."""
        before = self.entries[: self.entries.index(entry)]
        return sum(e.state in (State.WAITING, State.RUNNING) for e in before)


def state_text(entry: Entry, done: int = 0, total: int = 0, ahead: int = 0) -> str:
    """What the list's State column says: "Waiting (2 ahead)", "42% · 1.2 MB of 3.0 MB",
    "Done — 3.0 MB", "Cancelled — nothing was written to x", "Failed — The file is gone"."""
    if entry.state is State.WAITING:
        return f"Waiting ({ahead} ahead)" if ahead else "Waiting"
    if entry.state is State.RUNNING:
        if total <= 0:
            return "Starting…" if done == 0 else human_size(done)
        return f"{min(100, 100 * done // total)}% · {human_size(done)} of {human_size(total)}"
    if entry.state is State.FAILED:
        reason = entry.advice.title if entry.advice else "unexpected error"
        return f"Failed — {reason}"
    text = entry.state.value
    return f"{text} — {entry.outcome}" if entry.outcome else text


def details(entry: Entry) -> str:
    """The whole story of a row (its tooltip, its accessible description): for a failure the
    banner's explanation and what to do."""
    lines = [entry.label, state_text(entry)]
    if entry.state is State.FAILED and entry.advice is not None:
        lines += [entry.advice.explanation, f"What to do: {entry.advice.fix}"]
    return "\n".join(lines)
