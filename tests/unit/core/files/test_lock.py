"""The settings save's lock (app.core.files.lock): a second holder waits for the first, and
nothing is left behind. Threads stand in for processes: flock locks belong to an open file
description and a Windows mutex to a thread, so two threads exclude each other as two
processes do."""

from __future__ import annotations

import threading
from pathlib import Path

from app.core.files.lock import locked


def test_a_second_holder_waits_until_the_first_lets_go(tmp_path: Path):
    path = tmp_path / "settings.json"
    order: list[str] = []
    inside, release = threading.Event(), threading.Event()

    def first() -> None:
        with locked(path):
            order.append("first in")
            inside.set()
            release.wait(10)
            order.append("first out")

    def second() -> None:
        inside.wait(10)
        with locked(path):
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    inside.wait(10)
    release.set()
    for t in threads:
        t.join(10)
    assert order == ["first in", "first out", "second in"]


def test_the_lock_leaves_no_file_and_is_released_on_error(tmp_path: Path):
    path = tmp_path / "settings.json"
    try:
        with locked(path):
            raise RuntimeError("a save that fails")
    except RuntimeError:
        pass
    with locked(path):  # taken again at once: the failed save let go
        pass
    assert list(tmp_path.iterdir()) == []
