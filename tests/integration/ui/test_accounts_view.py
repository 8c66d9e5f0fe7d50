"""The accounts list as a user meets it at the default size (1120×680, offscreen, the real
broker runtime and the sandbox): checked by geometry, not by eye."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication

from app.core.broker.errors import BrokerError
from app.core.broker.records import Account
from app.core.broker.runtime import Broker
from app.core.outcomes.outcome import Kind
from app.ui.accounts.model import AccountsModel, display_tenant_names, kind_colour
from app.ui.accounts.view import AccountsView
from app.ui.shell.diagnostics import _spare_height as spare_height
from app.ui.shell.main_window import DEFAULT_SIZE
from tests.helpers import CONTOSO
from tests.integration.ui.helpers import clipped, idle, inside_window, new_window, row, select

M = AccountsModel


@pytest.fixture
def window(qtbot, sandbox, control, tmp_path):  # type: ignore[no-untyped-def]
    """At the default size, before the first listing."""
    window = new_window(qtbot, sandbox, tmp_path)
    window.resize(DEFAULT_SIZE)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.sandbox_picker.stop()
    window.session.cancel()


def listed(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.session.refresh()
    qtbot.waitUntil(lambda: idle(window) and window.model.rowCount() > 0, timeout=15000)


def state_column_whole(window) -> bool:  # type: ignore[no-untyped-def]
    """State starts and ends inside the table's viewport and fits its longest word."""
    table, header = window.table, window.table.horizontalHeader()
    bold = QFont(table.font())
    bold.setBold(True)  # the active account's row
    needed = QFontMetrics(bold).horizontalAdvance("Not usable here")
    left = header.sectionViewportPosition(M.STATE)
    width = header.sectionSize(M.STATE)
    return left >= 0 and left + width <= table.viewport().width() and width > needed


def test_state_name_and_username_are_readable_at_the_default_size(window, qtbot):
    listed(window, qtbot)
    qtbot.waitUntil(lambda: state_column_whole(window))
    assert not window.table.wordWrap()  # "Not usable here" on one line, never two cut-off ones
    assert window.table.horizontalScrollBar().maximum() == 0  # nothing hidden to the right
    header = window.table.horizontalHeader()
    assert header.sectionSize(M.NAME) >= 110 and header.sectionSize(M.USERNAME) >= 110
    # Opening the Blob storage tab pushed State behind a horizontal scrollbar ("No…").
    window.tabs.setCurrentWidget(window.storage_tab)
    assert window.storage_tab.built
    qtbot.waitUntil(lambda: state_column_whole(window))
    assert window.table.horizontalScrollBar().maximum() == 0
    assert window.splitter.sizes()[0] >= window.table.minimumWidth()


def test_before_the_first_listing_the_table_says_it_is_asking_the_broker(window, qtbot):
    table = window.table
    assert window.model.rowCount() == 0
    assert table.placeholder == "Asking the broker for its accounts…"
    listed(window, qtbot)
    assert table.placeholder != "Asking the broker for its accounts…"
    window.accounts_view.filter.setText("nobody-matches-this")
    assert window.proxy.rowCount() == 0
    assert table.placeholder == "No account matches “nobody-matches-this”."


class OfflineBroker(Broker):
    """The runtime answers a listing from its own cache when the broker fails (measured with
    the sandbox's scripted NoNetwork), so a failed first listing needs this stand-in."""

    def list_accounts(self, profile):  # type: ignore[no-untyped-def, override]
        raise BrokerError("NoNetwork")


def test_a_failed_first_listing_stops_saying_it_is_asking(qtbot, sandbox, tmp_path):
    window = new_window(qtbot, sandbox, tmp_path, OfflineBroker())
    window.show()
    window.session.refresh()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    assert window.model.rowCount() == 0
    assert "did not list its accounts" in window.table.placeholder
    assert window.banner.isVisible()


def test_tab_moves_out_of_the_table_and_arrows_move_within(window, qtbot):
    listed(window, qtbot)
    window.activateWindow()
    table = window.table
    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table.currentIndex().row() == 1
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert not table.hasFocus()  # seven presses stayed inside the table


def test_sorting_by_any_column_and_the_same_order_after_a_reload(window, qtbot):
    listed(window, qtbot)
    proxy = window.proxy

    def shown(column: int) -> list[str]:
        return [proxy.index(r, column).data() for r in range(proxy.rowCount())]

    by_name = shown(M.NAME)
    assert by_name == sorted(by_name, key=str.casefold)
    header = window.table.horizontalHeader()

    def click_header(column: int) -> None:
        middle = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(
            header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(middle, header.height() // 2)
        )

    click_header(M.USERNAME)
    usernames = shown(M.USERNAME)
    assert usernames == sorted(usernames, key=str.casefold)
    click_header(M.USERNAME)  # again: the other way round
    assert shown(M.USERNAME) == list(reversed(usernames))
    window.table.sortByColumn(M.TENANT, Qt.SortOrder.AscendingOrder)
    order = shown(M.USERNAME)
    reversed_rows = [r.account for r in reversed(window.model.rows)]
    window.model.set_accounts(reversed_rows, None)  # the broker lists them in another order
    assert shown(M.USERNAME) == order  # ties broken by name, then username: stable
    tenants = shown(M.TENANT)
    assert tenants == sorted(tenants, key=str.casefold)


def test_selected_rows_are_copied_as_text(window, qtbot):
    listed(window, qtbot)
    table = window.table
    select(window, "adele@contoso.example")
    first = table.currentIndex().row()
    table.selectionModel().select(
        window.proxy.index(first + 1, 0),
        table.selectionModel().SelectionFlag.Select | table.selectionModel().SelectionFlag.Rows,
    )
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0] == "Name\tUsername\tTenant\tType\tState"
    assert lines[1].startswith("Adele Vance\tadele@contoso.example\tContoso\tWork or school\t")
    assert len(lines) == 3
    window.accounts_view.copy_list()
    assert len(QGuiApplication.clipboard().text().splitlines()) == 1 + window.model.rowCount()


