"""The blob pane without a mouse, at the window's default size, and its questions: every
action by Tab, shortcut and context menu; where the keyboard is; what fits at 900×560;
connecting that says so at once; uploads that ask before they replace. Real widgets, real
broker credential, real Azurite."""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QColor, QContextMenuEvent, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QToolButton

from tests.integration.ui.helpers import clipped, open_window, select
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
    pane.tree.expand(box)
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
    pane.tree.setCurrentIndex(indexes[0])
    flag = pane.tree.selectionModel().SelectionFlag
    for index in indexes[1:]:
        pane.tree.selectionModel().select(index, flag.Select | flag.Rows)


def blob_exists(storage, container: str, name: str) -> bool:  # type: ignore[no-untyped-def]
    return storage.shared_key_client().get_blob_client(container, name).exists()


def test_tab_reaches_every_action_of_the_toolbar(pane, qtbot, small):  # type: ignore[no-untyped-def]
    pick(pane, small, "top.txt")  # every action applies to a blob (the rest are disabled)
    pane.url.setFocus()
    reached = []
    for _ in range(30):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if isinstance(widget, QToolButton) and widget.defaultAction() is not None:
            reached.append(widget.defaultAction().text())
    for wanted in ("Properties", "Download…", "Upload…", "New container…", "Delete…"):
        assert wanted in reached, reached
    button = pane.toolbar.widgetForAction(pane.buttons["new"])
    assert button.accessibleName() == "New container"  # an icon button, named
    assert "Ctrl+Shift+N" in pane.buttons["new"].toolTip()


def test_shortcuts_in_the_tree_run_the_actions(pane, qtbot, small, storage, tmp_path):  # type: ignore[no-untyped-def]
    answers = pane.asker
    pick(pane, small, "top.txt")
    qtbot.keyClick(pane.tree, Qt.Key.Key_Return, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: answers.shown is not None, timeout=15000)
    assert answers.shown.name == "top.txt"
    qtbot.waitUntil(lambda: pane.task is None)

    answers.save_to = tmp_path / "top.txt"
    qtbot.keyClick(pane.tree, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: answers.save_to.exists() and pane.task is None, timeout=15000)
    assert answers.save_to.read_bytes() == b"top level file\n"

    qtbot.keyClick(pane.tree, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == f"{storage.account_url}/{small}/top.txt"

    extra = tmp_path / "extra.txt"
    extra.write_text("uploaded by Ctrl+U")
    answers.files = [extra]
    pick(pane, small, "top.txt")
    qtbot.keyClick(pane.tree, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: blob_exists(storage, small, "extra.txt"), timeout=15000)
    qtbot.waitUntil(lambda: pane.task is None and pane.transfer is None, timeout=15000)

    qtbot.waitUntil(lambda: child(pane.model, box_of(pane, small), "extra.txt") is not None)
    pick(pane, small, "extra.txt")
    qtbot.keyClick(pane.tree, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: not blob_exists(storage, small, "extra.txt"), timeout=15000)
    assert answers.confirmations[-1] == f"Delete extra.txt from {small}?"
    qtbot.waitUntil(lambda: pane.task is None, timeout=15000)

    made = f"kb-{uuid.uuid4().hex[:10]}"
    answers.name = made
    qtbot.keyClick(
        pane.tree,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.keyClick(pane.tree, Qt.Key.Key_Escape)  # QTest leaves Shift down after a Ctrl+Shift
    assert QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier
    qtbot.waitUntil(lambda: container_row(pane.window(), made) is not None, timeout=15000)
    storage.shared_key_client().delete_container(made)


def test_the_context_menu_offers_the_actions_and_runs_them(pane, qtbot, small):  # type: ignore[no-untyped-def]
    pick(pane, small, "top.txt")
    # The Menu key (or Shift+F10) as the window delivers it: a keyboard context-menu event
    # (QTest's keys go to the widget itself, past the window that turns the key into one).
    viewport = pane.tree.viewport()
    at = QPoint(1, 1)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, at, viewport.mapToGlobal(at))
    QApplication.sendEvent(viewport, event)
    qtbot.waitUntil(lambda: any(isinstance(w, QMenu) and w.isVisible()
                                for w in QApplication.topLevelWidgets()))  # fmt: skip
    menu = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible())
    texts = {a.text(): a.isEnabled() for a in menu.actions() if a.text()}
    for wanted in ("Properties", "Download…", "Upload…", "New container…", "Delete…", "Copy URL"):
        assert texts[wanted], wanted
    menu.close()
    pick(pane, small, "docs/")
    texts = {a.text(): a.isEnabled() for a in pane.pane_actions.menu().actions() if a.text()}
    assert not texts["Properties"] and not texts["Delete…"] and texts["Upload…"]
    properties = next(a for a in pane.pane_actions.menu().actions() if a.text() == "Properties")
    pick(pane, small, "second.txt")
    properties.trigger()
    qtbot.waitUntil(lambda: pane.asker.shown is not None, timeout=15000)
    assert pane.asker.shown.name == "second.txt"


