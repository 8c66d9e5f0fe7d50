"""The blob pane without a mouse, at the window's default size: every action by Tab,
shortcut and context menu, Enter and double-click; where the keyboard is; what fits at
900×560. Real widgets, real broker credential, real Azurite."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QContextMenuEvent, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QToolButton

from tests.integration.ui.blob_steps import blob_exists, box_of, pick
from tests.integration.ui.helpers import clipped
from tests.integration.ui.test_blob_pane import child, container_row


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


def test_double_click_or_enter_on_a_blob_previews_it(pane, qtbot, small):  # type: ignore[no-untyped-def]
    answers = pane.asker
    pick(pane, small, "second.txt")
    rect = pane.tree.visualRect(pane.tree.currentIndex())
    qtbot.mouseClick(pane.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(pane.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: answers.previewed is not None, timeout=15000)
    assert (answers.previewed.name, answers.previewed.text) == ("second.txt", "second\n")
    assert answers.shown is None  # a preview, not the properties
    qtbot.waitUntil(lambda: pane.task is None)
    answers.previewed = None
    pick(pane, small, "top.txt")
    qtbot.keyClick(pane.tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: answers.previewed is not None, timeout=15000)
    assert answers.previewed.text == "top level file\n"
    qtbot.waitUntil(lambda: pane.task is None)
    answers.previewed = None
    pick(pane, small, "second.txt")
    preview = next(a for a in pane.pane_actions.menu().actions() if a.text() == "Preview")
    preview.trigger()
    qtbot.waitUntil(lambda: answers.previewed is not None, timeout=15000)
    assert answers.previewed.name == "second.txt"


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
        if key in ("upload_folder", "preview"):  # in the context menu only (and Enter)
            continue
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
