"""The profile bar at the window's default size (real Qt, offscreen): a tenant that is not
valid is explained below the bar in full, and the field keeps its width and its text."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.core.configurations.profile import AZURE_DEV_CLIENT_ID
from tests.integration.ui.helpers import clipped, inside_window, new_window


def test_an_invalid_tenant_is_explained_in_full_and_the_field_keeps_its_width(
    qtbot, sandbox, tmp_path
):  # type: ignore[no-untyped-def]
    window = new_window(qtbot, sandbox, tmp_path)
    window.resize(900, 560)
    window.show()
    qtbot.waitExposed(window)
    bar = window.profile_bar
    width = bar.tenant_edit.width()
    assert width >= bar.tenant_edit.fontMetrics().horizontalAdvance("0" * 30)  # fits a GUID
    bar.tenant_edit.setFocus()
    bar.tenant_edit.selectAll()
    qtbot.keyClicks(bar.tenant_edit, "not a tenant!")
    qtbot.keyClick(bar.tenant_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bar.error.isVisible())
    assert bar.tenant_edit.width() >= width  # it was squeezed to ~25 px beside the message
    assert inside_window(bar.error)  # it ran off the window's edge
    assert clipped(bar) == []
    message = bar.error.text()
    assert "Not applied: Tenant must be organizations" in message
    assert AZURE_DEV_CLIENT_ID not in message  # the Azure CLI's client id is not a tenant
    assert bar.tenant_edit.toolTip() == message
    assert bar.tenant_edit.text() == "not a tenant!" and window.profile.tenant == "organizations"
    qtbot.keyClick(bar.tenant_edit, Qt.Key.Key_Escape)  # back to the tenant in use
    assert bar.tenant_edit.text() == "organizations" and bar.error.isHidden()
    assert bar.tenant_edit.toolTip() == ""
