"""The window where the broker cannot work in this session (app/core/broker/limits.py): it says
why above the list and offers nothing that cannot work. The session's conditions are injected
probe answers (tests/stubs.SessionProbes: Linux has no elevation or run-as to probe; the real
Windows probes run in the workflow's Windows job); everything else is real: the runtime, the
sandbox broker, Qt."""

from __future__ import annotations

import uuid

from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from app.core.guidance.limits import KNOWN_CAUSES
from app.core.outcomes.outcome import Kind
from tests.integration.ui.helpers import idle, new_window, row, select, use_profile
from tests.integration.ui.test_blob_pane import container_row
from tests.stubs import SessionProbes


def window_in(qtbot, sandbox, tmp_path, profile: Profile, probes: SessionProbes):  # type: ignore[no-untyped-def]
    broker = Broker(timeout=10, interactive_timeout=20, probes=probes)
    window = new_window(qtbot, sandbox, tmp_path, broker)
    window.show()
    qtbot.waitExposed(window)
    use_profile(window, qtbot, profile)
    return window


def answered(window, username: str) -> bool:  # type: ignore[no-untyped-def]
    return row(window, username).outcome is not None


def test_elevated_no_sign_in_window_is_offered_and_the_note_says_why(
    qtbot, sandbox, tmp_path, fresh_profile
):
    scope = f"api://consent-{uuid.uuid4().hex[:8]}/Mail.Read"  # needs consent: a sign-in
    profile = Profile(client_id=fresh_profile.client_id, scopes=(scope,))
    window = window_in(qtbot, sandbox, tmp_path, profile, SessionProbes(is_elevated=True))
    note = window.limits_note
    assert note.isVisible()
    assert note.title.text() == "Running as administrator: sign-in windows are off"
    assert "without Run as administrator" in note.body.text()
    assert not window.act_add.isEnabled()
    assert window.act_add.toolTip() == (
        "Add account (Ctrl+N): not in this session (Running as administrator)"
    )
    select(window, "lee@fabrikam.example")
    assert window.act_token.isEnabled() and not window.act_again.isEnabled()
    window.get_token()  # silent calls still work elevated: asked, and the consent is missing
    qtbot.waitUntil(lambda: idle(window) and answered(window, "lee@fabrikam.example"))
    outcome = row(window, "lee@fabrikam.example").outcome
    assert outcome.kind is Kind.INTERACTION and not outcome.can_sign_in
    banner = window.banner
    assert banner.isVisible() and banner.action.isHidden()  # no "Sign in again" to press
    assert "not in this session" in banner.body.text()
    window.grab().save(str(tmp_path / "elevated.png"))


def test_as_another_user_only_the_listing_is_asked(qtbot, sandbox, tmp_path, fresh_profile):
    probes = SessionProbes(desktop="CONTOSO\\megan")
    window = window_in(qtbot, sandbox, tmp_path, fresh_profile, probes)
    assert window.limits_note.title.text() == (
        "Running as another user: calls to the broker are off"
    )
    assert window.model.rowCount() > 0 and window.act_refresh.isEnabled()
    select(window, "adele@contoso.example")
    for action in (window.act_add, window.act_default, window.act_token, window.act_again,
                   window.act_out, window.act_active):  # fmt: skip
        assert not action.isEnabled(), action.text()
    matrix = window.open_matrix()
    assert not matrix.run_button.isEnabled()
    assert matrix.run_button.toolTip() == "Not in this session: Running as another user"
    matrix.close()
    window.session.get_token(row(window, "adele@contoso.example").account)  # asked anyway
    qtbot.waitUntil(lambda: idle(window) and answered(window, "adele@contoso.example"))
    outcome = row(window, "adele@contoso.example").outcome
    assert (outcome.kind, outcome.code) == (Kind.FAILED, "UnavailableHere")
    assert outcome.title == "Running as another user"


def test_a_cancel_from_a_call_without_a_window_is_not_said_as_a_cancel(
    qtbot, sandbox, tmp_path, fresh_profile, control
):
    """WAM reports its own failures as UserCanceled; from a silent call nobody cancelled."""
    window = window_in(qtbot, sandbox, tmp_path, fresh_profile, SessionProbes())
    assert window.limits_note.isHidden()  # nothing found in this session
    control.fail("acquireTokenSilently", "UserCanceled")
    select(window, "adele@contoso.example")
    window.get_token()
    qtbot.waitUntil(lambda: idle(window) and answered(window, "adele@contoso.example"))
    outcome = row(window, "adele@contoso.example").outcome
    assert (outcome.kind, outcome.code) == (Kind.FAILED, "CanceledWithoutWindow")
    assert "nobody cancelled" in outcome.reason and KNOWN_CAUSES in outcome.reason
    assert window.banner.tone == "error"


def test_a_cancelled_picker_where_wam_is_probed_names_its_own_causes(
    qtbot, sandbox, tmp_path, fresh_profile
):
    window = window_in(qtbot, sandbox, tmp_path, fresh_profile, SessionProbes())
    window.act_add.trigger()
    qtbot.waitUntil(lambda: window.sandbox_picker.dialog is not None, timeout=10000)
    window.sandbox_picker.dialog.reject()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    banner = window.banner
    assert banner.title.text() == "Sign-in cancelled" and banner.tone == "info"
    assert KNOWN_CAUSES in banner.body.text() and "nothing is wrong" not in banner.body.text()
    window.sandbox_picker.stop()


