"""The profile editor validates as you type and shows the redirect URIs to register."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLabel

from app.core.profile import Profile
from app.ui.profile_editor import ProfileEditor

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
