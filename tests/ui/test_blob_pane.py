"""The blob pane against Azurite, with the active account's real broker credential."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex

from app.ui.blob_pane import Asker
from tests.helpers import claims
from tests.ui.helpers import EventLoopProbe, open_window, select

BIG = 2100


class Answers(Asker):
    """Scripted answers to the pane's questions."""

    def __init__(self) -> None:
        self.confirmations: list[str] = []
        self.save_to: Path | None = None
        self.files: list[Path] = []
        self.name: str | None = None
        self.shown: dict[str, str] = {}

    def confirm(self, text: str) -> bool:
        self.confirmations.append(text)
        return True

    def text(self, prompt: str) -> str | None:
        return self.name

    def save_path(self, suggested: str) -> Path | None:
        return self.save_to

    def open_paths(self) -> list[Path]:
        return self.files

    def show_properties(self, title: str, properties: dict[str, str]) -> None:
        self.shown = properties


@pytest.fixture(scope="module")
def seeded(storage):  # type: ignore[no-untyped-def]
    """One container with BIG blobs in a folder and a few files at the top, made with the
    emulator's key (set-up only; the pane itself uses the account's token)."""
    client = storage.shared_key_client()
    name = f"ui-{uuid.uuid4().hex[:10]}"
    box = client.create_container(name)
    box.upload_blob("top.txt", b"top level file\n")
    box.upload_blob("big.bin", bytes(range(256)) * 4096 * 3)  # 3 MiB
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda i: box.upload_blob(f"many/{i:05d}.txt", b"x"), range(BIG)))
    yield name
    client.delete_container(name)


@pytest.fixture
def pane_window(qtbot, sandbox, control, tmp_path, storage, seeded):  # type: ignore[no-untyped-def]
    window = open_window(qtbot, sandbox, tmp_path)
    answers = Answers()
    window.blobs.asker = answers
    window.blobs.url.setCurrentText(storage.account_url)
    select(window, "megan@contoso.example")
    window.act_active.trigger()
    window.tabs.setCurrentWidget(window.storage_tab)
    window.blobs.connect_storage()
    qtbot.waitUntil(lambda: container_row(window, seeded) is not None, timeout=15000)
    yield window, answers
    window.sandbox_picker.stop()


def container_row(window, name: str):  # type: ignore[no-untyped-def]
    model = window.blobs.model
    for row in range(model.rowCount()):
        if model.node(model.index(row, 0)).name == name:
            return model.index(row, 0)
    return None


def child(model, parent, name: str):  # type: ignore[no-untyped-def]
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if model.node(index).name == name:
            return index
    return None


def expand(qtbot, window, index) -> None:  # type: ignore[no-untyped-def]
    model = window.blobs.model
    model.fetchMore(index)
    qtbot.waitUntil(lambda: not model.node(index).loading, timeout=15000)


def test_lists_containers_with_the_active_accounts_token(
    pane_window, seeded, qtmodeltester, storage
):
    window, _ = pane_window
    assert window.data.recent_urls[window.profile.name][0] == storage.account_url
    assert window.blobs.url.itemText(0) == storage.account_url  # remembered per profile
    credential = window.blobs.credential
    assert claims(credential.last_result.access_token)["aud"] == "https://storage.azure.com"
    assert credential.last_result.account.username == "megan@contoso.example"
    qtmodeltester.check(window.blobs.model)


def test_folders_and_lazy_paging(pane_window, seeded, qtbot):
    window, _ = pane_window
    model = window.blobs.model
    box = container_row(window, seeded)
    expand(qtbot, window, box)
    names = {model.node(model.index(r, 0, box)).name for r in range(model.rowCount(box))}
    assert {"many/", "top.txt", "big.bin"} <= names
    many = child(model, box, "many/")
    expand(qtbot, window, many)
    first_page = model.rowCount(many)
    assert 0 < first_page < BIG  # one page, not the whole folder
    assert model.canFetchMore(many)
    while model.canFetchMore(many):
        expand(qtbot, window, many)
    assert model.rowCount(many) == BIG
    assert len({model.node(model.index(r, 0, many)).name for r in range(BIG)}) == BIG


