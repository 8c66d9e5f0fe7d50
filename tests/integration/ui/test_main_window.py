"""The main window with real Qt (offscreen), the real pymsalruntime and the sandbox broker."""

from __future__ import annotations

import json
import logging
import time
import uuid

import pytest
from PySide6.QtWidgets import QMessageBox

from app.core.broker.errors import BrokerUnavailable, BrokerUnavailableError
from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from app.core.guidance.broker import REASON_HIDDEN
from app.core.outcomes.outcome import Kind
from app.core.settings.store import Store
from app.ui.common.tasks import TaskRunner
from tests.helpers import CONTOSO, claims
from tests.integration.ui.helpers import (
    EventLoopProbe,
    idle,
    new_window,
    open_window,
    row,
    select,
    use_profile,
)


@pytest.fixture
def window(qtbot, sandbox, control, tmp_path):  # type: ignore[no-untyped-def]
    window = open_window(qtbot, sandbox, tmp_path)
    assert window.model.rowCount() == 7  # the known accounts of directory.json
    yield window
    window.sandbox_picker.stop()
    if window.current is not None:
        window.session.cancel()


def test_model_passes_the_model_tester(window, qtmodeltester):
    qtmodeltester.check(window.model)
    qtmodeltester.check(window.proxy)


def test_sign_in_passes_the_shown_windows_handle(window, control, qtbot):
    control.script_picker("diego@fabrikam.example")
    window.act_add.trigger()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    assert row(window, "diego@fabrikam.example").kind is Kind.TOKEN
    call = control.calls("acquireTokenInteractively")[-1]
    assert call["parentWindowHandle"] == int(window.winId())
    assert window.active is not None  # the first sign-in becomes the active account
    assert "diego@fabrikam.example" in window.inspector.summary.text()


def test_sandbox_picker_dialog_over_our_window(window, control, qtbot):
    window.act_add.trigger()
    qtbot.waitUntil(lambda: window.sandbox_picker.dialog is not None, timeout=10000)
    dialog = window.sandbox_picker.dialog
    assert dialog.parent() is window
    offered = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert not any("alex@outlook.example" in text for text in offered)  # passthrough is off
    dialog.list.setCurrentRow(next(i for i, t in enumerate(offered) if "lee@fabrikam.example" in t))
    dialog.accept()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    assert row(window, "lee@fabrikam.example").kind is Kind.TOKEN


def test_the_sandbox_picker_completes_a_sign_in_with_mfa_or_without(window, control, qtbot):
    """The box follows the policy (megan needs MFA only for the vault); ticked, the sandbox
    directory records that the sign-in did MFA, as Entra ID does (the amr claim)."""
    window.act_add.trigger()
    qtbot.waitUntil(lambda: window.sandbox_picker.dialog is not None, timeout=10000)
    dialog = window.sandbox_picker.dialog
    offered = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    dialog.list.setCurrentRow(
        next(i for i, t in enumerate(offered) if "megan@contoso.example" in t)
    )
    assert not dialog.mfa.isChecked()  # the profile's scopes need no MFA
    dialog.mfa.setChecked(True)
    dialog.accept()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    assert row(window, "megan@contoso.example").kind is Kind.TOKEN
    assert "megan@contoso.example" in control.state()["mfa"]


def test_picker_cancel_shows_guidance_and_the_app_stays_usable(window, control, qtbot):
    window.act_add.trigger()
    qtbot.waitUntil(lambda: window.sandbox_picker.dialog is not None, timeout=10000)
    window.sandbox_picker.dialog.reject()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    assert window.isVisible() and window.banner.isVisible()
    assert "cancel" in window.banner.title.text().lower()
    assert window.act_add.isEnabled()


def test_silent_then_switch_active(window, qtbot):
    select(window, "megan@contoso.example")
    window.act_token.trigger()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    assert row(window, "megan@contoso.example").kind is Kind.TOKEN
    select(window, "diego@fabrikam.example")
    with qtbot.waitSignal(window.signals.active_account) as changed:
        window.act_active.trigger()
    assert changed.args[0].username == "diego@fabrikam.example"
    assert row(window, "diego@fabrikam.example").active
    assert not row(window, "megan@contoso.example").active


def says_why(window, generation: str, code: str) -> bool:  # type: ignore[no-untyped-def]
    """2.0.1 relays Entra's text, AADSTS code included; 2.5 redacts it to "(pii)", and the
    banner then says the broker hid the reason and keeps the call's correlation id."""
    body = window.banner.body.text()
    if generation == "2.0.1":
        return code in body
    return code not in body and REASON_HIDDEN in body and window.banner.trace in body


