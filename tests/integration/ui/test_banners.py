"""The window's banner and the blob pane's, as a user meets them: the real runtime and the
sandbox broker (a client id registered for each test, so the broker itself answers)."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtGui import QColor

from app.core.configurations.profile import Profile
from app.core.guidance.statuses import for_status
from app.core.outcomes.outcome import Kind
from tests.helpers import CONTOSO
from tests.integration.ui.helpers import (
    clipped,
    idle,
    new_window,
    row,
    select,
    token_for,
    use_profile,
)


@pytest.fixture
def window(fresh_window):  # type: ignore[no-untyped-def]
    return fresh_window


def make_active(window, qtbot, username: str) -> None:  # type: ignore[no-untyped-def]
    select(window, username)
    window.make_active()


def background(banner) -> QColor:  # type: ignore[no-untyped-def]
    """The colour the banner is painted in, a few pixels inside its border."""
    return banner.grab().toImage().pixelColor(4, banner.height() // 2)


def test_a_banner_about_one_account_goes_when_another_is_made_active(window, qtbot, control):
    control.fail("acquireTokenSilently", "NoNetwork")
    token_for(window, qtbot, "adele@contoso.example")
    banner = window.banner
    assert banner.isVisible()
    assert banner.title.text() == "adele@contoso.example: No network connection"
    make_active(window, qtbot, "adele@contoso.example")
    assert banner.isVisible()  # still about the account in use
    make_active(window, qtbot, "lee@fabrikam.example")
    assert banner.isHidden()


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_a_blocked_accounts_banner_goes_when_the_tenant_changes(window, qtbot):
    token_for(window, qtbot, "carl@contoso.example")
    banner = window.banner
    assert banner.title.text() == "carl@contoso.example: Blocked by Conditional Access"
    assert "Signing in again will not help" in banner.body.text()
    assert banner.action.isHidden()  # no "Sign in again" where it cannot help
    window.profile_bar.tenant_edit.setText(CONTOSO)
    window.profile_bar.tenant_edit.editingFinished.emit()
    assert banner.isHidden()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    assert banner.isHidden()


@pytest.mark.broker_generation("2.5")
def test_a_block_the_broker_does_not_name_is_said_as_possible_never_as_a_sign_out(window, qtbot):
    """Broker 2.5 redacts Entra ID's reason: carl's Conditional Access block arrives as a bare
    AccountUnusable. The banner must say that the reason is hidden and that a block is one of
    the possibilities, and keep the call's correlation id to look it up."""
    token_for(window, qtbot, "carl@contoso.example")
    banner = window.banner
    body = banner.body.text()
    assert banner.title.text().startswith("carl@contoso.example: ")
    assert "did not say why" in body and "Conditional Access" in body
    assert "Correlation ID: " in banner.trace and banner.trace in body
    assert row(window, "carl@contoso.example").outcome.correlation_id in banner.trace


def test_sign_in_again_is_offered_wherever_the_banner_says_to_choose_it(window, qtbot, control):
    """A failure outside an account's own outcome (here the OS account's silent sign-in)
    told the user to choose "Sign in again" and offered only Dismiss."""
    control.fail("acquireTokenSilently", "InteractionRequired")
    window.session.use_default_account()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    banner = window.banner
    assert "Sign in again" in banner.body.text()
    assert banner.action.isVisible() and banner.action.text() == "Sign in again"
    banner.action.click()  # no account to sign in again: the broker's account picker
    qtbot.waitUntil(lambda: window.sandbox_picker.dialog is not None, timeout=10000)
    window.sandbox_picker.dialog.reject()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)


def test_a_cancelled_picker_is_said_neutrally_not_in_red(window, qtbot):
    window.act_add.trigger()
    qtbot.waitUntil(lambda: window.sandbox_picker.dialog is not None, timeout=10000)
    window.sandbox_picker.dialog.reject()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    banner = window.banner
    assert banner.isVisible() and banner.title.text() == "Sign-in cancelled"
    assert banner.tone == "info"
    painted = background(banner)
    assert painted.red() < painted.blue()  # the info banner's blue, not the error banner's red
    banner.show_failure(for_status("NoNetwork"), None, window.session.configuration)
    assert banner.tone == "error"  # the next failure is red again


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_the_consent_banner_names_the_scope_that_needs_consent(window, qtbot):
    scope = f"api://consent-{uuid.uuid4().hex[:8]}/Mail.Read"
    use_profile(window, qtbot, Profile(client_id=window.profile.client_id, scopes=(scope,)))
    token_for(window, qtbot, "lee@fabrikam.example")
    assert row(window, "lee@fabrikam.example").kind is Kind.INTERACTION
    assert scope in window.banner.body.text()
    assert window.banner.action.text() == "Sign in again" and window.banner.action.isVisible()


def test_the_start_up_token_keeps_the_row_selected_meanwhile(window, qtbot, control, sandbox,
                                                              tmp_path):  # fmt: skip
    make_active(window, qtbot, "lee@fabrikam.example")
    window.close()
    control.delay("acquireTokenSilently", 2.0)
    again = new_window(qtbot, sandbox, tmp_path)
    again.show()
    again.session.refresh()  # lists, restores lee and asks for a token (held 2 s)
    try:
        qtbot.waitUntil(
            lambda: again.current is not None and again.current.label == "Getting a token",
            timeout=10000,
        )
        select(again, "diego@fabrikam.example")
        qtbot.waitUntil(lambda: row(again, "lee@fabrikam.example").outcome is not None,
                        timeout=15000)  # fmt: skip
        assert again.selected().username == "diego@fabrikam.example"
        assert again.inspector.result is None  # diego's (none), not lee's
    finally:
        again.sandbox_picker.stop()


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_a_blocked_account_in_the_blob_pane_is_one_banner_said_whole(window, qtbot, storage):  # type: ignore[no-untyped-def]
    window.resize(900, 560)
    make_active(window, qtbot, "carl@contoso.example")
    window.tabs.setCurrentWidget(window.storage_tab)
    pane = window.blobs
    pane.url.setCurrentText(storage.account_url)
    pane.connect_storage()
    qtbot.waitUntil(lambda: pane.status.isVisible(), timeout=20000)
    banner = window.banner
    assert banner.isVisible() and pane.banner.isHidden()  # one banner, not two
    assert banner.title.text() == "carl@contoso.example: Blocked by Conditional Access"
    assert "What to do: Signing in again will not help" in banner.body.text()
    assert banner.action.isHidden()
    assert clipped(banner) == []  # not cut off before "What to do"
    assert "carl@contoso.example" in pane.status.text()
