"""The blob pane's connecting and its questions: Connect says so at once and is cancelled,
refused or given up on without retries (and only what connected is a recent URL); uploads
that ask before replacing; several rows deleted after one question; Copy URL; folders down
and up; file dialogs that remember. Real widgets, real broker credential, real Azurite."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QGuiApplication

from tests.integration.ui.blob_steps import blob_exists, box_of, pick
from tests.integration.ui.test_blob_pane import child, container_row


@pytest.fixture
def silent_port() -> Iterator[tuple[int, list[socket.socket]]]:
    """A loopback port that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], accepted
    stop.set()
    thread.join()
    for s in [*accepted, server]:
        s.close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_refused_url_says_connecting_at_once_and_fails_without_retrying(pane, qtbot):  # type: ignore[no-untyped-def]
    window = pane.window()
    url = f"https://127.0.0.1:{closed_port()}/devstoreaccount1"
    pane.url.setCurrentText(url)
    pane.connect_button.click()
    bar = pane.transfers
    assert bar.isVisible() and bar.title.toolTip().startswith("Connecting to 127.0.0.1:")
    assert pane.cancel_button.isVisible()
    qtbot.waitUntil(pane.banner.isVisible, timeout=15000)
    assert pane.banner.title.text().endswith("Nothing answers at this address")
    assert "What to do: Check the URL's host and port" in pane.banner.body.text()
    body = pane.banner.body
    assert body.height() >= body.heightForWidth(body.width())  # all of it, none cut off
    assert not bar.isVisible()
    assert url not in window.data.recent_urls.get(window.profile.name, [])  # never connected
    assert pane.url.findText(url) == -1


def test_an_address_that_never_answers_is_asked_once_and_cancel_stops_waiting(
    pane, qtbot, silent_port, storage
):  # type: ignore[no-untyped-def]
    port, accepted = silent_port
    url = f"https://127.0.0.1:{port}/devstoreaccount1"
    pane.url.setCurrentText(url)
    pane.connect_storage()
    qtbot.waitUntil(lambda: len(accepted) == 1, timeout=15000)
    pane.cancel_button.click()
    assert pane.browser is None and not pane.transfers.isVisible()
    assert "connecting to 127.0.0.1" in pane.status.text() and "cancelled" in pane.status.text()
    assert not pane.buttons["reload"].isEnabled()
    window = pane.window()
    assert url not in window.data.recent_urls.get(window.profile.name, [])
    pane.url.setCurrentText(storage.account_url)
    pane.connect_storage()  # usable again
    qtbot.waitUntil(lambda: pane.model.rowCount(QModelIndex()) > 0, timeout=15000)
    assert len(accepted) == 1  # no retry was sent meanwhile


@pytest.mark.parametrize("choice", ["Replace", "Keep both", None])
def test_uploading_over_a_blob_asks_first(pane, qtbot, small, storage, tmp_path, choice):  # type: ignore[no-untyped-def]
    answers = pane.asker
    answers.choice = choice
    mine = tmp_path / "second.txt"
    mine.write_text("a newer second")
    pick(pane, small, "top.txt")
    pane.upload_paths([mine], None)
    qtbot.waitUntil(lambda: bool(answers.questions), timeout=15000)
    assert answers.questions == [
        f"{small}/ already has a blob named second.txt. Replace it with the file you chose, "
        "or keep both (the upload gets a numbered name)?"
    ]
    qtbot.waitUntil(lambda: pane.task is None and pane.transfer is None, timeout=15000)
    box = storage.shared_key_client().get_container_client(small)
    second = box.download_blob("second.txt").readall()
    kept = box.get_blob_client("second (1).txt")
    if choice == "Replace":
        assert second == b"a newer second" and not kept.exists()
        box.upload_blob("second.txt", b"second\n", overwrite=True)
    elif choice == "Keep both":
        assert second == b"second\n" and kept.download_blob().readall() == b"a newer second"
        kept.delete_blob()
    else:
        assert second == b"second\n" and not kept.exists()
        assert "Upload cancelled: nothing was sent" in pane.status.text()


def test_several_selected_rows_are_deleted_after_one_question(pane, qtbot, small, storage):  # type: ignore[no-untyped-def]
    box = storage.shared_key_client().get_container_client(small)
    for name in ("gone-1.txt", "gone-2.txt"):
        box.upload_blob(name, b"to delete")
    pane.model.refetch(box_of(pane, small))
    qtbot.waitUntil(lambda: child(pane.model, box_of(pane, small), "gone-2.txt") is not None)
    pick(pane, small, "gone-1.txt", "gone-2.txt")
    pane.buttons["delete"].trigger()
    qtbot.waitUntil(lambda: pane.task is None, timeout=15000)
    assert pane.asker.confirmations == ["Delete 2 blobs (gone-1.txt, gone-2.txt)?"]
    assert not box.get_blob_client("gone-1.txt").exists()
    assert not box.get_blob_client("gone-2.txt").exists()
    assert child(pane.model, box_of(pane, small), "gone-1.txt") is None
    assert child(pane.model, box_of(pane, small), "top.txt") is not None


