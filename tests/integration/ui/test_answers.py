"""An answer belongs to the account it is about, and says which call it was: through the real
widgets, the runtime and the sandbox broker."""

from __future__ import annotations

import uuid

from app.core.configurations.profile import Profile
from app.core.outcomes.outcome import Kind
from tests.integration.ui.helpers import idle, open_window, row, select, use_profile


def test_an_answer_for_another_account_is_that_accounts_and_the_banner_says_so(
    qtbot, sandbox, control, tmp_path, fresh_profile
):  # type: ignore[no-untyped-def]
    window = open_window(qtbot, sandbox, tmp_path)
    use_profile(window, qtbot, Profile(client_id=fresh_profile.client_id, msa_passthrough=True))
    select(window, "alex@outlook.example")
    before = row(window, "alex@outlook.example").kind
    control.script_picker("adele@contoso.example")  # the broker's window picks another one
    window.act_again.trigger()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    sent = control.calls("acquireTokenInteractively")[-1]
    assert sent["loginHint"] == "alex@outlook.example"  # Sign in again names the account
    assert row(window, "alex@outlook.example").kind is before  # never shown as alex's
    assert row(window, "adele@contoso.example").kind is Kind.TOKEN
    assert "answered for another account" in window.banner.title.text()
    assert "answered for adele@contoso.example" in window.banner.body.text()
    assert window.banner.trace.startswith(f"Correlation ID: {sent['correlationId']} ")
    assert window.banner.trace in window.banner.body.text()
    window.sandbox_picker.stop()


def test_a_refusal_keeps_the_calls_correlation_id_in_the_banner_and_the_tooltip(
    qtbot, sandbox, control, tmp_path
):  # type: ignore[no-untyped-def]
    window = open_window(qtbot, sandbox, tmp_path)
    select(window, "carl@contoso.example")  # blocked by Conditional Access
    window.act_token.trigger()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    cid = control.calls("acquireTokenSilently")[-1]["correlationId"]
    assert cid and window.banner.trace.startswith(f"Correlation ID: {cid} Timestamp: ")
    assert window.banner.copy_trace.isVisible()
    window.banner.copy_trace.click()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == window.banner.trace
    assert f"Correlation ID: {cid}" in row(window, "carl@contoso.example").detail
    window.sandbox_picker.stop()


def test_as_your_code_would_shows_the_credentials_answer_beside_the_brokers(
    qtbot, sandbox, control, tmp_path, fresh_profile
):  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QPushButton

    from app.ui.accounts.as_your_code import AsYourCodeDialog

    window = open_window(qtbot, sandbox, tmp_path)
    use_profile(window, qtbot, fresh_profile)
    select(window, "adele@contoso.example")
    window.act_token.trigger()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    window.act_sdk.trigger()
    dialog = window.findChild(AsYourCodeDialog)
    assert "Token" in dialog.ours.text() and "Not asked yet" in dialog.theirs.text()
    control.script_picker("adele@contoso.example")
    dialog.ask_button.click()
    qtbot.waitUntil(lambda: idle(window) and dialog.answer is not None, timeout=30000)
    call = control.calls("acquireTokenInteractively")[-1]
    assert call["parentWindowHandle"] == int(window.winId())  # over the app's window
    assert (
        call["authParameters"]["additionalQueryParametersForAuthorization"]["msal_client_sku"]
        == "MSAL.Python"
    )  # msal asked it, under the credential
    assert dialog.answer.kind == "token" and "Your code gets a token" in dialog.theirs.text()
    assert dialog.found.text() == "No difference: your code gets what the broker answered the app."
    copy = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Copy Python (msal)")
    copy.click()
    assert fresh_profile.client_id in QGuiApplication.clipboard().text()
    window.sandbox_picker.stop()


def test_the_blob_pane_can_browse_with_azure_identity_brokers_credential(
    qtbot, sandbox, control, tmp_path, storage
):  # type: ignore[no-untyped-def]
    box = f"seed-{uuid.uuid4().hex[:8]}"
    storage.shared_key_client().create_container(box)  # set-up only: the pane uses a token
    window = open_window(qtbot, sandbox, tmp_path)
    select(window, "adele@contoso.example")
    window.act_active.trigger()
    window.tabs.setCurrentWidget(window.storage_tab)
    pane = window.blobs
    pane.url.setCurrentText(storage.account_url)
    pane.seed_action.setChecked(True)  # as your code would
    pane.connect_storage()
    # A new credential has no token yet: it says so, and signs in only when asked.
    qtbot.waitUntil(lambda: pane.banner.action.isVisible(), timeout=20000)
    assert "The credential needs a sign-in" in pane.banner.title.text()
    assert not control.calls("acquireTokenInteractively")  # no UI from inside a storage call
    control.script_picker("adele@contoso.example")
    pane.banner.action.click()  # Sign in as your code would: authenticate(), once
    qtbot.waitUntil(lambda: pane.model.rowCount() > 0, timeout=20000)
    names = {pane.model.node(pane.model.index(r, 0)).name for r in range(pane.model.rowCount())}
    assert box in names  # listed with the seed credential's token
    storage.shared_key_client().delete_container(box)
    (signed_in,) = control.calls("acquireTokenInteractively")  # the one sign-in asked for
    extra = signed_in["authParameters"]["additionalQueryParametersForAuthorization"]
    assert extra["msal_client_sku"] == "MSAL.Python"  # through msal, under the credential
    window.sandbox_picker.stop()


def test_sign_out_everywhere_says_what_it_did_and_what_it_cannot(fresh_window, qtbot, control):  # type: ignore[no-untyped-def]
    window = fresh_window
    asked: list[str] = []
    window.confirm = lambda _parent, title, text: asked.append(text) or True
    listed = window.model.rowCount()
    window.account_actions["out_all"].trigger()
    qtbot.waitUntil(lambda: idle(window) and window.model.rowCount() == 0, timeout=30000)
    assert "The accounts stay on this device" in asked[0]
    assert len(control.calls("removeAccount")) == 0  # only this app's tokens: the broker keeps it
    assert window.notice.isVisible() and window.notice.title.text() == "Signed out"
    body = window.notice.body.text()
    assert "apps cannot remove it" in body and "intune-portal" in body
    assert body.count("@") == listed  # every account named
