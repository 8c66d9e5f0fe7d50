"""The blob pane for an account that may manage the storage account but not read its data:
the real SDK's 403 from the sandbox's storage endpoint, explained in the pane's banner."""

from __future__ import annotations

from tests.helpers import claims
from tests.integration.ui.helpers import open_window, select
from tests.integration.ui.test_blob_pane import container_row


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
            banner.title.text()
            == "Blob storage for nestor@contoso.example: No data access to this storage account"
        )
        text = banner.body.text()
        assert "Storage Blob Data Reader" in text and "Owner or Contributor alone" in text
        assert "AuthorizationPermissionMismatch" not in text  # storage's code: for exports
        assert window.blobs.model.rowCount() == 0
        assert "nestor@contoso.example" in window.blobs.who.text()
    finally:
        window.sandbox_picker.stop()


def test_a_claims_challenge_is_answered_by_a_step_up_and_the_data_opens(
    qtbot, sandbox, control, tmp_path, storage
):  # type: ignore[no-untyped-def]
    """The sandbox's storage endpoint answers like a CAE-enabled resource: a 401 with
    `error="insufficient_claims"` for the container that needs authentication context c1.
    The real SDK raises it; the pane offers the step-up, the broker's window asks for exactly
    those claims, and the pane connects again with a token that carries them."""
    client = storage.shared_key_client()
    box = client.get_container_client("sensitive")
    if not box.exists():
        box.create_container()
        box.upload_blob("payroll/2026-11.csv", b"month,total\n", overwrite=True)
    window = open_window(qtbot, sandbox, tmp_path)
    try:
        pane = window.blobs
        pane.url.setCurrentText(storage.account_url)
        select(window, "adele@contoso.example")
        window.act_active.trigger()
        window.tabs.setCurrentWidget(window.storage_tab)
        pane.connect_storage()
        qtbot.waitUntil(lambda: container_row(window, "sensitive") is not None, timeout=20000)
        pane.open(container_row(window, "sensitive"))  # opened: its listing asks
        qtbot.waitUntil(pane.banner.isVisible, timeout=20000)
        assert pane.banner.title.text() == (
            "Blob storage for adele@contoso.example: This data needs a stronger sign-in"
        )
        assert "[ClaimsChallenge]" not in pane.banner.body.text()  # no internal tag
        assert pane.banner.action.text() == "Sign in with the requested claims"
        assert "acrs" not in claims(pane.credential.last_result.access_token)

        pane.banner.action.click()
        qtbot.waitUntil(lambda: bool(control.calls("acquireTokenInteractively")), timeout=20000)
        qtbot.waitUntil(lambda: pane.task is None, timeout=20000)
        qtbot.waitUntil(lambda: container_row(window, "sensitive") is not None, timeout=20000)
        stepped_up = control.calls("acquireTokenInteractively")[-1]
        assert stepped_up["account"] == "adele@contoso.example"
        assert '"acrs"' in stepped_up["claims"]
        sensitive = container_row(window, "sensitive")
        # reopened by itself: the step-up reconnects and keeps what was open
        qtbot.waitUntil(lambda: pane.model.rowCount(sensitive) > 0, timeout=20000)
        assert pane.tree.rootIndex() == sensitive  # the table shows it again
        assert [pane.model.node(pane.model.index(r, 0, sensitive)).name
                for r in range(pane.model.rowCount(sensitive))] == ["payroll/"]  # fmt: skip
        assert not pane.banner.isVisible()
        assert claims(pane.credential.last_result.access_token)["acrs"] == ["c1"]
    finally:
        window.sandbox_picker.stop()
