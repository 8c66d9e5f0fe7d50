"""Saving the settings off the GUI thread: Store.save takes a cross-process lock (on Windows a
named mutex it may wait 30 s for), reads the file again and merges what another process saved
(app.core.settings.store), none of which the GUI thread may wait on.

Saves run one at a time through the one task helper (app.ui.common.tasks), each on a copy of
the settings taken when it starts: a save asked while one runs is not started beside it but
after it, with the settings as they are then, so a later save is never overwritten by an
earlier one, and several asked meanwhile are one write. What the save merged in from another
process comes back into the window's settings unless they changed meanwhile (the next save
merges it then). A failure is said by `done` and loses nothing: the settings stay in memory
as they are and the next change saves them all. At quit, `flush` waits for the save in flight
and writes what is pending.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
from collections.abc import Callable

from app.core.settings.data import StoreData
from app.core.settings.store import Store
from app.ui.common.tasks import Task, TaskRunner

FLUSH_TIMEOUT = 40.0  # seconds: past the 30 s the Windows lock may take


@dataclasses.dataclass
class _InFlight:
    task: Task
    ended: threading.Event
    result: list[tuple[str | None, StoreData]]


class SettingsSaver:
    def __init__(
        self,
        runner: TaskRunner,
        store: Callable[[], Store],
        data: StoreData,
        done: Callable[[str | None, StoreData | None], None],
    ) -> None:
        """done(problem, before): after each save, on the GUI thread; problem is None when
        saved; before is the settings as they were until what the save merged in (from
        another process) was taken into `data`, None when it was not taken."""
        self.runner, self.store, self.data, self.done = runner, store, data, done
        self.in_flight: _InFlight | None = None
        self.pending = False
        self.saves = 0  # writes started, for tests and people

    @property
    def busy(self) -> bool:
        return self.in_flight is not None or self.pending

    def save(self) -> None:
        if self.in_flight is not None:
            self.pending = True
            return
        self._start()

    def _start(self) -> None:
        self.pending = False
        store, snapshot = self.store(), self.data.snapshot()
        ended, result = threading.Event(), []

        def work() -> tuple[str | None, StoreData]:
            try:
                answer = (store.try_save(snapshot), snapshot)  # merges into snapshot
                result.append(answer)
                return answer
            finally:
                ended.set()

        self.saves += 1
        task = self.runner.run("Saving settings", work, self._saved, self._failed)
        self.in_flight = _InFlight(task, ended, result)

    def _saved(self, answer: tuple[str | None, StoreData]) -> None:
        self.in_flight = None
        problem, merged = answer
        before = None
        if problem is None and not self.pending:  # unchanged since the copy: take the merge
            before = copy.copy(self.data)  # the old fields' values: setattr replaces them
            for f in dataclasses.fields(StoreData):
                setattr(self.data, f.name, getattr(merged, f.name))
        self.done(problem, before)
        if self.pending:
            self._start()

    def _failed(self, error: BaseException) -> None:
        """try_save says every expected failure in words; this is a bug's, said by its kind."""
        self.in_flight = None
        unsaved = "Until the settings can be saved, changes last only until the app closes."
        self.done(f"Saving stopped unexpectedly ({type(error).__name__}). {unsaved}", None)
        if self.pending:
            self._start()

    def flush(self, timeout: float = FLUSH_TIMEOUT) -> bool:
        """On the GUI thread, at quit (and in tests): wait for the save in flight, then write
        what is pending here. False if the save in flight did not end in time."""
        while (flight := self.in_flight) is not None:  # _saved may start the pending one
            if not flight.ended.wait(timeout):
                return False
            flight.task.cancel()  # its answer is taken here, now, not delivered later
            if flight.result:
                self._saved(flight.result[0])
            else:
                self._failed(RuntimeError("the save raised"))
        return True
