"""The session's listener as Qt signals (app.ui.accounts.signals): each call is one signal with
what it was told, nothing added."""

from __future__ import annotations

import pytest

from app.core.accounts.calls import Listener
from app.ui.accounts.signals import SessionSignals

SIGNAL_OF = {
    "busy": "busy_changed",
    "accounts_changed": "accounts_updated",
    "outcomes_changed": "outcomes_updated",
    "outcome_recorded": "outcome_shown",
    "active_changed": "active_account",
    "failed": "call_failed",
    "refused": "call_refused",
    "unavailable": "broker_unavailable",
    "listed": "listing_arrived",
    "interactive_started": "interactive",
    "notice": "notice_shown",
}
ARGS = {"busy": ("Signing in",), "accounts_changed": (), "outcomes_changed": (),
        "outcome_recorded": ("account", "config", "outcome"), "active_changed": ("account",),
        "failed": ("advice", None, "config"), "refused": ("why",), "unavailable": ("reason",),
        "listed": ("listing",), "interactive_started": (42,),
        "notice": ("Signed out", "x")}  # fmt: skip


def test_every_listener_method_has_its_signal():
    listened = {n for n in vars(Listener) if not n.startswith("_")}
    assert listened == set(SIGNAL_OF)


@pytest.mark.parametrize("method", sorted(SIGNAL_OF))
def test_each_method_emits_its_signal_with_its_arguments(qtbot, method):
    signals = SessionSignals()
    args = ARGS.get(
        method, () if method.endswith("_changed") and method != "active_changed" else ("x",)
    )
    with qtbot.waitSignal(getattr(signals, SIGNAL_OF[method]), timeout=1000) as got:
        getattr(signals, method)(*args)
    assert tuple(got.args) == args
