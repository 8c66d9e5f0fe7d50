"""The profile editor validates as you type and shows the redirect URIs to register."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit

from app.core.configurations.authority import AUTHORITY_HOSTS
from app.core.configurations.profile import Profile
from app.ui.configurations.profile_editor import ProfileEditor
from tests.integration.ui.helpers import clipped

GUID = "345bb22e-db7e-528a-b3ac-5c154a5d0c42"


def save_enabled(editor: ProfileEditor) -> bool:
    return editor.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()


def test_field_errors_appear_as_you_type_and_block_saving(qtbot):
    editor = ProfileEditor(Profile(), {"Default", "Work"})
    qtbot.addWidget(editor)
    assert save_enabled(editor)
    editor.client_id.setText("not-a-guid")
    assert not save_enabled(editor)
    assert "GUID" in editor.errors["client_id"].text()
    labels = [label.text() for label in editor.redirects.findChildren(QLabel)]
    assert labels == ["Enter a valid client id to see them."]
    editor.client_id.setText(GUID)
    editor.authority.setCurrentText("https://contoso.b2clogin.com")
    assert "B2C" in editor.errors["authority_host"].text()
    editor.authority.setCurrentText("https://login.microsoftonline.us")
    editor.scopes.setText("openid")
    assert "openid" in editor.errors["scopes"].text()
    editor.scopes.setText("https://storage.azure.com/.default")
    editor.name.setText("Work")
    assert "already" in editor.errors["name"].text()
    editor.name.setText("Gov cloud")
    assert save_enabled(editor)
    editor._accept()
    assert editor.result_profile == Profile(
        name="Gov cloud",
        client_id=GUID,
        authority_host="https://login.microsoftonline.us",
        scopes=("https://storage.azure.com/.default",),
    )


def test_redirect_uris_follow_the_client_id_with_copy_buttons(qtbot):
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QLineEdit, QPushButton

    editor = ProfileEditor(Profile(client_id=GUID), set())
    qtbot.addWidget(editor)
    uris = [e.text() for e in editor.redirects.findChildren(QLineEdit)]
    assert f"ms-appx-web://Microsoft.AAD.BrokerPlugin/{GUID}" in uris
    copy = next(
        b for b in editor.redirects.findChildren(QPushButton) if "Windows" in b.accessibleName()
    )
    copy.click()
    assert QGuiApplication.clipboard().text() == f"ms-appx-web://Microsoft.AAD.BrokerPlugin/{GUID}"


def test_a_host_that_is_not_a_microsoft_cloud_must_be_marked_custom_and_warns(qtbot):
    editor = ProfileEditor(Profile(), set())
    qtbot.addWidget(editor)
    offered = [editor.authority.itemText(i) for i in range(editor.authority.count())]
    assert offered == list(AUTHORITY_HOSTS.values())
    editor.authority.setCurrentText("https://evil.example")
    assert not save_enabled(editor)
    assert "mark it as a custom authority host" in editor.errors["authority_host"].text()
    assert editor.host_warning.isHidden()
    editor.custom_host.setChecked(True)
    assert save_enabled(editor) and editor.errors["authority_host"].isHidden()
    assert not editor.host_warning.isHidden()
    assert editor.host_warning.text().startswith(
        "Sign-ins for this profile go to evil.example, which is not a Microsoft cloud"
    )
    editor.authority.setCurrentText("https://[::1]:8443")
    assert not save_enabled(editor) and editor.host_warning.isHidden()
    assert "not an IP address" in editor.errors["authority_host"].text()
    editor.authority.setCurrentText("https://evil.example")
    editor._accept()
    saved = editor.result_profile
    assert saved is not None and saved.custom_authority_host
    assert saved.authority_host == "https://evil.example"

    again = ProfileEditor(saved, set())
    qtbot.addWidget(again)
    assert again.custom_host.isChecked() and not again.host_warning.isHidden()
    again.authority.setCurrentText("Azure US Government")  # ticked, but a Microsoft cloud
    assert again.host_warning.isHidden() and save_enabled(again)
    again._accept()
    assert again.result_profile is not None and not again.result_profile.custom_authority_host


def test_the_dialog_grows_to_show_every_error_and_the_redirect_uris_whole(qtbot):
    """A B2C tenant, then a valid client id: the redirect URIs appear and widen the dialog;
    nothing may be clipped or drawn over the next row (checked by geometry)."""
    editor = ProfileEditor(Profile(), set())
    qtbot.addWidget(editor)
    editor.client_id.setText("not yet")
    editor.show()
    qtbot.waitExposed(editor)
    editor.tenant.setText("contoso.b2clogin.com")
    assert editor.errors["tenant"].isVisible()
    assert clipped(editor) == []
    editor.client_id.setText(GUID)
    assert editor.redirects.findChildren(QLineEdit)
    qtbot.waitUntil(lambda: clipped(editor) == [])  # once the wider layout has run
    editor.scopes.setText("User.Read https://storage.azure.com/user_impersonation")
    assert "one API" in editor.errors["scopes"].text()  # flagged as typed, not by msal later
    assert "ValueError" not in editor.errors["scopes"].text()
    assert clipped(editor) == []
    error = editor.errors["tenant"]
    next_row = editor.authority.mapTo(editor, editor.authority.rect().topLeft())
    assert error.mapTo(editor, error.rect().bottomLeft()).y() < next_row.y()


def test_request_options_are_checked_as_you_type_and_saved(qtbot):
    editor = ProfileEditor(Profile(), {"Default"})
    qtbot.addWidget(editor)
    editor.pop_url.setText("https://contoso.blob.core.windows.net/reports/q3.csv")
    assert not save_enabled(editor)
    assert "HTTP method" in editor.errors["pop_url"].text()
    editor.pop_method.setCurrentText("PUT")
    editor.pop_nonce.setText("two words")
    assert "one word" in editor.errors["pop_nonce"].text()
    editor.pop_nonce.setText("n-1")
    editor.claims.setText("Bearer realm=x")
    assert "not a claims challenge" in editor.errors["claims"].text()
    editor.claims.setText(
        'Bearer error="insufficient_claims", '
        'claims="eyJhY2Nlc3NfdG9rZW4iOnsiYWNycyI6eyJlc3NlbnRpYWwiOnRydWUsInZhbHVlIjoiYzEifX19"'
    )
    editor.login_hint.setText("adele")
    assert "user name" in editor.errors["login_hint"].text()
    editor.login_hint.setText("adele@contoso.example")
    editor.force_refresh.setChecked(True)
    editor.cp1.setChecked(True)
    assert save_enabled(editor) and not any(e.isVisible() for e in editor.errors.values())
    editor._accept()
    saved = editor.result_profile
    assert saved is not None
    assert (saved.pop_method, saved.pop_url, saved.pop_nonce) == (
        "PUT",
        "https://contoso.blob.core.windows.net/reports/q3.csv",
        "n-1",
    )
    assert saved.claims == '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}'
    assert saved.force_refresh and saved.client_capabilities == ("cp1",)
    assert saved.login_hint == "adele@contoso.example"
    # Opened again, the editor shows what was saved.
    again = ProfileEditor(saved, set())
    qtbot.addWidget(again)
    assert again.raw()["pop_method"] == "PUT" and again.cp1.isChecked()
    assert again.claims.text() == saved.claims


def test_request_options_fit_without_clipping(qtbot):
    editor = ProfileEditor(Profile(), set())
    qtbot.addWidget(editor)
    editor.show()
    editor.pop_nonce.setText("x")  # an error on the last PoP row
    qtbot.waitUntil(lambda: editor.errors["pop_nonce"].isVisible())
    assert clipped(editor) == []
