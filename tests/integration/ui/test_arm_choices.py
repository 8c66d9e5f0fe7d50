"""The tenants and subscriptions a user hides in View ▸ Subscriptions and storage accounts,
against the sandbox's broker and ARM through the real runtime: a hidden row leaves the view
(Show hidden brings it back, unticked), Refresh asks nothing for it, and the choice is kept
by home account id in the settings file: after signing out and in again, and in a new window
on the same settings file (a restart)."""

from __future__ import annotations

import json

from PySide6.QtCore import QModelIndex, Qt

from tests.helpers import CONTOSO
from tests.integration.ui.helpers import idle, new_window, open_window, row, select
from tests.integration.ui.test_arm_window import discovered, find, rows

SANDBOX_SUB = "6f1c2a3b-0d4e-4f5a-9b8c-7d6e5f4a3b2c"


def untick(arm, index: QModelIndex) -> None:  # type: ignore[no-untyped-def]
    assert arm.filter.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)


def refreshed(qtbot, arm):  # type: ignore[no-untyped-def]
    assert arm.refresh()
    qtbot.waitUntil(lambda: arm.run is None, timeout=60000)
    return arm


def test_hidden_rows_leave_the_view_are_not_asked_and_survive_sign_in_and_restart(
    qtbot, sandbox, control, tmp_path
):  # type: ignore[no-untyped-def]

    window = open_window(qtbot, sandbox, tmp_path)
    lee_id = row(window, "lee@fabrikam.example").account.home_account_id
    arm = discovered(qtbot, window)
    asked_all = arm.status.text()
    untick(arm, find(arm.filter, "lee@fabrikam.example", "Contoso"))
    untick(arm, find(arm.filter, "nestor@contoso.example", "Contoso", "Contoso sandbox"))
    lee = find(arm.filter, "lee@fabrikam.example")
    assert [n for n, _ in rows(arm.filter, lee)] == ["Fabrikam (fabrikam.example) · home"]
    assert arm.show_hidden.text() == "Show hidden (2)"
    assert window.saver.flush()  # saves run off the GUI thread: these have ended
    saved = json.loads((tmp_path / "settings.json").read_text())["arm_hidden"]
    assert saved[lee_id] == {"tenants": [CONTOSO], "subscriptions": []}

    arm.show_hidden.setChecked(True)  # back in view, unticked, saying what Refresh does
    contoso = find(arm.filter, "lee@fabrikam.example", "Contoso")
    assert contoso.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert str(contoso.sibling(contoso.row(), 1).data()).startswith("Hidden: not asked")
    refreshed(qtbot, arm)
    contoso = find(arm.filter, "lee@fabrikam.example", "Contoso")
    assert contoso.sibling(contoso.row(), 1).data() == "Hidden: not asked on Refresh"
    assert arm.filter.rowCount(contoso) == 0  # no subscriptions were asked for
    sub = find(arm.filter, "nestor@contoso.example", "Contoso", "Contoso sandbox")
    assert arm.filter.rowCount(sub) == 0  # no storage accounts were asked for
    calls = lambda text: int(text.split("(")[1].split(" calls")[0])  # noqa: E731
    assert calls(arm.status.text()) < calls(asked_all)
    assert "2 hidden, not asked" in arm.status.text()

    select(window, "lee@fabrikam.example")  # sign out, then in again: the same choice
    window.sign_out()
    qtbot.waitUntil(lambda: idle(window) and all(
        r.account.home_account_id != lee_id for r in window.model.rows))  # fmt: skip
    control.pick("lee@fabrikam.example")
    window.add_account()
    qtbot.waitUntil(lambda: idle(window) and any(
        r.account.home_account_id == lee_id for r in window.model.rows), timeout=30000)  # fmt: skip
    arm.show_hidden.setChecked(False)
    refreshed(qtbot, arm)
    lee = find(arm.filter, "lee@fabrikam.example")
    assert [n for n, _ in rows(arm.filter, lee)] == ["Fabrikam (fabrikam.example) · home"]
    window.sandbox_picker.stop()
    window.close()

    again = new_window(qtbot, sandbox, tmp_path)  # a restart: the same settings file
    again.show()
    again.session.refresh()
    qtbot.waitUntil(lambda: idle(again) and again.model.rowCount() > 0)
    arm = discovered(qtbot, again)
    lee = find(arm.filter, "lee@fabrikam.example")
    assert [n for n, _ in rows(arm.filter, lee)] == ["Fabrikam (fabrikam.example) · home"]
    arm.show_hidden.setChecked(True)  # tick it again: asked on the next Refresh
    contoso = find(arm.filter, "lee@fabrikam.example", "Contoso")
    assert arm.filter.setData(contoso, Qt.CheckState.Checked.value,
                              Qt.ItemDataRole.CheckStateRole)  # fmt: skip
    assert contoso.sibling(contoso.row(), 1).data() == "Shown again: Refresh to ask"
    refreshed(qtbot, arm)
    contoso = find(arm.filter, "lee@fabrikam.example", "Contoso")
    assert contoso.sibling(contoso.row(), 1).data() == "1 subscription"
    assert arm.show_hidden.text() == "Show hidden (1)"  # nestor's subscription still
    again.sandbox_picker.stop()
