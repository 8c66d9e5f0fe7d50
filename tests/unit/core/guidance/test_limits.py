"""Guidance where the broker cannot work in this session (app.core.guidance.limits): a refused
call, a cancel nobody made, a sign-in that cannot be offered. The limits are made by
app.core.broker.limits.find over injected probe answers, as a Windows session gives them."""

from __future__ import annotations

import pytest

from app.core.accounts.calls import is_user_cancel
from app.core.broker.errors import BrokerError, UnavailableHere
from app.core.broker.limits import NO_LIMITS, Limits, find
from app.core.configurations.configuration import Configuration
from app.core.configurations.profile import Profile
from app.core.guidance.explain import explain
from app.core.guidance.limits import KNOWN_CAUSES
from app.core.outcomes.classify import of_error
from app.core.outcomes.outcome import Kind
from tests.stubs import SessionProbes as Session
from tests.stubs import account

ELEVATED = find(Session(is_elevated=True))
RUN_AS = find(Session(desktop="CONTOSO\\megan"))
FINE = find(Session())
HALF_CHECKED = find(Session(is_elevated=OSError("denied")))
CONFIG = Configuration.of(Profile())


def raised(status: str, interactive: bool | None, limits: Limits | None, context: str = ""):
    """A BrokerError as runtime.Broker raises it: with the call's kind and the limits."""
    error = BrokerError(status, context=context)
    error.interactive, error.limits = interactive, limits
    return error


def never_nothing_is_wrong(*texts: str) -> None:
    assert not any("nothing is wrong" in t.lower() for t in texts)


def test_a_cancel_from_a_call_without_a_window_is_nobodys_cancel() -> None:
    for limits in (FINE, ELEVATED, NO_LIMITS):
        advice = explain(raised("UserCanceled", False, limits))
        assert advice.code == "CanceledWithoutWindow" and "nobody cancelled" in advice.explanation
        never_nothing_is_wrong(advice.explanation, advice.fix)
    found = explain(raised("UserCanceled", False, RUN_AS))
    assert RUN_AS.conditions[0].reason in found.explanation
    assert found.fix == RUN_AS.conditions[0].remedy


def test_a_cancelled_window_on_windows_names_the_causes_where_wam_cancels_by_itself() -> None:
    advice = explain(raised("UserCanceled", True, FINE))
    assert advice.code == "UserCanceled" and advice.title == "Sign-in cancelled"
    assert KNOWN_CAUSES in advice.explanation
    assert "none of these was found here" in advice.explanation
    assert "not as administrator" in advice.fix
    never_nothing_is_wrong(advice.explanation, advice.fix)
    partly = explain(raised("UserCanceled", True, HALF_CHECKED))
    assert "(elevation could not be checked)" in partly.explanation


def test_a_cancel_where_a_condition_was_found_says_it_first() -> None:
    # A condition that leaves the window working would be named the same way; ELEVATED's
    # window is refused before any call, so only an error raised anyway carries it.
    advice = explain(raised("UserCanceled", True, ELEVATED))
    assert f"If you did not close it, Windows did: {ELEVATED.conditions[0].reason}" in (
        advice.explanation
    )
    assert advice.fix == ELEVATED.conditions[0].remedy


def test_where_nothing_is_probed_a_cancel_is_a_cancel() -> None:
    """Linux and macOS: the picker's Cancel is the user's; no WAM causes are listed."""
    for limits in (NO_LIMITS, None):
        advice = explain(raised("UserCanceled", True, limits))
        assert advice.code == "UserCanceled"
        assert advice.fix == "Start the sign-in again when you are ready."
        assert KNOWN_CAUSES not in advice.explanation
    assert explain(raised("UserCanceled", None, None)).code == "UserCanceled"  # not the app's


@pytest.mark.parametrize("limits", [ELEVATED, RUN_AS])
def test_a_refused_call_says_why_and_what_to_do(limits: Limits) -> None:
    error = UnavailableHere("sign in", limits.blocking(interactive=True))
    advice = explain(error)
    assert advice.code == "UnavailableHere" and not advice.needs_interaction
    assert advice.title == limits.conditions[0].title
    assert advice.explanation == limits.conditions[0].reason
    assert advice.fix == limits.conditions[0].remedy


def test_two_conditions_are_both_said() -> None:
    both = find(Session(is_elevated=True, desktop_shown=False))
    advice = explain(UnavailableHere("sign in", both.conditions))
    assert advice.title == "The broker cannot work in this session"
    assert all(c.reason in advice.explanation and c.remedy in advice.fix for c in both.conditions)


def test_a_fix_that_is_to_sign_in_is_not_offered_where_the_window_cannot_work() -> None:
    consent = "AADSTS65001: consent"
    assert explain(raised("InteractionRequired", False, FINE, consent)).needs_interaction
    blocked = explain(raised("InteractionRequired", False, ELEVATED, consent))
    assert blocked.code == "AADSTS65001" and blocked.blocked_here
    assert not blocked.needs_interaction
    assert blocked.fix.startswith("Signing in again would fix this, but not in this session:")
    assert ELEVATED.conditions[0].remedy in blocked.fix
    needs = raised("InteractionRequired", False, ELEVATED, consent)
    outcome = of_error(account("megan"), CONFIG, needs, {})
    assert outcome.kind is Kind.INTERACTION and not outcome.can_sign_in
    assert not outcome.needs_interaction  # nothing offers "Sign in again" / "Sign in for this cell"


def test_a_silent_cancel_is_an_outcome_not_a_users_cancel() -> None:
    assert is_user_cancel(raised("UserCanceled", True, FINE))
    assert is_user_cancel(raised("UserCanceled", None, None))
    silent = raised("UserCanceled", False, FINE)
    assert not is_user_cancel(silent)
    outcome = of_error(account("adele"), CONFIG, silent, {})
    assert outcome.kind is Kind.FAILED and outcome.code == "CanceledWithoutWindow"
