"""SettingsSaver on its own (real Qt task helper, a real Store on a temporary file): saves run
off the GUI thread one at a time, a save asked meanwhile goes after with the settings as they
are then, flush writes what is pending, and a refused save is said and loses nothing."""

from __future__ import annotations

import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.core.configurations.profile import Profile
from app.core.settings.data import StoreData
from app.core.settings.store import Store
from app.ui.common.tasks import TaskRunner
from app.ui.shell.saver import SettingsSaver


def saved_names(path: Path) -> list[str]:
    return [p["profile"]["name"] for p in json.loads(path.read_text())["profiles"]]


def test_saves_asked_meanwhile_are_one_later_write_with_the_latest_settings(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "settings.json"
    data = StoreData()
    answers: list[str | None] = []
    saver = SettingsSaver(TaskRunner(), lambda: Store(path), data, lambda p, _: answers.append(p))
    saver.save()
    for n in range(5):  # while the first is in flight: pending, not started beside it
        data.profiles.append(Profile(name=f"p{n}"))
        saver.save()
    assert saver.busy
    qtbot.waitUntil(lambda: not saver.busy, timeout=10000)
    assert saver.saves == 2 and answers == [None, None]
    assert saved_names(path)[-5:] == [f"p{n}" for n in range(5)]


def test_flush_writes_what_is_pending(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    data = StoreData()
    saver = SettingsSaver(TaskRunner(), lambda: Store(path), data, lambda *_: None)
    saver.save()
    data.profiles.append(Profile(name="at quit"))
    saver.save()
    assert saver.flush()
    assert not saver.busy and "at quit" in saved_names(path)


def test_a_refused_save_is_said_and_keeps_the_settings(qtbot: QtBot, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the settings folder should be")  # real refusal, as root too
    data = StoreData()
    data.profiles.append(Profile(name="kept"))
    answers: list[str | None] = []
    store = Store(blocker / "settings.json")
    saver = SettingsSaver(TaskRunner(), lambda: store, data, lambda p, _: answers.append(p))
    saver.save()
    qtbot.waitUntil(lambda: bool(answers), timeout=10000)
    assert answers[0]  # a sentence saying why
    assert "kept" in [p.name for p in data.profiles]
