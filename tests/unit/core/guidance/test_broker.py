"""Guidance for a broker that cannot be reached, is busy, or left the list to the runtime's
cache. Plain Python; the texts are the runtime's own (seen with 0.20.7, see
tests/integration/broker/test_dead_broker.py for the real thing)."""

from __future__ import annotations

import pytest

from app.core.broker.errors import BrokerBusy, BrokerError, BrokerTimeout
from app.core.broker.records import AccountListing
from app.core.guidance import broker as broker_guidance
from app.core.guidance.explain import explain
from app.core.guidance.statuses import TIMEOUT_GUIDANCE

KILLED = "DBUS failed to send a message. Error: org.freedesktop.DBus.Error.ServiceUnknown ((pii))."


@pytest.mark.parametrize(
    ("context", "title"),
    [
        (KILLED, "The broker is not running"),
        (KILLED.replace("ServiceUnknown", "NameHasNoOwner"), "The broker is not running"),
        (KILLED.replace("ServiceUnknown", "NoReply"), "The broker stopped answering"),
        (KILLED.replace("ServiceUnknown", "AccessDenied"), "Unexpected broker error"),
        ("something else entirely", "Unexpected broker error"),
    ],
)
def test_a_dbus_error_from_the_runtime_gets_its_own_guidance(context: str, title: str) -> None:
    assert explain(BrokerError("Status_Unexpected", 0, 508605726, context)).title == title


def test_an_aadsts_code_still_wins_over_the_status() -> None:
    assert explain(BrokerError("InteractionRequired", 0, 1, "AADSTS50076: MFA")).code == (
        "AADSTS50076"
    )


def test_busy_names_the_earlier_request_and_how_to_get_out() -> None:
    error = BrokerBusy("sign out", 31.2, "get a token silently", 42.7)
    assert isinstance(error, BrokerTimeout) and error.status == "Busy"
    advice = explain(error)
    assert advice.title == "The broker is still busy with an earlier request"
    assert "get a token silently, started 43 s ago" in advice.explanation
    assert "(sign out)" in advice.explanation
    assert "Cancel" in advice.fix
    assert explain(BrokerTimeout("sign out", 30)) is TIMEOUT_GUIDANCE


@pytest.mark.parametrize(
    ("unreachable", "says"),
    [
        ("ServiceUnknown", "The broker is not running"),
        ("NoReply", "The broker stopped answering"),
        ("Failed", "The broker stopped answering"),
        (AccountListing.CACHE_ONLY, "from its own cache"),
    ],
)
def test_a_list_the_broker_did_not_answer_may_be_out_of_date(unreachable: str, says: str) -> None:
    advice = broker_guidance.for_listing(AccountListing([], unreachable))
    assert advice is not None
    assert advice.title == "The account list may be out of date"
    assert says in advice.explanation


def test_a_list_the_broker_answered_needs_no_note() -> None:
    assert broker_guidance.for_listing(AccountListing([])) is None
