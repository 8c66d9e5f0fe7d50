"""The profile bar at the window's default size (real Qt, offscreen): a tenant that is not
valid is explained below the bar in full, and the field keeps its width and its text."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.core.configurations.profile import AZURE_DEV_CLIENT_ID, Profile
from app.core.settings.store import Store
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


def test_two_windows_on_one_settings_file_keep_and_show_each_others_changes(
    qtbot, sandbox, tmp_path
):  # type: ignore[no-untyped-def]
    first, second = new_window(qtbot, sandbox, tmp_path), new_window(qtbot, sandbox, tmp_path)
    first.profile_bar.tenant_edit.setText("common")
    first.profile_bar.tenant_edit.editingFinished.emit()  # first saves tenant common
    assert first.profile.tenant == "common"
    assert first.saver.flush()  # saves run off the GUI thread: this one has ended
    changed: list[Profile] = []
    second.profile_bar.changed.connect(changed.append)
    second.profile_bar.passthrough.setChecked(True)  # second saves passthrough
    qtbot.waitUntil(lambda: not second.saver.busy)
    # second's save kept first's tenant, and second's bar and session now use it
    assert (second.profile.tenant, second.profile.msa_passthrough) == ("common", True)
    assert changed[-1].tenant == "common"
    assert second.profile_bar.tenant_edit.text() == "common"
    saved = Store(tmp_path / "settings.json").load().data.profile()
    assert (saved.tenant, saved.msa_passthrough) == ("common", True)
    second.data.add_profile(Profile(name="From the second window"))
    second.save()
    assert second.saver.flush()
    first.save()  # any save of the first window brings the new profile into its list
    qtbot.waitUntil(lambda: not first.saver.busy)
    items = [first.profile_bar.combo.itemText(i) for i in range(first.profile_bar.combo.count())]
    assert "From the second window" in items
    assert first.profile_bar.combo.currentText() == first.data.selected  # still its own
