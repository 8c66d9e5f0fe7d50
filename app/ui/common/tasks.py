"""The one helper that runs work off the GUI thread.

`runner.run(fn, on_success, on_failure)` calls fn on a pool thread and delivers its value or
its exception back on the GUI thread (a queued signal). No UI call is allowed inside fn.
`Task.cancel()` stops waiting: a result that arrives later is dropped, never delivered.
A task lets go of its callbacks once it has delivered or been cancelled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

logger = logging.getLogger(__name__)


class Task(QObject):
    """Lives on the GUI thread; the worker only emits `_done` on it."""

    _done = Signal(object, object)  # value, exception
    finished = Signal()

    def __init__(
        self,
        label: str,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        super().__init__()
        self.label = label
        self.cancelled = False
        self.running = True
        self._on_success = on_success
        self._on_failure = on_failure
        self._done.connect(self._deliver)

    def cancel(self) -> None:
        if self.running:
            self.cancelled = True
            self.running = False
            self._let_go()
            logger.info("stopped waiting for %s", self.label)
            self.finished.emit()

    def _let_go(self) -> None:
        """The runner's lambda on `finished` keeps this Task alive for good (a cycle through
        Qt that Python's collector cannot see; deleting the Task from the GUI thread while a
        worker may be emitting on it is no safe way out): what the callbacks close over (a
        listing's model and browser, a matrix run) is not kept with it."""
        self._on_success, self._on_failure = _ignore, _ignore

    @Slot(object, object)
    def _deliver(self, value: Any, error: BaseException | None) -> None:
        if self.cancelled:
            logger.info("dropped the late result of %s", self.label)
            return
        self.running = False
        try:
            if error is None:
                self._on_success(value)
            else:
                self._on_failure(error)
        finally:
            self._let_go()
            self.finished.emit()


def _ignore(_value: Any) -> None:
    """What a task that has delivered, or was cancelled, calls back."""


class _Job(QRunnable):
    def __init__(self, task: Task, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.task = task
        self.task_label = task.label  # readable after the Task's C++ side is deleted
        self.fn = fn

    def run(self) -> None:
        # When the app quits, shiboken tears down this wrapper's attributes, even while a pool
        # thread is about to run it or is inside fn: read them once, into locals.
        try:
            task, label, fn = self.task, self.task_label, self.fn
        except AttributeError:  # the app quit before this job got to run: nothing is lost
            return
        try:
            value, error = fn(), None
        except BaseException as exc:  # every error goes back to the GUI thread, none is lost
            value, error = None, exc
        try:
            task._done.emit(value, error)
        except RuntimeError:  # the Task is gone: the app quit while this ran
            logger.info("dropped the result of %s: the app has quit", label)


# The work here waits on the broker, the network and disks, not on a core: Qt's shared pool
# runs as many threads as the machine has cores, 2 on a small laptop, and a sign-in waiting
# on the user in the broker's dialog beside one transfer took both, so a folder's listing
# waited for one of them to end (the blob pane's "browsing never waits" was not true there).
IO_THREADS = 8


class TaskRunner(QObject):
    def __init__(self, pool: QThreadPool | None = None) -> None:
        super().__init__()
        self.pool = pool or QThreadPool.globalInstance()
        if pool is None and self.pool.maxThreadCount() < IO_THREADS:
            self.pool.setMaxThreadCount(IO_THREADS)
        self.tasks: set[Task] = set()

    def run(
        self,
        label: str,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> Task:
        task = Task(label, on_success, on_failure)
        self.tasks.add(task)
        task.finished.connect(lambda: self.tasks.discard(task))
        self.pool.start(_Job(task, fn))
        return task