@pytest.mark.parametrize("generation", ["2.0.1", "2.5"])
def test_interaction_required_then_sign_in_again(window, qtbot, control, generation):
    control.generation(generation)
    use_profile(window, qtbot, Profile(scopes=(f"api://consent-{uuid.uuid4().hex[:8]}/Mail.Read",)))
    select(window, "lee@fabrikam.example")
    window.act_token.trigger()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    assert row(window, "lee@fabrikam.example").kind is Kind.INTERACTION
    assert says_why(window, generation, "AADSTS65001")
    window.act_again.trigger()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    assert row(window, "lee@fabrikam.example").kind is Kind.TOKEN
    token = row(window, "lee@fabrikam.example").outcome.token
    assert claims(token.access_token)["scp"] == "Mail.Read"


@pytest.mark.parametrize("generation", ["2.0.1", "2.5"])
def test_tenant_mismatch_shows_its_guidance(window, qtbot, control, generation):
    control.generation(generation)
    window.profile_bar.tenant_edit.setText(CONTOSO)
    window.profile_bar.tenant_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    select(window, "diego@fabrikam.example")
    window.act_token.trigger()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    assert row(window, "diego@fabrikam.example").kind is Kind.NOT_USABLE
    assert says_why(window, generation, "AADSTS50020")


def test_msa_passthrough_toggle_marks_personal_accounts(window, qtbot):
    assert row(window, "alex@outlook.example").kind is Kind.NOT_USABLE
    assert "MSA passthrough" in row(window, "alex@outlook.example").detail
    window.profile_bar.passthrough.setChecked(True)
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    assert row(window, "alex@outlook.example").kind is not Kind.NOT_USABLE


def test_bad_tenant_is_refused_with_a_field_message(window):
    window.profile_bar.tenant_edit.setText("contoso/B2C_1_signin")
    window.profile_bar.tenant_edit.editingFinished.emit()
    assert "B2C" in window.profile_bar.error.text()
    assert window.profile.tenant == "organizations"  # nothing lost, nothing applied


def test_cancel_drops_the_late_answer(window, control, qtbot, caplog):
    caplog.set_level(logging.INFO, logger="app.ui.common.tasks")
    control.delay("acquireTokenSilently", 2.0)
    use_profile(window, qtbot, Profile(scopes=(f"api://late-{uuid.uuid4().hex[:8]}/.default",)))
    select(window, "megan@contoso.example")
    window.act_token.trigger()
    assert window.cancel_button.isVisible() and not window.act_token.isEnabled()
    window.session.cancel()
    assert idle(window) and window.act_token.isEnabled()
    # The broker answers after its delay; the answer reaches the GUI thread and is dropped.
    qtbot.waitUntil(
        lambda: "dropped the late result of Getting a token" in caplog.text, timeout=15000
    )
    assert row(window, "megan@contoso.example").kind is not Kind.TOKEN


def test_gui_never_waits_on_a_held_broker_call(window, control, qtbot):
    """A QTimer heartbeat measures the largest event-loop gap while the broker holds a call
    for 3 s; a GUI blocked on the broker would show a gap of 3 s or more."""
    control.delay("acquireTokenSilently", 3.0)
    use_profile(window, qtbot, Profile(scopes=(f"api://held-{uuid.uuid4().hex[:8]}/.default",)))
    select(window, "megan@contoso.example")
    started = time.monotonic()
    with EventLoopProbe() as probe:
        window.act_token.trigger()
        qtbot.waitUntil(lambda: idle(window), timeout=15000)
    assert time.monotonic() - started >= 2.5  # the broker really held the call
    assert probe.largest < 1000, f"event loop blocked for {probe.largest} ms"


def test_restart_restores_the_active_account_and_gets_a_token(window, qtbot, sandbox, tmp_path):
    select(window, "lee@fabrikam.example")
    window.act_active.trigger()
    window.close()
    again = open_window(qtbot, sandbox, tmp_path)
    qtbot.waitUntil(
        lambda: idle(again) and row(again, "lee@fabrikam.example").kind is Kind.TOKEN, timeout=15000
    )
    assert again.active is not None and again.active.username == "lee@fabrikam.example"
    assert row(again, "lee@fabrikam.example").active
    again.sandbox_picker.stop()


