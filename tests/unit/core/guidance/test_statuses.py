"""What each broker status and each reason the runtime cannot load means
(app.core.guidance.statuses)."""

from __future__ import annotations

import dataclasses

import pytest

from app.core.broker.errors import BrokerUnavailable
from app.core.guidance.statuses import STATUS_GUIDANCE, for_status, for_unavailable
from tests.unit.core.guidance.helpers import RESPONSE_STATUS_NAMES, _assert_complete, complete


def test_status_names_are_exactly_the_response_status_members() -> None:
    assert len(RESPONSE_STATUS_NAMES) == 22
    assert len(set(RESPONSE_STATUS_NAMES)) == 22
    assert set(STATUS_GUIDANCE) == set(RESPONSE_STATUS_NAMES)


def test_every_status_has_complete_guidance_under_its_own_name() -> None:
    wrong = [n for n in RESPONSE_STATUS_NAMES if not complete(STATUS_GUIDANCE[n], n)]
    assert wrong == []
    assert all(for_status(n) is STATUS_GUIDANCE[n] for n in RESPONSE_STATUS_NAMES)


def test_interaction_required_needs_interaction() -> None:
    assert STATUS_GUIDANCE["InteractionRequired"].needs_interaction


def test_incorrect_configuration_mentions_broker_redirect_uri() -> None:
    g = STATUS_GUIDANCE["IncorrectConfiguration"]
    assert "ms-appx-web://Microsoft.AAD.BrokerPlugin/" in g.fix
    assert "client id" in g.fix


def test_required_broker_missing_names_each_platform_broker() -> None:
    text = STATUS_GUIDANCE["RequiredBrokerMissing"].fix
    for broker in ("WAM", "Company Portal", "microsoft-identity-broker"):
        assert broker in text


@pytest.mark.parametrize(
    "spelling",
    [
        "InteractionRequired",
        "Status_InteractionRequired",
        "Response_Status.Status_InteractionRequired",
    ],
)
def test_for_status_accepts_all_spellings(spelling: str) -> None:
    assert for_status(spelling) is STATUS_GUIDANCE["InteractionRequired"]


def test_for_status_unknown_is_generic_and_names_status() -> None:
    g = for_status("Status_SomethingNew")
    _assert_complete(g)
    assert "SomethingNew" in g.code
    assert "SomethingNew" in g.title or "SomethingNew" in g.explanation
    assert not g.needs_interaction


@pytest.mark.parametrize("kind", ["wheel-missing", "system-libraries", "no-broker", "unsupported"])
def test_for_unavailable_round_trip(kind: str) -> None:
    u = BrokerUnavailable(kind, "libsecret-1.so.0 not found", "sudo apt install libsecret-1-0")
    g = for_unavailable(u)
    _assert_complete(g)
    assert g.explanation == u.reason
    assert g.fix == u.remedy
    assert not g.needs_interaction


def test_for_unavailable_unknown_kind_still_has_title() -> None:
    g = for_unavailable(BrokerUnavailable("mystery", "why", "what"))
    _assert_complete(g)


def test_guidance_is_frozen() -> None:
    g = STATUS_GUIDANCE["NoNetwork"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.title = "x"  # type: ignore[misc]