def test_a_claims_challenge_offers_no_step_up_where_the_window_cannot_work(
    qtbot, sandbox, tmp_path, storage
):
    """The sandbox's storage answers the container `sensitive` with a claims challenge
    (test_blob_roles.py steps it up); elevated, the step-up's window cannot work."""
    box = storage.shared_key_client().get_container_client("sensitive")
    if not box.exists():
        box.create_container()
        box.upload_blob("payroll/2026-11.csv", b"month,total\n", overwrite=True)
    window = new_window(qtbot, sandbox, tmp_path, Broker(probes=SessionProbes(is_elevated=True)))
    window.show()
    qtbot.waitExposed(window)
    window.session.refresh()
    qtbot.waitUntil(lambda: idle(window) and window.model.rowCount() > 0)
    try:
        pane = window.blobs
        pane.url.setCurrentText(storage.account_url)
        select(window, "adele@contoso.example")
        window.act_active.trigger()
        window.tabs.setCurrentWidget(window.storage_tab)
        pane.connect_storage()
        qtbot.waitUntil(lambda: container_row(window, "sensitive") is not None, timeout=20000)
        pane.model.fetchMore(container_row(window, "sensitive"))
        qtbot.waitUntil(pane.banner.isVisible, timeout=20000)
        assert pane.banner.title.text().endswith("This data needs a stronger sign-in")
        assert pane.banner.action.isHidden()
        assert pane.status.text() == (
            "Storage asks for a new sign-in, which the broker cannot show here."
        )
    finally:
        window.sandbox_picker.stop()


def test_a_cancelled_sign_in_for_a_cell_says_where_wam_cancels_by_itself(
    qtbot, sandbox, tmp_path, fresh_profile, control
):
    """The matrix's own line for a cancel carries the fix, which on Windows names the causes.
    The account's own sign-in shows no picker in the sandbox: its broker answers the cancel."""
    from tests.integration.ui.test_matrix_window import index_of, only
    from tests.integration.ui.test_matrix_window import select as select_cells

    window = window_in(qtbot, sandbox, tmp_path, fresh_profile, SessionProbes())
    matrix = window.open_matrix()
    qtbot.waitExposed(matrix)
    try:
        only(matrix.axes.tenants, {"organizations"})
        only(matrix.axes.scopes, {"vault"})
        matrix.run_button.click()
        qtbot.waitUntil(lambda: matrix.run is None, timeout=60000)
        megan = index_of(matrix, "megan@contoso.example", "organizations", False, "vault")
        select_cells(matrix, megan)
        assert matrix.sign_in_button.isEnabled()  # nothing found here: the window can work
        control.fail("acquireTokenInteractively", "UserCanceled")
        matrix.sign_in_button.click()
        qtbot.waitUntil(lambda: matrix.asking.text().startswith("Sign-in cancelled"), timeout=15000)
        text = matrix.asking.text()
        assert text.startswith("Sign-in cancelled: the cell is unchanged. Start the sign-in again")
        assert "not as administrator" in text and "nothing is wrong" not in text.lower()
        assert matrix.model.outcome(megan).kind is Kind.INTERACTION  # unchanged
    finally:
        matrix.close()
        window.sandbox_picker.stop()


def test_elevated_nothing_from_azure_identity_broker_offers_the_brokers_window(
    qtbot, sandbox, tmp_path, storage, control
):
    """As your code would: its Ask (the broker's window, through msal) is off and says why;
    the blob pane browsing with that credential offers no "Sign in as your code would"."""
    from app.ui.accounts.as_your_code import AsYourCodeDialog

    window = new_window(qtbot, sandbox, tmp_path, Broker(probes=SessionProbes(is_elevated=True)))
    window.show()
    qtbot.waitExposed(window)
    window.session.refresh()
    qtbot.waitUntil(lambda: idle(window) and window.model.rowCount() > 0)
    try:
        select(window, "adele@contoso.example")
        assert window.act_sdk.isEnabled()  # the dialog's copied code works anywhere
        window.act_sdk.trigger()
        dialog = window.findChild(AsYourCodeDialog)
        assert not dialog.ask_button.isEnabled()
        assert dialog.theirs.text().startswith("Not asked: not in this session. This app runs")
        dialog.close()
        window.act_active.trigger()  # silent: works elevated
        qtbot.waitUntil(lambda: idle(window))
        window.tabs.setCurrentWidget(window.storage_tab)
        pane = window.blobs
        pane.url.setCurrentText(storage.account_url)
        pane.seed_action.setChecked(True)  # as your code would
        pane.connect_storage()
        # A new credential has no token yet: it needs a sign-in, which cannot happen here.
        qtbot.waitUntil(pane.banner.isVisible, timeout=20000)
        assert "The credential needs a sign-in" in pane.banner.title.text()
        assert pane.banner.action.isHidden()
        assert "Signing in again would fix this, but not in this session" in pane.banner.body.text()
        assert not control.calls("acquireTokenInteractively")
    finally:
        window.sandbox_picker.stop()