def test_double_click_or_enter_on_a_blob_shows_its_properties(pane, qtbot, small):  # type: ignore[no-untyped-def]
    answers = pane.asker
    pick(pane, small, "second.txt")
    rect = pane.tree.visualRect(pane.tree.currentIndex())
    qtbot.mouseClick(pane.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(pane.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: answers.shown is not None, timeout=15000)
    assert answers.shown.name == "second.txt"
    qtbot.waitUntil(lambda: pane.task is None)
    answers.shown = None
    pick(pane, small, "top.txt")
    qtbot.keyClick(pane.tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: answers.shown is not None, timeout=15000)
    assert answers.shown.name == "top.txt"


def frame_colour(view, index) -> QColor:  # type: ignore[no-untyped-def]
    """The colour drawn at the top edge of index's row, inside the frame's width."""
    rect = view.visualRect(index)
    image = view.viewport().grab().toImage()
    return image.pixelColor(QPoint(rect.center().x(), rect.top()))


def test_the_keyboards_row_is_framed_in_the_tree_and_the_accounts_table(pane, qtbot, small):  # type: ignore[no-untyped-def]
    window = pane.window()
    pick(pane, small, "top.txt")
    current = pane.tree.currentIndex()
    white = pane.tree.palette().color(QPalette.ColorRole.HighlightedText)
    assert frame_colour(pane.tree, current) == white  # selected: the frame in the text colour
    window.table.setFocus()
    assert frame_colour(pane.tree, current) != white  # without focus, no frame

    table = window.table
    table.setCurrentIndex(table.model().index(0, 1))  # selected and current
    assert frame_colour(table, table.currentIndex()) == white
    table.selectionModel().clearSelection()  # current but not selected: the highlight colour
    highlight = table.palette().color(QPalette.ColorRole.Highlight)
    assert frame_colour(table, table.currentIndex()) == highlight
    pane.tree.setFocus()
    assert frame_colour(table, table.currentIndex()) != highlight


def test_at_900_by_560_the_actions_columns_and_progress_fit(pane, qtbot, small, tmp_path):  # type: ignore[no-untyped-def]
    window = pane.window()
    assert (window.width(), window.height()) == (900, 560)
    toolbar = pane.toolbar
    for key, action in pane.buttons.items():
        button = toolbar.widgetForAction(action)
        assert button.isVisible() and toolbar.rect().contains(button.geometry()), key
    overflow = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert overflow is None or not overflow.isVisible()  # nothing behind an unlabelled »
    header, viewport = pane.tree.header(), pane.tree.viewport()
    for column in (0, 1, 2):  # Name, Size and Modified, whole
        assert (
            header.sectionViewportPosition(column) + header.sectionSize(column) <= viewport.width()
        )

    pick(pane, small, "big.bin")
    pane.asker.save_to = tmp_path / "big.bin"
    pane.download()
    bar = pane.transfers
    qtbot.waitUntil(lambda: bar.transfer is not None and bar.transfer.done > 0, timeout=15000)
    qtbot.waitUntil(lambda: " of " in bar.progress.text())
    assert clipped(bar) == []
    assert (
        bar.title.text() == "Downloading big.bin"
        and bar.title.height() <= 2 * bar.title.fontMetrics().height()
    )
    text_width = bar.progress.fontMetrics().horizontalAdvance(bar.progress.text())
    assert text_width < bar.progress.width()  # the bar says how far, uncut
    pane.cancel_button.click()
    qtbot.waitUntil(lambda: pane.task is None, timeout=15000)


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