def test_corrupt_settings_are_kept_as_a_backup_and_the_app_starts(qtbot, sandbox, tmp_path):
    (tmp_path / "settings.json").write_text("{ this is not json")
    window = open_window(qtbot, sandbox, tmp_path)
    assert window.notice.isVisible()
    backups = list(tmp_path.glob("settings.json.corrupt-*"))
    assert len(backups) == 1 and backups[0].read_text() == "{ this is not json"
    assert str(backups[0]) in window.notice.body.text()
    assert window.profile == Profile()
    window.sandbox_picker.stop()


SETTINGS_WITH_A_TOKEN = {
    "version": 1,
    "selected": "Default",
    "profiles": [
        {
            "profile": Profile().to_dict(),
            "recent_urls": ["https://x.example/?t=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln"],
        }
    ],
}


def test_a_token_in_the_settings_is_left_out_and_saving_works(qtbot, sandbox, tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(SETTINGS_WITH_A_TOKEN))
    window = new_window(qtbot, sandbox, tmp_path)
    assert window.notice.title.text() == "Some settings were left out"
    body = window.notice.body.text()
    assert "profile 'Default': recent URL 1 (looked like a token)" in body
    assert "eyJ" not in body
    window.save()  # every save failed with "Refusing to save … looks like a token"
    assert window.saver.flush()  # saves run off the GUI thread: this one has ended
    assert window.notice.title.text() == "Some settings were left out"
    assert "eyJ" not in path.read_text()
    (kept,) = tmp_path.glob("settings.json.left-out-*")  # the user's file, kept before the save
    assert "eyJ" not in kept.read_text() and "<left out: looked like a token>" in kept.read_text()
    assert str(kept) in body


def test_a_failed_save_is_explained_in_words(qtbot, sandbox, tmp_path):
    window = new_window(qtbot, sandbox, tmp_path)
    (tmp_path / "blocked").write_text("a file where the settings folder should be")
    window.store = Store(tmp_path / "blocked" / "settings.json")
    window.save()
    assert window.saver.flush()
    assert window.notice.title.text() == "Could not save settings"
    body = window.notice.body.text()
    # The folder is a file: the write into it is refused as such (no folder is made over it).
    assert "could not be written (Not a directory)" in body and "writable" in body
    window.data.profiles.append(Profile())  # two profiles named Default: inconsistent
    window.store = Store(tmp_path / "settings.json")
    window.save()
    assert window.saver.flush()
    body = window.notice.body.text()
    assert body.startswith("Profile names must be unique; repeated: Default.")
    for name in ("Error", "OSError", "ValueError", "FileExistsError"):
        assert name not in body


def test_a_custom_authority_host_is_warned_of_while_its_profile_is_in_use(qtbot, sandbox, tmp_path):
    lab = {**Profile().to_dict(), "name": "Lab", "authority_host": "https://evil.example"}
    del lab["custom_authority_host"]  # as the version before custom hosts were marked wrote it
    settings = {
        "version": 1,
        "selected": "Lab",
        "profiles": [{"profile": lab}, {"profile": Profile().to_dict()}],
    }
    (tmp_path / "settings.json").write_text(json.dumps(settings))
    window = new_window(qtbot, sandbox, tmp_path)
    assert window.notice.isHidden()  # it loaded as it was
    assert not window.host_banner.isHidden()
    assert window.host_banner.title.text() == "Custom authority host"
    assert window.host_banner.body.text().startswith(
        "Sign-ins for profile 'Lab' go to evil.example, which is not a Microsoft cloud"
    )
    window.profile_bar.combo.setCurrentText("Default")
    assert window.host_banner.isHidden()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)


def test_sign_out_forgets_the_account_across_refresh(window, qtbot, fresh_profile):
    use_profile(window, qtbot, fresh_profile)  # signed out for this client id alone
    select(window, "diego@fabrikam.example")
    window.act_out.trigger()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    window.session.refresh()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    assert all(r.account.username != "diego@fabrikam.example" for r in window.model.rows)
    assert window.model.rowCount() == 6  # the 7 known accounts less diego


def test_switching_profile_rediscovers_with_the_new_settings(window, qtbot, control):
    window.profile_bar.data.profiles.append(Profile(name="Consumers", tenant="consumers"))
    calls = len(control.calls("getAccounts"))
    window.profile_bar.show_data()
    window.profile_bar.combo.setCurrentText("Consumers")
    qtbot.waitUntil(
        lambda: idle(window) and len(control.calls("getAccounts")) > calls, timeout=15000
    )
    assert window.profile.tenant == "consumers"
    assert row(window, "adele@contoso.example").kind is Kind.NOT_USABLE
    assert row(window, "alex@outlook.example").kind is not Kind.NOT_USABLE


