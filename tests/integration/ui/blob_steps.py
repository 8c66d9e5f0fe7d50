"""What the blob pane tests by keyboard and by action share: a small container, the window
at its default size with the pane connected to it and that container open, scripted answers
(the overwrite question's too), selecting rows as the keyboard would."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel

from tests.integration.ui.helpers import only, open_window, select
from tests.integration.ui.test_blob_pane import Answers, child, container_row


class Choosing(Answers):
    def __init__(self) -> None:
        super().__init__()
        self.choice: str | None = "Replace"
        self.questions: list[str] = []
        self.folder: Path | None = None

    def choose(self, text: str, choices: list[str]) -> str | None:
        self.questions.append(text)
        return self.choice

    def folder_path(self, kind: str, title: str) -> Path | None:
        return self.folder


@pytest.fixture(scope="module")
def small(storage):  # type: ignore[no-untyped-def]
    client = storage.shared_key_client()
    name = f"kb-{uuid.uuid4().hex[:10]}"
    box = client.create_container(name)
    box.upload_blob("top.txt", b"top level file\n")
    box.upload_blob("second.txt", b"second\n")
    box.upload_blob("big.bin", bytes(range(256)) * 4096 * 12)  # 12 MiB: progress to look at
    box.upload_blob("docs/readme.md", b"# readme\n")
    yield name
    for container in client.list_containers(name_starts_with=name):
        client.delete_container(container.name)


@pytest.fixture
def pane(qtbot, sandbox, control, tmp_path, storage, small) -> Iterator:  # type: ignore[no-untyped-def,type-arg]
    window = open_window(qtbot, sandbox, tmp_path)
    window.resize(900, 560)  # the default and minimum size
    answers = Choosing()
    pane = window.blobs
    pane.asker = answers
    pane.url.setCurrentText(storage.account_url)
    select(window, "megan@contoso.example")
    window.act_active.trigger()
    window.tabs.setCurrentWidget(window.storage_tab)
    pane.connect_storage()
    qtbot.waitUntil(lambda: container_row(window, small) is not None, timeout=15000)
    box = container_row(window, small)
    pane.open(box)
    qtbot.waitUntil(lambda: child(pane.model, box, "top.txt") is not None, timeout=15000)
    window.activateWindow()
    qtbot.waitActive(window)
    yield pane
    window.sandbox_picker.stop()


def box_of(pane, small):  # type: ignore[no-untyped-def]
    return container_row(pane.window(), small)


def pick(pane, small, *names: str) -> None:  # type: ignore[no-untyped-def]
    """Select these rows of the container, the first one current, and give the tree focus."""
    box = box_of(pane, small)
    indexes = [child(pane.model, box, n) if n != small else box for n in names]
    pane.tree.setFocus()
    only(pane.tree, indexes[0])
    flag = QItemSelectionModel.SelectionFlag
    for index in indexes[1:]:
        pane.tree.selectionModel().select(index, flag.Select | flag.Rows)


def blob_exists(storage, container: str, name: str) -> bool:  # type: ignore[no-untyped-def]
    return storage.shared_key_client().get_blob_client(container, name).exists()
