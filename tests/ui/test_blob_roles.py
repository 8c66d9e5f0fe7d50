"""The blob pane for an account that may manage the storage account but not read its data:
the real SDK's 403 from the sandbox's storage endpoint, explained in the pane's banner."""

from __future__ import annotations

from tests.ui.helpers import open_window, select


def test_an_owner_without_a_data_role_sees_which_role_to_ask_for(
    qtbot, sandbox, control, tmp_path, storage
):  # type: ignore[no-untyped-def]
    window = open_window(qtbot, sandbox, tmp_path)
    try:
        window.blobs.url.setCurrentText(storage.account_url)
        select(window, "nestor@contoso.example")
        window.act_active.trigger()
        window.tabs.setCurrentWidget(window.storage_tab)
        window.blobs.connect_storage()
        banner = window.blobs.banner
        qtbot.waitUntil(banner.isVisible, timeout=20000)
        assert (
            banner.title.text() == "nestor@contoso.example: No data access to this storage account"
        )
        text = banner.body.text()
        assert "Storage Blob Data Reader" in text and "Owner or Contributor alone" in text
        assert "[AuthorizationPermissionMismatch]" in text
        assert window.blobs.model.rowCount() == 0
        assert "nestor@contoso.example" in window.blobs.who.text()
    finally:
        window.sandbox_picker.stop()