def test_copy_url_copies_every_selected_row(pane, qtbot, small, storage):  # type: ignore[no-untyped-def]
    pick(pane, small, "top.txt", "docs/")
    pane.buttons["copy_url"].trigger()
    assert QGuiApplication.clipboard().text().splitlines() == [
        f"{storage.account_url}/{small}/top.txt",
        f"{storage.account_url}/{small}/docs/",
    ]
    assert pane.status.text() == "Copied 2 URLs."


def test_file_dialogs_start_in_the_folder_last_chosen(pane, tmp_path):  # type: ignore[no-untyped-def]
    from app.ui.common import files

    chosen = tmp_path / "chosen"
    chosen.mkdir()
    files.remember("download", chosen)
    assert files.start_folder("download") == chosen
    window_ini = Path(pane.window().settings.fileName())
    assert str(chosen) in window_ini.read_text()  # kept beside the settings, for the next run
    assert files.start_folder("upload") == Path.home()  # never the working directory


def test_an_address_that_never_answers_gives_up_without_retrying(pane, qtbot, silent_port):  # type: ignore[no-untyped-def]
    port, accepted = silent_port
    pane.url.setCurrentText(f"https://127.0.0.1:{port}/devstoreaccount1")
    pane.connect_storage()
    qtbot.waitUntil(pane.banner.isVisible, timeout=30000)  # the probe's own 5 s timeout
    assert pane.banner.title.text().endswith("Cannot reach the storage service")
    assert len(accepted) == 1  # it was four connections, with waits between (~20 s)
    assert not pane.transfers.isVisible()


def test_a_folder_downloads_whole_with_its_subfolders(pane, qtbot, small, storage, tmp_path):  # type: ignore[no-untyped-def]
    box = storage.shared_key_client().get_container_client(small)
    box.upload_blob("docs/deeper/notes.txt", b"deep notes")
    pane.asker.folder = tmp_path
    pick(pane, small, "docs/")
    assert pane.buttons["download"].isEnabled()
    pane.buttons["download"].trigger()
    qtbot.waitUntil(lambda: pane.task is None and pane.transfer is None, timeout=15000)
    assert (tmp_path / "docs" / "readme.md").read_bytes() == b"# readme\n"
    assert (tmp_path / "docs" / "deeper" / "notes.txt").read_bytes() == b"deep notes"
    assert pane.status.text() == f"Saved 2 file(s) (19 B) to {tmp_path / 'docs'}"
    box.delete_blob("docs/deeper/notes.txt")


def test_a_folder_uploads_with_its_paths_and_asks_before_replacing(
    pane, qtbot, small, storage, tmp_path
):  # type: ignore[no-untyped-def]
    source = tmp_path / "photos"
    (source / "2026").mkdir(parents=True)
    (source / "2026" / "a.jpg").write_bytes(b"jpeg a")
    (source / "b.txt").write_text("b")
    pane.asker.folder = source
    pick(pane, small, small)  # the container itself
    pane.buttons["upload_folder"].trigger()
    qtbot.waitUntil(lambda: blob_exists(storage, small, "photos/b.txt"), timeout=15000)
    qtbot.waitUntil(lambda: pane.task is None and pane.transfer is None, timeout=15000)
    assert blob_exists(storage, small, "photos/2026/a.jpg")
    assert pane.asker.confirmations == []  # nothing was there to replace
    assert pane.status.text() == f"Uploaded 2 file(s) (7 B) to {small}/photos/"

    qtbot.waitUntil(lambda: container_row(pane.window(), small) is not None)
    pick(pane, small, small)
    pane.buttons["upload_folder"].trigger()
    qtbot.waitUntil(lambda: bool(pane.asker.confirmations), timeout=15000)
    assert pane.asker.confirmations == [
        f"{small}/photos/ already has 2 of these 2 files (such as a.jpg). Replace them?"
    ]
    qtbot.waitUntil(lambda: pane.task is None and pane.transfer is None, timeout=15000)
    box = storage.shared_key_client().get_container_client(small)
    for name in ("photos/2026/a.jpg", "photos/b.txt"):
        box.delete_blob(name)
