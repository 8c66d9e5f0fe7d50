"""The blob pane's transfer list against Azurite: transfers asked for while one runs wait
their turn and run in order; a waiting one cancelled never runs; a failure says why (the
banner's words) and Retry runs it again once the cause is fixed; Clear finished; all of it
by keyboard, fitting the window at its default size.

The one stand-in is `Gate`: the first download waits at its start until the test opens the
gate (then the real download runs), so that what is asked meanwhile is surely asked while a
transfer runs; against a local emulator a 12 MiB download is over before a second upload
could be asked for.
"""

from __future__ import annotations

import os
import threading
import uuid
from pathlib import Path

import pytest
import trustme
from PySide6.QtCore import Qt

from app.core.storage.blobs import BlobBrowser
from app.sandbox.storage.azurite import StorageEmulator
from tests.integration.ui.blob_steps import blob_exists, pick
from tests.integration.ui.helpers import clipped, only
from tests.integration.ui.test_blob_pane import child, container_row


class Gate:
    """Holds the downloads at their start until `open`; `midway`: each also stops once
    after its first chunk arrived, until `go_on`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.open = threading.Event()
        self.held = threading.Event()
        self.midway, self.at_chunk, self.go_on = False, threading.Event(), threading.Event()
        real = BlobBrowser.download

        def download(browser, container, name, target, progress, cancelled):  # type: ignore[no-untyped-def]
            self.held.set()
            assert self.open.wait(30), "the test never opened the gate"

            def counted(done: int, total: int) -> None:
                progress(done, total)
                if self.midway and done and not self.at_chunk.is_set():
                    self.at_chunk.set()
                    assert self.go_on.wait(30), "the test never let the download go on"

            return real(browser, container, name, target, counted, cancelled)

        monkeypatch.setattr(BlobBrowser, "download", download)


@pytest.fixture
def gate(monkeypatch):  # type: ignore[no-untyped-def]
    gate = Gate(monkeypatch)
    yield gate
    gate.open.set()  # never leave a worker waiting
    gate.go_on.set()


def states(pane) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.state.value for e in pane.queue.queue.entries]


def row_texts(pane) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    tree = pane.queue.list.tree
    return [(tree.topLevelItem(i).text(0), tree.topLevelItem(i).text(1))
            for i in range(tree.topLevelItemCount())]  # fmt: skip


def files(tmp_path: Path, *names: str) -> list[Path]:
    made = []
    for name in names:
        path = tmp_path / name
        path.write_text(f"{name} {uuid.uuid4().hex}\n")
        made.append(path)
    return made


def held_download(pane, qtbot, small, gate, target: Path) -> None:  # type: ignore[no-untyped-def]
    pick(pane, small, "big.bin")
    pane.asker.save_to = target
    pane.download()
    qtbot.waitUntil(gate.held.is_set, timeout=15000)


def upload(pane, qtbot, small, path: Path) -> None:  # type: ignore[no-untyped-def]
    count = len(pane.queue.queue.entries)
    pick(pane, small, "top.txt")  # into the container, beside it
    pane.asker.files = [path]
    pane.upload()
    qtbot.waitUntil(lambda: len(pane.queue.queue.entries) == count + 1, timeout=15000)


def test_uploads_asked_for_during_a_download_wait_and_run_in_order(
    pane, qtbot, small, storage, tmp_path, gate
):  # type: ignore[no-untyped-def]
    first, second = files(
        tmp_path, f"a-{uuid.uuid4().hex[:6]}.txt", f"b-{uuid.uuid4().hex[:6]}.txt"
    )
    held_download(pane, qtbot, small, gate, tmp_path / "big.bin")
    upload(pane, qtbot, small, first)
    upload(pane, qtbot, small, second)
    assert states(pane) == ["Running", "Waiting", "Waiting"]
    assert row_texts(pane)[1:] == [
        (f"Uploading {first.name} to {small}/", "Waiting (1 ahead)"),
        (f"Uploading {second.name} to {small}/", "Waiting (2 ahead)"),
    ]
    assert row_texts(pane)[0][0] == f"Downloading big.bin to {tmp_path / 'big.bin'}"
    assert pane.queue.list.isVisible() and not pane.transfers.isVisible()  # the list says it
    assert not blob_exists(storage, small, first.name)  # waiting: nothing sent
    assert pane.buttons["upload"].isEnabled()  # more can be asked for meanwhile
    gate.open.set()
    qtbot.waitUntil(lambda: states(pane) == ["Done"] * 3, timeout=30000)
    box = storage.shared_key_client().get_container_client(small)
    made = [box.get_blob_client(p.name).get_blob_properties().creation_time
            for p in (first, second)]  # fmt: skip
    assert made[0] <= made[1]
    assert (tmp_path / "big.bin").stat().st_size == 12 * 2**20
    assert row_texts(pane)[0][1] == "Done — 12.0 MB"
    for path in (first, second):
        assert box.download_blob(path.name).readall() == path.read_bytes()
        box.delete_blob(path.name)


def test_a_waiting_transfer_cancelled_never_runs(pane, qtbot, small, storage, tmp_path, gate):  # type: ignore[no-untyped-def]
    (waiting,) = files(tmp_path, f"never-{uuid.uuid4().hex[:6]}.txt")
    held_download(pane, qtbot, small, gate, tmp_path / "big.bin")
    upload(pane, qtbot, small, waiting)
    listed = pane.queue.list
    listed.tree.setFocus()
    listed.select(pane.queue.queue.entries[1])
    assert listed.cancel_button.isEnabled() and not listed.retry_button.isEnabled()
    qtbot.keyClick(listed.tree, Qt.Key.Key_Delete)  # Del cancels the row the keyboard is on
    assert states(pane) == ["Running", "Cancelled"]
    assert row_texts(pane)[1][1] == "Cancelled — never started: nothing was sent or written"
    gate.open.set()
    qtbot.waitUntil(lambda: states(pane) == ["Done", "Cancelled"], timeout=30000)
    qtbot.waitUntil(lambda: pane.task is None)
    assert not blob_exists(storage, small, waiting.name)  # it never ran
    listed.clear_button.click()
    assert pane.queue.queue.entries == [] and not listed.isVisible()


def test_a_file_gone_before_its_upload_fails_with_the_reason_and_retry_sends_it(
    pane, qtbot, small, storage, tmp_path, gate
):  # type: ignore[no-untyped-def]
    (gone,) = files(tmp_path, f"gone-{uuid.uuid4().hex[:6]}.txt")
    held_download(pane, qtbot, small, gate, tmp_path / "big.bin")
    upload(pane, qtbot, small, gone)
    content = gone.read_bytes()
    gone.unlink()  # moved away while it waited
    gate.open.set()
    qtbot.waitUntil(lambda: states(pane) == ["Done", "Failed"], timeout=30000)
    listed = pane.queue.list
    assert row_texts(pane)[1][1] == "Failed — The file is gone"
    assert listed.current() is pane.queue.queue.entries[1]  # the failure is the row shown
    advice = pane.queue.queue.entries[1].advice
    assert f"{gone} does not exist (any more)" in advice.explanation
    assert pane.banner.title.text() == "The file is gone"  # the banner says it in full
    assert f"{advice.explanation}\n\nWhat to do: {advice.fix}" in pane.banner.body.text()
    assert not listed.why.isVisible()  # not twice: no room for both at the default size
    assert advice.explanation in listed.tree.topLevelItem(1).toolTip(1)
    qtbot.wait(50)  # the banner refits once the pane is laid out
    assert clipped(pane.queue.split) == []
    pane.banner.close_button.click()  # dismissed: the list says what to do
    assert listed.why.isVisible() and listed.why_said == f"What to do: {advice.fix}"
    assert listed.why.text().startswith("What to do: Put ")  # a line of it, whole in the tooltip
    assert listed.why.toolTip() == f"{advice.explanation}\n\nWhat to do: {advice.fix}"
    qtbot.wait(50)  # the banner refits once the pane is laid out
    assert clipped(pane.queue.split) == []
    assert listed.retry_button.isEnabled() and not listed.cancel_button.isEnabled()
    assert pane.buttons["download"].isEnabled()  # the pane stays usable
    gone.write_bytes(content)  # the cause fixed
    listed.retry_button.click()
    qtbot.waitUntil(lambda: states(pane) == ["Done", "Done"], timeout=30000)
    assert pane.queue.queue.entries[1].attempts == 2 and not listed.why.isVisible()
    box = storage.shared_key_client().get_container_client(small)
    assert box.download_blob(gone.name).readall() == content
    box.delete_blob(gone.name)


def test_a_download_into_a_folder_gone_fails_and_retry_succeeds_once_it_is_back(
    pane, qtbot, small, tmp_path
):  # type: ignore[no-untyped-def]
    folder = tmp_path / "downloads"
    folder.mkdir()
    pick(pane, small, "second.txt")
    pane.asker.save_to = folder / "second.txt"
    folder.rmdir()  # the folder chosen, removed before the download writes
    pane.download()
    qtbot.waitUntil(lambda: states(pane) == ["Failed"], timeout=15000)
    listed = pane.queue.list
    assert row_texts(pane)[0] == (f"Downloading second.txt to {folder / 'second.txt'}",
                                  "Failed — The folder is gone")  # fmt: skip
    assert pane.banner.title.text() == "The folder is gone"
    pane.banner.close_button.click()
    assert "Nothing was left half-written." in listed.why.toolTip()
    assert listed.why.text() == "What to do: Choose another folder, then try again."
    qtbot.wait(50)  # the banner refits once the pane is laid out
    assert clipped(pane.queue.split) == []
    assert listed.isVisible()  # a failure stays listed, with its Retry
    folder.mkdir()
    qtbot.keyClick(listed.tree, Qt.Key.Key_Menu)  # reachable by its context menu too
    listed.retry_action.trigger()
    qtbot.waitUntil(lambda: states(pane) == ["Done"], timeout=15000)
    assert (folder / "second.txt").read_bytes() == b"second\n"
    listed.clear_action.trigger()
    assert row_texts(pane) == []


def test_the_list_is_reached_by_tab_named_and_fits_the_default_size(
    pane, qtbot, small, tmp_path, gate
):  # type: ignore[no-untyped-def]
    a, b, c = files(tmp_path, "one.txt", "two.txt", "three.txt")
    held_download(pane, qtbot, small, gate, tmp_path / "big.bin")
    for path in (a, b, c):
        upload(pane, qtbot, small, path)
    listed = pane.queue.list
    window = pane.window()
    assert window.size().width() == 900 and window.size().height() == 560
    assert clipped(listed) == []
    assert listed.tree.height() <= 4 * listed.tree.sizeHintForRow(0) + 8  # three rows at most
    assert pane.tree.viewport().height() >= 2 * pane.tree.sizeHintForRow(0)  # the table stays
    names = {w.accessibleName() for w in (listed.tree, listed.cancel_button,
                                          listed.retry_button, listed.clear_button)}  # fmt: skip
    assert names == {"Transfers", "Cancel the selected transfer", "Retry the selected transfer",
                     "Clear finished transfers"}  # fmt: skip
    listed.tree.setFocus()
    reached = []
    for _ in range(6):
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        reached.append(window.focusWidget())
    assert listed.cancel_button in reached  # Tab goes on from the list to its buttons
    menu_texts = [a.text() for a in listed.tree.actions()]
    assert menu_texts == ["Cancel", "Retry", "Clear finished"]
    item = listed.tree.topLevelItem(1)
    assert item.data(0, Qt.ItemDataRole.AccessibleTextRole) == (
        f"Uploading one.txt to {small}/: Waiting (1 ahead)"
    )
    for i in range(1, 4):
        listed.select(pane.queue.queue.entries[i])
        listed.cancel_button.click()
    gate.open.set()
    qtbot.waitUntil(lambda: pane.task is None, timeout=30000)


@pytest.mark.timeout(180)  # waiting out a dead endpoint for ever is the failure, not speed
def test_the_emulator_stopping_mid_download_fails_it_and_retry_succeeds_once_it_runs_again(
    pane, qtbot, sandbox, tmp_path, gate
):  # type: ignore[no-untyped-def]
    """An emulator of this test's own (its data kept on disk), behind a storage endpoint of
    its own: stopped while the download waits at the gate, started again on its port."""
    emulator = StorageEmulator(tmp_path, ca=trustme.CA())  # its certificate outlives a restart
    data = tmp_path / "azurite-data"
    data.mkdir()
    emulator.start(location=data)
    port = emulator.port
    try:
        seeder = emulator.shared_key_client()
        seeder.create_container("box")
        payload = os.urandom(2 * 2**20)
        seeder.get_container_client("box").upload_blob("big.bin", payload)
        seeder.close()
        with sandbox.storage_front(emulator) as url:
            pane.url.setCurrentText(url)
            pane.connect_storage()
            window = pane.window()
            qtbot.waitUntil(lambda: container_row(window, "box") is not None, timeout=15000)
            box = container_row(window, "box")
            pane.open(box)
            qtbot.waitUntil(lambda: child(pane.model, box, "big.bin") is not None, timeout=15000)
            pane.tree.setFocus()
            only(pane.tree, child(pane.model, box, "big.bin"))
            target = tmp_path / "big.bin"
            pane.asker.save_to = target
            pane.download()
            qtbot.waitUntil(gate.held.is_set, timeout=15000)
            emulator.stop()  # mid-transfer: the download's first request finds nobody
            gate.open.set()
            qtbot.waitUntil(lambda: states(pane) == ["Failed"], timeout=120000)
            listed = pane.queue.list
            title = pane.banner.title.text()
            assert row_texts(pane)[0][1] == f"Failed — {title.split(': ', 1)[-1]}"
            explained = pane.queue.queue.entries[0].advice.explanation
            assert explained in pane.banner.body.text()
            assert explained in listed.tree.topLevelItem(0).toolTip(1)
            assert pane.queue.queue.entries[0].advice.code == "StorageUnreachable"
            assert not target.exists() and list(tmp_path.glob(".big.bin.*")) == []
            emulator.start(port=port, location=data)  # the cause fixed
            listed.retry_button.click()
            qtbot.waitUntil(lambda: states(pane) == ["Done"], timeout=60000)
            assert target.read_bytes() == payload
    finally:
        emulator.stop()


def test_retry_keeps_the_answer_to_the_replace_question(
    pane, qtbot, small, storage, tmp_path, gate
):  # type: ignore[no-untyped-def]
    """Keep both was answered when the upload was asked for: the retry sends the file under
    the numbered name again, without asking again."""
    (same,) = files(tmp_path, "top.txt")  # the container has a top.txt
    held_download(pane, qtbot, small, gate, tmp_path / "big.bin")
    pane.asker.choice = "Keep both"
    upload(pane, qtbot, small, same)
    assert (
        len(pane.asker.questions) == 1
        and "already has a blob named top.txt" in (pane.asker.questions[0])
    )
    content = same.read_bytes()
    same.unlink()
    gate.open.set()
    qtbot.waitUntil(lambda: states(pane) == ["Done", "Failed"], timeout=30000)
    same.write_bytes(content)
    pane.asker.choice = "Replace"  # were it asked again, it would replace top.txt
    pane.queue.list.select(pane.queue.queue.entries[1])
    pane.queue.list.retry_button.click()
    qtbot.waitUntil(lambda: states(pane) == ["Done", "Done"], timeout=30000)
    assert len(pane.asker.questions) == 1  # not asked again
    box = storage.shared_key_client().get_container_client(small)
    assert box.download_blob("top (1).txt").readall() == content
    assert box.download_blob("top.txt").readall() == b"top level file\n"  # kept
    box.delete_blob("top (1).txt")


def test_connecting_again_cancels_what_waits_and_retry_runs_it_with_the_new_connection(
    pane, qtbot, small, storage, tmp_path, gate
):  # type: ignore[no-untyped-def]
    (later,) = files(tmp_path, f"later-{uuid.uuid4().hex[:6]}.txt")
    held_download(pane, qtbot, small, gate, tmp_path / "big.bin")
    upload(pane, qtbot, small, later)
    pane.connect_storage()  # a new credential or a Connect: the transfers were asked as before
    gate.open.set()
    qtbot.waitUntil(lambda: states(pane) == ["Cancelled", "Cancelled"], timeout=30000)
    assert row_texts(pane)[1][1] == (
        "Cancelled — the connection changed before it started: nothing sent"
    )
    assert not (tmp_path / "big.bin").exists() and not blob_exists(storage, small, later.name)
    qtbot.waitUntil(lambda: pane.browser is not None and pane.browser.reached, timeout=15000)
    listed = pane.queue.list
    listed.select(pane.queue.queue.entries[1])
    assert listed.retry_button.isEnabled()  # connected to the same account URL
    listed.retry_button.click()
    qtbot.waitUntil(lambda: states(pane) == ["Cancelled", "Done"], timeout=30000)
    assert blob_exists(storage, small, later.name)
    storage.shared_key_client().get_container_client(small).delete_blob(later.name)


def test_the_running_row_counts_and_cancelling_it_starts_the_next_one(
    pane, qtbot, small, storage, tmp_path, gate
):  # type: ignore[no-untyped-def]
    (after,) = files(tmp_path, f"after-{uuid.uuid4().hex[:6]}.txt")
    gate.midway = True
    held_download(pane, qtbot, small, gate, tmp_path / "big.bin")
    upload(pane, qtbot, small, after)
    pane.open(child(pane.model, container_row(pane.window(), small), "docs/"))  # browse on
    qtbot.waitUntil(
        lambda: pane.model.rowCount(pane.tree.rootIndex()) == 1, timeout=15000
    )  # readme.md listed while the download runs
    gate.open.set()
    qtbot.waitUntil(gate.at_chunk.is_set, timeout=15000)
    qtbot.waitUntil(lambda: " of 12.0 MB" in row_texts(pane)[0][1], timeout=5000)
    assert row_texts(pane)[0][1].split("%")[0].isdigit()  # "66% · 8.0 MB of 12.0 MB"
    listed = pane.queue.list
    listed.select(pane.queue.queue.entries[0])
    listed.cancel_button.click()  # the running one, from the list
    gate.go_on.set()
    qtbot.waitUntil(lambda: states(pane) == ["Cancelled", "Done"], timeout=30000)
    assert row_texts(pane)[0][1] == (f"Cancelled — nothing was written to {tmp_path / 'big.bin'}")
    assert not (tmp_path / "big.bin").exists()
    assert blob_exists(storage, small, after.name)
    storage.shared_key_client().get_container_client(small).delete_blob(after.name)


def test_closing_the_window_stops_the_running_transfer_and_what_waits(
    pane, qtbot, small, storage, tmp_path, gate
):  # type: ignore[no-untyped-def]
    (waiting,) = files(tmp_path, f"closed-{uuid.uuid4().hex[:6]}.txt")
    target = tmp_path / "big.bin"
    held_download(pane, qtbot, small, gate, target)
    upload(pane, qtbot, small, waiting)
    pane.window().close()  # quitting, as the last window closing does
    assert states(pane)[1] == "Cancelled"
    gate.open.set()  # the download's worker goes on, finds it cancelled
    qtbot.waitUntil(lambda: states(pane) == ["Cancelled", "Cancelled"], timeout=30000)
    qtbot.waitUntil(lambda: pane.task is None, timeout=30000)
    assert not target.exists() and list(tmp_path.glob(".big.bin.*")) == []
    assert not blob_exists(storage, small, waiting.name)  # it never started
