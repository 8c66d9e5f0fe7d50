"""An answer belongs to the account it is about, and says which call it was: through the real
widgets, the runtime and the sandbox broker."""

from __future__ import annotations

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
    assert window.banner.trace.text().startswith(f"Correlation ID: {sent['correlationId']} ")
    window.sandbox_picker.stop()


def test_a_refusal_keeps_the_calls_correlation_id_in_the_banner_and_the_tooltip(
    qtbot, sandbox, control, tmp_path
):  # type: ignore[no-untyped-def]
    window = open_window(qtbot, sandbox, tmp_path)
    select(window, "carl@contoso.example")  # blocked by Conditional Access
    window.act_token.trigger()
    qtbot.waitUntil(lambda: idle(window), timeout=15000)
    cid = control.calls("acquireTokenSilently")[-1]["correlationId"]
    assert cid and window.banner.trace.text().startswith(f"Correlation ID: {cid} Timestamp: ")
    assert window.banner.copy_trace.isVisible()
    assert f"Correlation ID: {cid}" in row(window, "carl@contoso.example").detail
    window.sandbox_picker.stop()
