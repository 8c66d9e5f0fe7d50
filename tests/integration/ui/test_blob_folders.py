"""The blob pane as Storage Explorer lays it out: a flat table of one folder's contents, the
breadcrumbs and Up above it, the tree of containers and folders beside it, sorting by a
column header. Real widgets, real broker credential, real Azurite."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QLabel, QToolButton

from tests.integration.ui.blob_steps import box_of, pick
from tests.integration.ui.test_blob_pane import (  # noqa: F401 - and its fixtures
    BIG,
    child,
    container_row,
    expand,
    pane_window,
    seeded,
)


def table_names(pane) -> list[str]:  # type: ignore[no-untyped-def]
    root, model = pane.tree.rootIndex(), pane.model
    return [model.index(r, 0, root).data() for r in range(model.rowCount(root))]


def crumbs(pane) -> list[str]:  # type: ignore[no-untyped-def]
    """The breadcrumbs' texts: buttons as they read, the folder shown in brackets."""
    said = []
    for i in range(pane.crumbs.row.count()):
        widget = pane.crumbs.row.itemAt(i).widget()
        if isinstance(widget, QToolButton):
            said.append(widget.text())
        elif isinstance(widget, QLabel) and widget.text() != "›":
            said.append(f"[{widget.text().removeprefix('<b>').removesuffix('</b>')}]")
    return said


def test_folders_open_in_the_table_and_the_breadcrumbs_and_up_lead_back(pane, qtbot, small):  # type: ignore[no-untyped-def]
    box = box_of(pane, small)
    assert pane.tree.rootIndex() == box  # the fixture opened the container
    assert table_names(pane) == ["docs/", "big.bin", "second.txt", "top.txt"]
    assert crumbs(pane) == ["devstoreaccount1", f"[{small}]"]

    pick(pane, small, "docs/")
    qtbot.keyClick(pane.tree, Qt.Key.Key_Return)  # Enter on a folder opens it
    docs = child(pane.model, box, "docs/")
    assert pane.tree.rootIndex() == docs
    qtbot.waitUntil(lambda: table_names(pane) == ["readme.md"], timeout=15000)
    assert crumbs(pane) == ["devstoreaccount1", small, "[docs]"]
    assert pane.current().name == "docs/"  # nothing selected: actions apply to the folder
    assert pane.buttons["upload"].isEnabled() and pane.buttons["download"].isEnabled()

    qtbot.keyClick(pane.tree, Qt.Key.Key_Backspace)  # up
    assert pane.tree.rootIndex() == box and crumbs(pane)[-1] == f"[{small}]"
    pick(pane, small, "docs/")
    rect = pane.tree.visualRect(pane.tree.currentIndex())
    qtbot.mouseClick(pane.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(pane.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert pane.tree.rootIndex() == docs  # a double-click opens it too
    qtbot.keyClick(pane.tree, Qt.Key.Key_Backspace)
    qtbot.keyClick(pane.tree, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)  # up again
    assert not pane.tree.rootIndex().isValid() and small in table_names(pane)
    assert crumbs(pane) == ["[devstoreaccount1]"] and not pane.crumbs.up.isEnabled()

    pane.open(docs)
    account = pane.crumbs.buttons[0]
    assert account.accessibleName() == "Go to devstoreaccount1"
    account.click()  # a breadcrumb goes straight up to its level
    assert not pane.tree.rootIndex().isValid()


def test_the_tree_beside_the_table_holds_containers_and_folders_only(pane, qtbot, small):  # type: ignore[no-untyped-def]
    folders = pane.folder_model
    tops = [folders.index(r, 0) for r in range(folders.rowCount())]
    top = next(i for i in tops if i.data() == small)
    assert [folders.index(r, 0, top).data() for r in range(folders.rowCount(top))] == ["docs/"]
    docs_in_tree = folders.index(0, 0, top)
    pane.folders.clicked.emit(docs_in_tree)  # choosing it in the tree shows it in the table
    docs = child(pane.model, box_of(pane, small), "docs/")
    assert pane.tree.rootIndex() == docs
    qtbot.waitUntil(lambda: table_names(pane) == ["readme.md"], timeout=15000)
    assert folders.rowCount(docs_in_tree) == 0  # its blob is not in the tree
    pane.up()
    assert pane.folders.currentIndex() == top  # the tree follows the table


def test_at_the_default_size_the_folder_tree_waits_to_be_asked_for_and_shows_when_wide(pane, qtbot):  # type: ignore[no-untyped-def]
    window = pane.window()
    assert not pane.folders.isVisible()  # 900×560: the table has the pane's width
    before = pane.width()
    window.resize(1120, 680)  # the default size
    qtbot.waitUntil(lambda: pane.width() > before)  # laid out again
    assert pane.width() < 560 and not pane.folders.isVisible()
    button = pane.crumbs.tree_button
    assert button.isVisible() and not button.isChecked()
    button.click()  # Folders: the tree beside the table
    assert pane.folders.isVisible() and pane.split.sizes()[0] > 0
    button.click()
    assert not pane.folders.isVisible()
    window.resize(1600, 800)
    window.splitter.setSizes([600, 1000])
    qtbot.waitUntil(lambda: pane.folders.isVisible())  # room enough: shown by itself
    assert button.isChecked() and pane.split.sizes()[0] > 0


def test_a_header_sorts_the_folder_folders_first_keeping_the_current_row(pane, qtbot, small):  # type: ignore[no-untyped-def]
    pick(pane, small, "top.txt")
    header = pane.tree.header()
    size = QPoint(header.sectionViewportPosition(1) + 5, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=size)  # Size
    assert header.sortIndicatorSection() == 1
    if header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder:
        assert table_names(pane) == ["docs/", "second.txt", "top.txt", "big.bin"]
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=size)
    assert table_names(pane) == ["docs/", "big.bin", "top.txt", "second.txt"]  # descending
    assert pane.model.node(pane.tree.currentIndex()).name == "top.txt"  # moved with its row
    pane.tree.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # back to the listing's order
    assert table_names(pane) == ["docs/", "big.bin", "second.txt", "top.txt"]


def test_a_sorted_folder_takes_later_pages_at_their_place(pane_window, seeded, qtbot):  # type: ignore[no-untyped-def]  # noqa: F811
    window, _ = pane_window
    pane, model = window.blobs, window.blobs.model
    box = container_row(window, seeded)
    expand(qtbot, window, box)
    many = child(model, box, "many/")
    pane.open(many)
    qtbot.waitUntil(lambda: not model.node(many).loading, timeout=15000)
    assert 0 < model.rowCount(many) < BIG
    pane.tree.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: not model.node(many).loading, timeout=15000)
    while model.canFetchMore(many):  # scrolled on: later pages
        expand(qtbot, window, many)
    names = [model.index(r, 0, many).data() for r in range(model.rowCount(many))]
    assert names == [f"{i:05d}.txt" for i in range(BIG - 1, -1, -1)]