class UnavailableBroker(Broker):
    """The runtime decides availability once per process and this one has a broker, so the
    window's handling of "no broker" is driven by this stand-in (the real three ways are
    produced in fresh interpreters by tests/integration/broker/test_unavailable.py)."""

    REASON = BrokerUnavailable(
        "no-broker",
        "No broker answered: Broker cannot be initialized",
        "Install the Microsoft Identity Broker, or use --sandbox.",
    )
    loaded = False

    @property
    def known_unavailable(self):  # type: ignore[no-untyped-def, override]
        return self.REASON if self.loaded else None

    def list_accounts(self, profile):  # type: ignore[no-untyped-def, override]
        self.loaded = True  # the first call loads the runtime, as in Broker._rt()
        raise BrokerUnavailableError(self.REASON)


def test_no_broker_is_explained_and_sandbox_mode_is_offered(qtbot, tmp_path):
    window = new_window(qtbot, None, tmp_path, UnavailableBroker())
    offered: list[bool] = []
    window.sandbox_wanted.connect(lambda: offered.append(True))
    window.show()
    assert window.act_refresh.isEnabled()  # not known yet: the first call loads the runtime
    window.session.refresh()
    qtbot.waitUntil(lambda: idle(window), timeout=5000)
    assert window.banner.isVisible() and "Broker cannot be initialized" in window.banner.body.text()
    assert not window.act_add.isEnabled() and not window.act_refresh.isEnabled()
    assert window.banner.action.isVisible()
    window.banner.action.click()
    assert offered == [True]
    window.banner.hide()
    window.session.refresh()  # known now: explained at once, no call started
    assert window.current is None and window.banner.isVisible()


def test_profile_default_account_signs_in_without_the_picker(window, qtbot, control):
    use_profile(
        window,
        qtbot,
        Profile(use_default_account=True, scopes=(f"api://os-{uuid.uuid4().hex[:8]}/.default",)),
    )
    window.act_add.trigger()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    assert row(window, "adele@contoso.example").kind is Kind.TOKEN
    assert not control.calls("acquireTokenInteractively")


def test_no_interactive_call_before_the_window_is_shown(qtbot, sandbox, control, tmp_path):
    window = new_window(qtbot, sandbox, tmp_path)
    window.add_account()
    assert window.current is None
    assert not control.calls("acquireTokenInteractively")


def test_msa_passthrough_on_offers_and_signs_in_a_personal_account(window, qtbot, control):
    window.profile_bar.passthrough.setChecked(True)
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    window.act_add.trigger()
    qtbot.waitUntil(lambda: window.sandbox_picker.dialog is not None, timeout=10000)
    dialog = window.sandbox_picker.dialog
    offered = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    index = next(i for i, text in enumerate(offered) if "alex@outlook.example" in text)
    dialog.list.setCurrentRow(index)
    dialog.accept()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    alex = next(
        r
        for r in window.model.rows
        if r.account.username == "alex@outlook.example" and r.kind is Kind.TOKEN
    )
    assert alex.account.personal
    assert control.calls("acquireTokenInteractively")[-1]["passthrough"] is True


def test_blob_pane_is_built_when_its_tab_opens_and_browses_as_the_active_account(window, qtbot):
    assert not window.storage_tab.built  # not built, nor its modules needed, at start-up
    select(window, "lee@fabrikam.example")
    window.act_active.trigger()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    assert not window.storage_tab.built
    window.tabs.setCurrentWidget(window.storage_tab)
    assert window.storage_tab.built
    assert "lee@fabrikam.example" in window.blobs.who.text()
    assert window.blobs.credential is not None
    assert window.storage_tab.isAncestorOf(window.blobs)


def test_help_about_opens_the_about_box_with_the_installed_versions(window, qtbot):
    about = next(a for a in window.menuBar().actions() if a.text() == "&Help").menu().actions()[0]
    about.trigger()
    box = next(w for w in window.findChildren(QMessageBox) if w.isVisible())
    assert "Broker Account Manager" in box.text()
    assert "pymsalruntime" in box.informativeText() and "0.20.7" in box.informativeText()
    box.close()


def test_the_window_keeps_its_state_in_window_ini_beside_the_settings(qtbot, sandbox, tmp_path):
    from app.ui.shell.application import build_window

    store = Store(tmp_path / "settings.json")
    window = build_window(Broker(timeout=10), TaskRunner(), sandbox, store)  # no QSettings given
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.close()
    saved = (tmp_path / "window.ini").read_text()
    assert saved.startswith("[window]") and "geometry=@ByteArray(" in saved
