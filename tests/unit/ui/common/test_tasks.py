"""The worker helper: results come back on the GUI thread, and a finished task is let go of."""

from __future__ import annotations

import gc
import threading
import weakref

import shiboken6
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from app.ui.common.tasks import TaskRunner


class Payload:
    """Stands for what a callback closes over (a listing's model and browser)."""


def test_a_finished_task_and_what_its_callbacks_hold_are_freed(qtbot: QtBot) -> None:
    runner, got = TaskRunner(), []
    payload = Payload()
    held = weakref.ref(payload)
    task = runner.run("work", lambda: 42, lambda v, p=payload: got.append(v), lambda e: None)
    watched = weakref.ref(task)
    del task, payload
    qtbot.waitUntil(lambda: got == [42])
    qtbot.waitUntil(lambda: (gc.collect(), watched() is None and held() is None)[1])
    assert not runner.tasks


def test_a_cancelled_tasks_late_result_is_dropped(qtbot: QtBot) -> None:
    runner, got, release = TaskRunner(), [], threading.Event()
    task = runner.run("slow", lambda: release.wait(10), got.append, got.append)
    task.cancel()
    qtbot.waitUntil(lambda: not shiboken6.isValid(task))  # deleted while its work runs
    release.set()
    assert runner.pool.waitForDone(10_000)
    QCoreApplication.processEvents()  # where a queued delivery would land
    assert got == []
    assert not runner.tasks
