"""Guidance for any error (app.core.guidance.explain): AADSTS before status, never the
error's own text."""

from __future__ import annotations

from app.core.broker.errors import (
    BrokerError,
    BrokerTimeout,
    BrokerUnavailable,
    BrokerUnavailableError,
)
from app.core.configurations.profile import ProfileError
from app.core.guidance.aadsts import AADSTS_GUIDANCE
from app.core.guidance.explain import explain
from app.core.guidance.statuses import STATUS_GUIDANCE, for_status, for_unavailable
from tests.unit.core.guidance.helpers import _assert_complete, _fields

FAKE_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"


def test_explain_prefers_aadsts_over_status() -> None:
    err = BrokerError(
        "InteractionRequired",
        50076,
        1,
        "AADSTS50076: Due to a configuration change made by your administrator, "
        "you must use multi-factor authentication.",
    )
    assert explain(err) is AADSTS_GUIDANCE[50076]
    assert explain(err).needs_interaction


def test_explain_broker_error_without_aadsts_uses_status() -> None:
    err = BrokerError("Response_Status.Status_NoNetwork", 0, 2, "no route to host")
    assert explain(err) is STATUS_GUIDANCE["NoNetwork"]


def test_explain_broker_error_with_unknown_aadsts_uses_status() -> None:
    err = BrokerError("ServerTemporarilyUnavailable", 0, 3, "AADSTS99999999: whatever")
    assert explain(err) is STATUS_GUIDANCE["ServerTemporarilyUnavailable"]


def test_explain_timeout() -> None:
    g = explain(BrokerTimeout("acquire_token_silently", 30))
    assert g.code == "Timeout"
    _assert_complete(g)
    assert "ignored" in g.explanation
    assert not g.needs_interaction
    assert for_status("Timeout") == g


def test_explain_plain_exception_never_leaks_its_text() -> None:
    g = explain(Exception(f"token {FAKE_JWT} secret"))
    _assert_complete(g)
    assert g.title == "Unexpected error"
    assert "Exception" in g.explanation
    for value in _fields(g):
        assert "eyJ" not in value
        assert "secret" not in value


def test_explain_exception_with_aadsts_in_text() -> None:
    class ClientAuthenticationError(Exception):
        pass

    err = ClientAuthenticationError(
        f"AADSTS65001: The user or administrator has not consented. token={FAKE_JWT}"
    )
    assert explain(err) is AADSTS_GUIDANCE[65001]


def test_explain_exception_with_unknown_aadsts_names_code_only() -> None:
    g = explain(RuntimeError(f"AADSTS1234567: odd {FAKE_JWT}"))
    assert g.code == "AADSTS1234567"
    for value in _fields(g):
        assert "eyJ" not in value


def test_explain_profile_error_uses_its_message() -> None:
    g = explain(ProfileError({"client_id": "bad"}))
    _assert_complete(g)
    assert "client_id" in g.explanation


def test_explain_an_unavailable_broker_gives_its_reason_and_remedy() -> None:
    reason = BrokerUnavailable("no-broker", "No broker answered: x", "Install the broker.")
    g = explain(BrokerUnavailableError(reason))
    assert g == for_unavailable(reason)
    assert (g.explanation, g.fix) == ("No broker answered: x", "Install the broker.")


def test_explain_a_refused_storage_name_says_the_rule_and_that_nothing_was_sent() -> None:
    from app.core.storage.names import BlobNameError

    guidance = explain(BlobNameError("Blob names cannot end with a dot, a slash or a backslash"))
    assert guidance.code == "InvalidName"
    assert guidance.explanation == "Blob names cannot end with a dot, a slash or a backslash."
    assert "nothing was sent" in guidance.fix