def test_properties(pane_window, seeded, qtbot):
    window, answers = pane_window
    model = window.blobs.model
    box = container_row(window, seeded)
    expand(qtbot, window, box)
    window.blobs.tree.setCurrentIndex(child(model, box, "top.txt"))
    window.blobs.properties()
    qtbot.waitUntil(lambda: bool(answers.shown), timeout=15000)
    assert any("15" in value for value in answers.shown.values())  # its size in bytes


def test_download_cancel_then_complete(pane_window, seeded, qtbot, tmp_path):
    window, answers = pane_window
    pane, model = window.blobs, window.blobs.model
    box = container_row(window, seeded)
    expand(qtbot, window, box)
    pane.tree.setCurrentIndex(child(model, box, "big.bin"))
    answers.save_to = tmp_path / "out" / "big.bin"
    answers.save_to.parent.mkdir()
    pane.download()
    pane.cancel_transfer()
    qtbot.waitUntil(lambda: pane.task is None, timeout=15000)
    assert list(answers.save_to.parent.iterdir()) == []  # nothing partial left behind
    pane.download()
    qtbot.waitUntil(lambda: pane.task is None, timeout=30000)
    assert answers.save_to.read_bytes() == bytes(range(256)) * 4096 * 3
    assert not pane.banner.isVisible()


def test_upload_into_a_folder_and_delete(pane_window, seeded, qtbot, tmp_path):
    window, answers = pane_window
    pane, model = window.blobs, window.blobs.model
    box = container_row(window, seeded)
    expand(qtbot, window, box)
    source = tmp_path / "hello.txt"
    source.write_bytes(b"hello from the pane\n")
    pane.tree.setCurrentIndex(box)
    answers.files = [source]
    pane.upload()
    qtbot.waitUntil(
        lambda: pane.task is None and child(model, box, "hello.txt") is not None, timeout=15000
    )
    pane.tree.setCurrentIndex(child(model, box, "hello.txt"))
    pane.delete()
    qtbot.waitUntil(lambda: pane.task is None, timeout=15000)
    assert "hello.txt" in answers.confirmations[-1]
    assert child(model, box, "hello.txt") is None


def test_create_and_delete_a_container(pane_window, qtbot):
    window, answers = pane_window
    pane = window.blobs
    answers.name = f"new-{uuid.uuid4().hex[:8]}"
    pane.new_container()
    qtbot.waitUntil(lambda: container_row(window, answers.name) is not None, timeout=15000)
    pane.tree.setCurrentIndex(container_row(window, answers.name))
    pane.delete()
    qtbot.waitUntil(
        lambda: pane.task is None and container_row(window, answers.name) is None, timeout=15000
    )


def test_switching_the_active_account_reloads_with_its_credential(pane_window, seeded, qtbot):
    window, _ = pane_window
    select(window, "lee@fabrikam.example")
    window.act_active.trigger()
    qtbot.waitUntil(lambda: container_row(window, seeded) is not None, timeout=15000)
    assert window.blobs.credential.last_result.account.username == "lee@fabrikam.example"
    assert "lee@fabrikam.example" in window.blobs.who.text()


def test_http_url_is_refused_before_any_request(pane_window):
    window, _ = pane_window
    pane = window.blobs
    before = pane.browser
    pane.url.setCurrentText("http://127.0.0.1:10000/devstoreaccount1")
    pane.connect_storage()
    assert pane.url_error.isVisible() and "https" in pane.url_error.text()
    assert pane.browser is before


def test_gui_keeps_breathing_while_listing_and_transferring(pane_window, seeded, qtbot, tmp_path):
    window, answers = pane_window
    pane, model = window.blobs, window.blobs.model
    with EventLoopProbe() as probe:
        box = container_row(window, seeded)
        expand(qtbot, window, box)
        many = child(model, box, "many/")
        while model.canFetchMore(many):
            expand(qtbot, window, many)
        pane.tree.setCurrentIndex(child(model, box, "big.bin"))
        answers.save_to = tmp_path / "probe.bin"
        pane.download()
        qtbot.waitUntil(lambda: pane.task is None, timeout=30000)
    assert answers.save_to.stat().st_size == 3 * 256 * 4096
    assert probe.largest < 1000, f"event loop blocked for {probe.largest} ms"
    assert model.rowCount(QModelIndex()) > 0
