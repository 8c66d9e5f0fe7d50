"""Saving the settings off the GUI thread (app.ui.shell.saver), through the real window, the
real Store and the real file system: the GUI thread goes on while another process holds the
settings lock, rapid saves keep their order (the last change is what the file holds), closing
the window writes what is pending, and a save the disk refuses is explained while nothing
in memory is lost and the window stays usable."""

from __future__ import annotations

import json
import threading

from app.core.files.lock import locked
from app.core.settings.store import Store
from tests.integration.ui.helpers import new_window


def urls(path) -> list[str]:  # type: ignore[no-untyped-def]
    return json.loads(path.read_text())["profiles"][0]["recent_urls"]


def test_the_gui_thread_goes_on_while_another_process_holds_the_settings_lock(
    qtbot, sandbox, tmp_path
):  # type: ignore[no-untyped-def]
    window = new_window(qtbot, sandbox, tmp_path)
    path = tmp_path / "settings.json"
    holding, release = threading.Event(), threading.Event()

    def other_process() -> None:  # the same flock another app instance would take
        with locked(path):
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=other_process)
    holder.start()
    assert holding.wait(10)
    window.data.add_recent_url("https://held.blob.core.windows.net/")
    window.save()  # returns: the save waits for the lock on a pool thread
    qtbot.wait(300)  # the event loop runs meanwhile (a blocked GUI thread would not)
    assert window.saver.busy and not path.exists()
    release.set()
    holder.join()
    qtbot.waitUntil(lambda: not window.saver.busy, timeout=10000)
    assert urls(path) == ["https://held.blob.core.windows.net/"]


def test_rapid_saves_keep_their_order_and_the_last_change_is_kept(qtbot, sandbox, tmp_path):  # type: ignore[no-untyped-def]
    window = new_window(qtbot, sandbox, tmp_path)
    for n in range(30):
        window.data.add_recent_url(f"https://a{n}.blob.core.windows.net/")
        window.save()
    qtbot.waitUntil(lambda: not window.saver.busy, timeout=20000)
    assert urls(tmp_path / "settings.json") == [
        f"https://a{n}.blob.core.windows.net/" for n in range(29, 19, -1)
    ]
    assert 2 <= window.saver.saves < 30  # one at a time: those asked meanwhile are one write


def test_closing_the_window_writes_what_is_pending(qtbot, sandbox, tmp_path):  # type: ignore[no-untyped-def]
    window = new_window(qtbot, sandbox, tmp_path)
    for n in range(5):
        window.data.add_recent_url(f"https://q{n}.blob.core.windows.net/")
        window.save()
    assert window.saver.busy
    window.close()  # no event loop turn in between: the close itself writes
    assert not window.saver.busy
    assert urls(tmp_path / "settings.json")[0] == "https://q4.blob.core.windows.net/"
    again = Store(tmp_path / "settings.json").load().data
    assert again.recent_urls["Default"][0] == "https://q4.blob.core.windows.net/"


def test_a_refused_save_is_explained_nothing_is_lost_and_the_next_save_writes_it_all(
    qtbot, sandbox, tmp_path
):  # type: ignore[no-untyped-def]
    # Read-only is no refusal here: the tests run as root, whom permissions do not stop. A
    # file where the settings folder should be is refused by the kernel for everyone.
    window = new_window(qtbot, sandbox, tmp_path)
    (tmp_path / "blocked").write_text("a file where the settings folder should be")
    window.store = Store(tmp_path / "blocked" / "settings.json")
    window.data.add_recent_url("https://kept.blob.core.windows.net/")
    window.save()
    qtbot.waitUntil(lambda: window.notice.title.text() == "Could not save settings")
    assert "changes last only until the app closes" in window.notice.body.text()
    assert window.data.recent_urls["Default"] == ["https://kept.blob.core.windows.net/"]
    assert window.act_add.isEnabled()  # the window goes on
    window.store = Store(tmp_path / "settings.json")  # the disk takes it again
    window.data.add_recent_url("https://next.blob.core.windows.net/")
    window.save()
    qtbot.waitUntil(lambda: not window.saver.busy)
    assert urls(tmp_path / "settings.json") == [
        "https://next.blob.core.windows.net/", "https://kept.blob.core.windows.net/"]  # fmt: skip
