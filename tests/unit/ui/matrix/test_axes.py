"""The matrix's choices on their own (real Qt, offscreen): a typed tenant or scope set is
checked as a profile checks it; a mistake is said beside the field and what was typed is
kept, a good value becomes a ticked choice and the field is cleared for the next."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from app.core.configurations.profile import Profile
from app.ui.matrix.axes import AxesPanel, CheckList

GUID = "0b8e4f57-7c4a-4b8a-9d67-5f4f6c0a1e21"


def typed(edit: QLineEdit, text: str) -> None:
    edit.setText(text)
    edit.returnPressed.emit()


def test_a_typed_tenant_is_checked_added_once_and_a_mistake_said_beside_it(qtbot: QtBot) -> None:
    panel = AxesPanel(Profile(), [], {})
    qtbot.addWidget(panel)
    panel.show()
    tenants: CheckList = panel.tenants
    before = list(tenants.values)
    typed(panel.tenant_edit, "not a tenant!")
    assert panel.tenant_error.isVisible() and panel.tenant_error.text()
    assert panel.tenant_edit.text() == "not a tenant!"  # nothing typed is lost
    assert tenants.values == before
    typed(panel.tenant_edit, GUID)
    assert not panel.tenant_error.isVisible() and panel.tenant_edit.text() == ""
    assert tenants.values == [*before, GUID] and GUID in tenants.checked()
    typed(panel.tenant_edit, GUID)  # again: one choice
    assert tenants.values.count(GUID) == 1


def test_a_typed_scope_set_is_checked_and_named_by_its_scopes(qtbot: QtBot) -> None:
    panel = AxesPanel(Profile(), [], {})
    qtbot.addWidget(panel)
    panel.show()
    scopes: CheckList = panel.scopes
    before = len(scopes.values)
    typed(panel.scope_edit, "")
    assert panel.scope_error.isVisible() and panel.scope_error.text()
    assert len(scopes.values) == before
    typed(panel.scope_edit, "User.Read   Mail.Read")
    assert not panel.scope_error.isVisible() and panel.scope_edit.text() == ""
    assert scopes.values[before:] == [("User.Read Mail.Read", ("User.Read", "Mail.Read"))]
    assert scopes.item(before).text() == "User.Read Mail.Read"
    assert scopes.values[before] in scopes.checked()
