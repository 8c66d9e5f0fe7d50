"""The accounts list at scale (app.ui.accounts.model and view), real Qt, no broker: sort keys
made once and kept right when a row changes, one change for many rows, and a long list
fitted to the rows on screen (each measured cell costs ~0.1 ms: benchmarks/accounts.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.core.broker.errors import BrokerError
from app.core.configurations.configuration import Configuration
from app.core.outcomes.classify import of_error
from app.ui.accounts.model import AccountsModel
from app.ui.accounts.view import MEASURED_ROWS, AccountsView
from tests.stubs import account


def listed(count: int) -> tuple[AccountsModel, AccountsView]:
    model = AccountsModel()
    view = AccountsView(model)
    model.set_accounts([account(f"user{i:03d}") for i in range(count)], None)
    return model, view


def shown(view: AccountsView) -> list[str]:
    proxy = view.table.model()
    return [proxy.index(r, AccountsModel.USERNAME).data() for r in range(proxy.rowCount())]


def test_a_changed_row_moves_to_its_place_in_the_sorted_column(qtbot):
    model, view = listed(30)
    qtbot.addWidget(view)
    view.table.sortByColumn(AccountsModel.STATE, Qt.SortOrder.AscendingOrder)
    before = shown(view)
    changes: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom: changes.append((top.row(), bottom.row())))
    failed = of_error(model.rows[17].account, Configuration(), BrokerError("NoNetwork"), {})
    target = model.rows[17].account
    model.show_outcomes(lambda a: failed if a is target else None)
    after = shown(view)
    assert after != before and after[0] == target.username  # its new state sorts first
    assert model.sort_key(17, AccountsModel.STATE)[0] == model.rows[17].state.casefold()
    model.show_outcomes(lambda a: failed if a.username.startswith(("user001", "user029")) else None)
    assert changes[-1] == (1, 29)  # many rows: one change covering them
    assert len(changes) == 2


def test_a_long_list_is_fitted_to_the_rows_on_screen_a_short_one_to_every_row(qtbot):
    model, view = listed(MEASURED_ROWS)
    qtbot.addWidget(view)
    header = view.table.horizontalHeader()
    view.fit_columns()
    assert header.resizeContentsPrecision() == -1
    model.set_accounts([account(f"user{i:04d}") for i in range(MEASURED_ROWS * 5)], None)
    view.fit_columns()
    assert header.resizeContentsPrecision() == 0