def test_every_state_has_its_own_colour(qtbot):
    colours = [kind_colour(kind).name() for kind in Kind] + [kind_colour(None).name()]
    assert len(set(colours)) == len(colours)  # Failed was Blocked's red


def test_personal_accounts_show_one_tenant_label_however_they_were_added(qtbot):
    from app.core.broker.records import CONSUMERS_TENANT, MSA_PASSTHROUGH_TENANT

    model = M(display_tenant_names({CONTOSO: "Contoso", CONSUMERS_TENANT: "Microsoft accounts"}))
    view = AccountsView(model)
    qtbot.addWidget(view)
    listed_one = Account("a", f"oid.{CONSUMERS_TENANT}", "alex@outlook.example", "Alex", "", "")
    passthrough = Account("b", f"oid2.{CONSUMERS_TENANT}", "sam@hotmail.example", "Sam",
                          MSA_PASSTHROUGH_TENANT, "")  # fmt: skip
    model.set_accounts([listed_one, passthrough], None)
    labels = {model.index(r, M.TENANT).data() for r in range(2)}
    assert labels == {"Microsoft account"}


def test_an_active_account_is_marked_without_taking_width_from_its_name(window, qtbot):
    listed(window, qtbot)
    select(window, "lee@fabrikam.example")
    window.act_active.trigger()
    model = window.model
    lee = model.index(model.row_of(row(window, "lee@fabrikam.example").account), 0)
    assert lee.data() == "Lee Gu"
    assert lee.data(Qt.ItemDataRole.AccessibleTextRole) == "Lee Gu (active)"
    assert lee.data(Qt.ItemDataRole.FontRole).bold()
    # The star of Make active on the avatar: its lower right corner turns gold.
    avatar = lee.data(Qt.ItemDataRole.DecorationRole).pixmap(64, 64).toImage()
    corner = avatar.pixelColor(avatar.width() * 3 // 4, avatar.height() - 4)
    assert (corner.red(), corner.green(), corner.blue()) == (0xF9, 0xA8, 0x25)
    diego = window.model.index(
        window.model.row_of(row(window, "diego@fabrikam.example").account), 0
    )
    plain = diego.data(Qt.ItemDataRole.DecorationRole).pixmap(64, 64).toImage()
    assert plain.pixelColor(plain.width() * 3 // 4, plain.height() - 4).name() != "#f9a825"


def overlapping(parent) -> list[str]:  # type: ignore[no-untyped-def]
    """Pairs of shown sibling widgets of parent drawn over each other."""
    from PySide6.QtWidgets import QWidget

    children = parent.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
    shown = [w for w in children if w.isVisible() and not w.isWindow()]
    return [
        f"{type(a).__name__} / {type(b).__name__}"
        for i, a in enumerate(shown)
        for b in shown[i + 1 :]
        if a.geometry().intersects(b.geometry())
    ]


def test_diagnostics_at_the_default_size_leave_the_window_usable(window, qtbot):
    """Ctrl+L at 900×560 (the default size then) left one table row and the blob pane's
    controls drawn over each other."""
    listed(window, qtbot)
    window.tabs.setCurrentWidget(window.storage_tab)
    window.banner.show_text("A message", "that takes room " * 40)
    size = window.size()
    toggle = window.diagnostics.toggleViewAction()
    assert toggle.shortcut().toString() == "Ctrl+L"
    toggle.trigger()
    qtbot.waitUntil(lambda: window.diagnostics.isVisible())
    qtbot.wait(10)  # let the window lay itself out again
    assert window.size() == size
    table = window.table
    assert table.viewport().height() >= 3 * table.rowHeight(0)
    assert overlapping(window.blobs) == []
    assert clipped(window.blobs) == [], "\n".join(clipped(window.blobs))
    assert inside_window(window.table) and inside_window(window.blobs.tree)
    toggle.trigger()
    window.banner.hide()
    window.sandbox_banner.hide()  # as outside sandbox mode
    dock = window.diagnostics  # the window lays itself out without them (and the dock) first
    qtbot.waitUntil(lambda: spare_height(window.centralWidget()) >= dock.minimumSizeHint().height())
    toggle.trigger()  # with room to spare it docks under the window
    qtbot.waitUntil(lambda: window.diagnostics.isVisible())
    assert not window.diagnostics.isFloating()
    assert table.viewport().height() >= 3 * table.rowHeight(0)
    window.diagnostics.setFloating(True)  # the user made it a window of its own: it stays one
    toggle.trigger()
    toggle.trigger()
    assert window.diagnostics.isVisible() and window.diagnostics.isFloating()
