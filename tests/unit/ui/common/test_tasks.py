"""The worker helper: results come back on the GUI thread; a finished or cancelled task lets go
of what its callbacks hold."""

from __future__ import annotations

import gc
import logging
import threading
import weakref

from pytestqt.qtbot import QtBot

from app.ui.common.tasks import TaskRunner


class Payload:
    """Stands for what a callback closes over (a listing's model and browser)."""


def test_a_delivered_tasks_callbacks_are_let_go_of(qtbot: QtBot) -> None:
    runner, got = TaskRunner(), []
    payload = Payload()
    held = weakref.ref(payload)
    runner.run("work", lambda: 42, lambda v, p=payload: got.append(v), lambda e: None)
    del payload
    qtbot.waitUntil(lambda: got == [42])
    gc.collect()
    assert held() is None
    assert not runner.tasks


def test_a_cancelled_tasks_late_result_is_dropped_and_its_callbacks_let_go_of(
    qtbot: QtBot, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="app.ui.common.tasks")
    runner, got, release = TaskRunner(), [], threading.Event()
    payload = Payload()
    held = weakref.ref(payload)
    task = runner.run(
        "slow", lambda: release.wait(10), lambda v, p=payload: got.append(v), got.append
    )
    del payload
    task.cancel()
    gc.collect()
    assert held() is None
    release.set()
    qtbot.waitUntil(lambda: "dropped the late result of slow" in caplog.text)
    assert got == []


def test_a_quick_task_runs_while_three_wait_on_the_outside_world(qtbot: QtBot) -> None:
    """A sign-in waiting on the user, a transfer and a name check hold three workers; a
    folder's listing still runs (Qt's shared pool had as many threads as cores: 2 here)."""
    runner, release, got = TaskRunner(), threading.Event(), []
    try:
        for name in ("sign-in", "transfer", "name check"):
            runner.run(name, lambda: release.wait(30), lambda v: None, lambda e: None)
        runner.run("listing", lambda: "listed", got.append, lambda e: None)
        qtbot.waitUntil(lambda: got == ["listed"], timeout=5000)
    finally:
        release.set()
    qtbot.waitUntil(lambda: not runner.tasks, timeout=5000)
