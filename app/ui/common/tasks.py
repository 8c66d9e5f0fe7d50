"""The one helper that runs work off the GUI thread.

`runner.run(fn, on_success, on_failure)` calls fn on a pool thread and delivers its value or
its exception back on the GUI thread (a queued signal). No UI call is allowed inside fn.
`Task.cancel()` stops waiting: a result that arrives later is dropped, never delivered.
A finished task is deleted (on the GUI thread) with the callbacks it held.
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
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
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
            logger.info("stopped waiting for %s", self.label)
            self.finished.emit()

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
            self.finished.emit()


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
        except RuntimeError:  # the Task is gone: cancelled and deleted, or the app quit
            logger.info("dropped the result of %s: nobody waits for it", label)


class TaskRunner(QObject):
    def __init__(self, pool: QThreadPool | None = None) -> None:
        super().__init__()
        self.pool = pool or QThreadPool.globalInstance()
        self.tasks: set[Task] = set()

    def run(
        self,
        label: str,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> Task:
        # The runner is the Task's parent and deletes it once finished, on this thread: the
        # lambda below is held by the Task's own signal, a cycle Python cannot see, which kept
        # every Task and what its callbacks close over (a listing's model, its browser) alive
        # for good. A Python-owned Task could instead be deleted on the pool thread that drops
        # the last reference to it.
        task = Task(label, on_success, on_failure, self)
        self.tasks.add(task)
        task.finished.connect(lambda: self._forget(task))
        self.pool.start(_Job(task, fn))
        return task

    def _forget(self, task: Task) -> None:
        self.tasks.discard(task)
        task.deleteLater()
