"""Profiles and the broker calls that run while the user changes them, through the real
widgets: a sign-in finishing after a profile switch, a profile deleted and its name reused."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.core.configurations.profile import Profile
from app.core.settings.store import Store
from app.ui.configurations.profile_editor import ProfileEditor
from tests.integration.ui.helpers import idle, open_window


def test_a_sign_in_that_ends_after_a_profile_switch_stays_with_its_profile(
    qtbot, sandbox, control, tmp_path
):  # type: ignore[no-untyped-def]
    window = open_window(qtbot, sandbox, tmp_path)
    other = Profile(name="Other", client_id=control.register_application("other"))
    window.data.profiles.append(other)
    window.profile_bar.show_data()
    first = window.profile
    window.act_add.trigger()  # the picker opens over the window and waits for the user
    qtbot.waitUntil(lambda: window.sandbox_picker.dialog is not None, timeout=10000)
    listings = len(control.calls("getAccounts"))
    window.profile_bar.combo.setCurrentText("Other")  # while the picker is open
    dialog = window.sandbox_picker.dialog
    offered = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    dialog.list.setCurrentRow(next(i for i, t in enumerate(offered) if "diego@" in t))
    dialog.accept()
    qtbot.waitUntil(
        lambda: idle(window) and len(control.calls("getAccounts")) > listings, timeout=15000
    )
    saved = Store(tmp_path / "settings.json").load().data
    remembered = {name: [(r.username, r.client_id) for r in records]
                  for name, records in saved.records.items()}  # fmt: skip
    assert remembered == {first.name: [("diego@fabrikam.example", first.client_id)]}
    assert control.calls("getAccounts")[-1]["clientId"] == other.client_id  # not dropped
    assert window.active is None  # Other has no active account yet
    window.sandbox_picker.stop()


def test_a_deleted_profile_takes_its_accounts_with_it_and_a_new_one_starts_clean(
    qtbot, sandbox, tmp_path
):  # type: ignore[no-untyped-def]
    window = open_window(qtbot, sandbox, tmp_path)
    bar = window.profile_bar

    def new_profile() -> None:
        def save() -> None:
            editor = next(w for w in QApplication.topLevelWidgets()
                          if isinstance(w, ProfileEditor) and w.isVisible())  # fmt: skip
            editor._accept()

        QTimer.singleShot(0, save)
        bar.new()
        qtbot.waitUntil(lambda: idle(window), timeout=15000)

    new_profile()
    name = window.profile.name
    assert name == "Profile 2"
    adele = next(r.account for r in window.model.rows if r.account.username.startswith("adele"))
    window.session.set_active(adele)
    window.data.add_recent_url("https://example.blob.core.windows.net", name)
    window.save()
    bar.delete()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    new_profile()
    assert window.profile.name == name  # the first free name: the deleted one's
    data = window.data
    assert name not in data.active and name not in data.recent_urls
    saved = Store(tmp_path / "settings.json").load().data
    assert name not in saved.active and name not in saved.recent_urls
    assert window.active is None
    window.sandbox_picker.stop()