def test_a_new_container_lists_the_containers_again_keeping_the_folder(pane, qtbot, small):  # type: ignore[no-untyped-def]
    docs = child(pane.model, box_of(pane, small), "docs/")
    pane.open(docs)
    qtbot.waitUntil(lambda: table_names(pane) == ["readme.md"], timeout=15000)
    pane.reload_containers()  # what New container does once it is made
    assert box_of(pane, small) is None or not pane.tree.rootIndex().isValid()
    qtbot.waitUntil(lambda: table_names(pane) == ["readme.md"], timeout=15000)
    assert crumbs(pane) == ["devstoreaccount1", small, "[docs]"]


def test_a_folder_that_goes_away_leaves_the_table_at_the_level_above(pane, qtbot, small):  # type: ignore[no-untyped-def]
    box = box_of(pane, small)
    docs = child(pane.model, box, "docs/")
    pane.open(docs)
    pane.model.refetch(box)  # its container listed again: the old docs/ node is gone
    assert pane.tree.rootIndex() == box_of(pane, small)
    assert crumbs(pane)[-1] == f"[{small}]"
    qtbot.waitUntil(lambda: "docs/" in table_names(pane), timeout=15000)
    assert pane.model.rowCount(QModelIndex()) > 0


def test_the_next_page_is_read_ahead_and_comes_in_at_once(pane_window, seeded, qtbot):  # noqa: F811
    window, _ = pane_window
    model = window.blobs.model
    box = container_row(window, seeded)
    expand(qtbot, window, box)
    many = child(model, box, "many/")
    expand(qtbot, window, many)
    first = model.rowCount(many)
    node = model.node(many)
    qtbot.waitUntil(lambda: node.ahead is not None, timeout=15000)  # read while looked at
    assert model.rowCount(many) == first  # read, not shown until asked for
    model.fetchMore(many)
    assert model.rowCount(many) == 2 * first and not node.loading  # no round trip waited for
