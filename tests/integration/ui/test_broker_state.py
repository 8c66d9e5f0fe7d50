"""What the window says about the broker itself, with the real runtime and the session
sandbox. (A broker that died is shown in a process of its own:
tests/integration/broker/test_dead_broker.py.)"""

from __future__ import annotations

from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from app.core.outcomes.outcome import Kind
from tests.helpers import unique_scope, wait_until_the_broker_is_free
from tests.integration.ui.helpers import idle, new_window, row, select, use_profile


def test_a_call_queued_behind_a_held_request_says_so_and_then_gets_its_answer(
    qtbot, sandbox, control, tmp_path
):
    window = new_window(qtbot, sandbox, tmp_path, Broker(timeout=1, interactive_timeout=20))
    window.show()
    qtbot.waitExposed(window)
    try:
        use_profile(window, qtbot, Profile(scopes=(unique_scope(),)))  # nothing cached
        control.delay("acquireTokenSilently", 5.0)
        select(window, "diego@fabrikam.example")
        window.get_token()
        qtbot.waitUntil(lambda: idle(window), timeout=15000)
        assert window.banner.title.text() == (
            "diego@fabrikam.example: The broker did not answer in time"
        )
        assert not window.accounts_view.note.isVisible()  # the broker is there, only slow

        select(window, "lee@fabrikam.example")
        window.get_token()  # the runtime queues it behind diego's, which the broker still holds
        status = window.busy_label.text()
        assert "still busy with an earlier request: get a token silently" in status
        assert window.cancel_button.isVisible()
        qtbot.waitUntil(lambda: idle(window), timeout=30000)
        assert row(window, "lee@fabrikam.example").kind is Kind.TOKEN
        assert not window.banner.isVisible()
    finally:
        window.sandbox_picker.stop()
        wait_until_the_broker_is_free()


def test_a_listing_the_broker_answered_shows_no_note(qtbot, sandbox, control, tmp_path):
    window = new_window(qtbot, sandbox, tmp_path)
    window.show()
    window.accounts_view.note.show_text("stale", "from before")
    window.session.refresh()
    qtbot.waitUntil(lambda: idle(window) and window.model.rowCount() > 0, timeout=15000)
    assert not window.accounts_view.note.isVisible()
    window.sandbox_picker.stop()
